import CNotify
import CSystemd
import Logging

public func probeLinks() -> Int32 {
    _ = notify_init("limber")
    return sd_booted()
}
