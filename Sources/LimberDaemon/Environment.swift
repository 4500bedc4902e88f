// @preconcurrency: Glibc's `__environ` is a plain C global; reading it here, once at start-up
// before any thread exists, is safe. (Glibc's Swift `environ` traps when it is NULL after clearenv.)
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The process environment, read from `environ`: what `ProcessInfo.processInfo.environment`
/// gives, without Foundation. An entry without `=` is skipped; when a name repeats, the first
/// entry wins, as with `getenv`.
public func processEnvironment() -> [String: String] {
    var environment: [String: String] = [:]
    guard var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = __environ else { return environment }
    while let pointer = entry.pointee {
        let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
        if let equals = bytes.firstIndex(of: UInt8(ascii: "=")), equals > 0 {
            let name = String(decoding: bytes[..<equals], as: UTF8.self)
            if environment[name] == nil {
                environment[name] = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
            }
        }
        entry += 1
    }
    return environment
}
