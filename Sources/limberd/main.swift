import LimberDaemon
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

let status = Daemon.main(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment) { source, paths in
    // Built-in defaults until the configuration file support lands.
    .success(DaemonSettings(configPath: nil))
}
exit(status)
