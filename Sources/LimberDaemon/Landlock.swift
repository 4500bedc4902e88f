import CLandlock
import LimberProtocol
import Logging
#if canImport(Glibc)
import Glibc
#endif

// limberd's self-sandbox. A systemd user unit cannot make the file system read-only without a
// user namespace, which many systems do not allow, so limberd confines itself with Landlock
// (unprivileged, Linux 5.13+): it may write only in its state and runtime folders, read only
// the system, its config folder and those two, and execute nothing. Rules are inode-based and
// apply to the calling thread and everything it starts later, so this runs before the first
// thread (GLib's D-Bus worker) exists.

/// Landlock's access rights (linux/landlock.h), with the ABI version that introduced each.
public enum LandlockAccess {
    public static let execute: UInt64 = 1 << 0
    public static let writeFile: UInt64 = 1 << 1
    public static let readFile: UInt64 = 1 << 2
    public static let readDir: UInt64 = 1 << 3
    public static let removeDir: UInt64 = 1 << 4
    public static let removeFile: UInt64 = 1 << 5
    public static let makeChar: UInt64 = 1 << 6
    public static let makeDir: UInt64 = 1 << 7
    public static let makeReg: UInt64 = 1 << 8
    public static let makeSock: UInt64 = 1 << 9
    public static let makeFifo: UInt64 = 1 << 10
    public static let makeBlock: UInt64 = 1 << 11
    public static let makeSym: UInt64 = 1 << 12
    /// ABI 2: link or rename a file into another folder.
    public static let refer: UInt64 = 1 << 13
    /// ABI 3: truncate a file (truncate(2), O_TRUNC).
    public static let truncate: UInt64 = 1 << 14
    /// ABI 5: ioctl on character and block devices opened from now on.
    public static let ioctlDev: UInt64 = 1 << 15

    /// ABI 4: TCP bind and connect (network rights, a separate mask).
    public static let bindTCP: UInt64 = 1 << 0
    public static let connectTCP: UInt64 = 1 << 1

    /// The highest ABI whose rights limberd knows; a newer kernel is used at this level.
    public static let newestKnownABI = 5

    /// Every file-system right that ABI `abi` can handle (ABI 1 has the first 13).
    public static func fileSystem(abi: Int) -> UInt64 {
        guard abi >= 1 else { return 0 }
        var all: UInt64 = (1 << 13) - 1
        if abi >= 2 { all |= refer }
        if abi >= 3 { all |= truncate }
        if abi >= 5 { all |= ioctlDev }
        return all
    }

    /// The network rights ABI `abi` can handle (none before 4).
    public static func network(abi: Int) -> UInt64 {
        abi >= 4 ? bindTCP | connectTCP : 0
    }

    /// The rights that make sense on a file (not a folder); the kernel refuses others there.
    public static let fileOnly: UInt64 = execute | writeFile | readFile | truncate | ioctlDev
    /// Reading files and listing folders.
    public static let read: UInt64 = readFile | readDir
}

/// One rule of a plan: `access` allowed beneath `path`.
public struct LandlockRule: Equatable, Sendable {
    public var path: String
    public var access: UInt64
    /// A rule limberd cannot work without (its own folders): if it cannot be added, limberd
    /// does not confine itself rather than lock itself out. Missing system paths are skipped.
    public var required: Bool

    public init(path: String, access: UInt64, required: Bool) {
        self.path = path; self.access = access; self.required = required
    }
}

/// What limberd asks Landlock for, computed from its paths and the kernel's ABI version alone
/// (no file-system access, so it is tested with scripted inputs).
public struct SandboxPlan: Equatable, Sendable {
    public var abi: Int
    /// Rights the ruleset handles: anything not allowed by a rule is refused.
    public var handledFileSystem: UInt64
    /// Network rights handled with no rule at all: no TCP bind or connect (limberd needs only
    /// AF_UNIX).
    public var handledNetwork: UInt64
    public var rules: [LandlockRule]
    /// The folders limberd may write.
    public var writable: [String]

    /// Read-only system locations: libraries and data (/usr, /lib*), configuration (/etc:
    /// time zone, NSS, machine-id), the kernel's views (/proc, /sys), D-Bus's machine id, and
    /// the stores NixOS and Guix keep all of those in (their /etc links point there).
    public static let systemReadable = ["/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/proc", "/sys",
                                        "/var/lib/dbus", "/nix/store", "/gnu/store"]
    /// Where the system's programs and their libraries are: executable when hooks are set.
    public static let programFolders: Set<String> = ["/usr", "/lib", "/lib64", "/lib32", "/libx32", "/nix/store",
                                                     "/gnu/store"]
    /// Devices GLib and the C library open.
    public static let devices = ["/dev/null", "/dev/urandom", "/dev/random"]

    /// - Parameters:
    ///   - abi: the kernel's Landlock ABI version (>= 1); rights of newer versions are dropped.
    ///   - stateDirectory, runtimeDirectory: limberd's own folders, which must exist already.
    ///   - configDirectories: the folders the config file is read from on every reload (its
    ///     folder, and the real one when it is a symbolic link into, say, a dotfiles folder);
    ///     none with `--defaults`.
    ///   - readableFiles: single files read after start-up, such as the X authority file the
    ///     x11_idle source presents to an X server that asks for a cookie.
    ///   - runsPrograms: [hooks] are set, so the system's programs may be executed (by the
    ///     hooks limberd starts, which inherit the sandbox); otherwise nothing may be.
    public init(abi kernelABI: Int, stateDirectory: String, runtimeDirectory: String, configDirectories: [String],
                readableFiles: [String] = [], runsPrograms: Bool = false) {
        abi = min(kernelABI, LandlockAccess.newestKnownABI)
        let all = LandlockAccess.fileSystem(abi: abi)
        handledFileSystem = all
        handledNetwork = LandlockAccess.network(abi: abi)
        // Everything but execute in its own folders: state files are replaced by rename, the
        // socket is created and removed, history files are appended and rotated.
        let own = all & ~LandlockAccess.execute
        let read = LandlockAccess.read & all
        var rules = [LandlockRule(path: stateDirectory, access: own, required: true),
                     LandlockRule(path: runtimeDirectory, access: own, required: true)]
        for folder in configDirectories where !rules.contains(where: { $0.path == folder }) {
            rules.append(LandlockRule(path: folder, access: read, required: true))
        }
        let run = runsPrograms ? read | (LandlockAccess.execute & all) : read
        rules += Self.systemReadable.map {
            LandlockRule(path: $0, access: Self.programFolders.contains($0) ? run : read, required: false)
        }
        rules.append(LandlockRule(path: "/dev/null",
                                  access: (LandlockAccess.readFile | LandlockAccess.writeFile | LandlockAccess.truncate) & all,
                                  required: false))
        rules += ["/dev/urandom", "/dev/random"].map {
            LandlockRule(path: $0, access: LandlockAccess.readFile, required: false)
        }
        for file in readableFiles where !rules.contains(where: { $0.path == file }) {
            rules.append(LandlockRule(path: file, access: LandlockAccess.readFile, required: false))
        }
        self.rules = rules
        writable = [stateDirectory, runtimeDirectory]
    }

    /// The X authority file xcb reads when it connects: `$XAUTHORITY`, else `~/.Xauthority`.
    /// Without it a real X server (which asks for a cookie, unlike a test's Xvfb) refuses the
    /// x11_idle source once the sandbox is on.
    public static func xAuthorityFiles(environment: [String: String]) -> [String] {
        if let file = environment["XAUTHORITY"], file.hasPrefix("/") { return [file] }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return [home.hasSuffix("/") ? home + ".Xauthority" : home + "/.Xauthority"]
        }
        return []
    }

    /// The folder to allow reads of for a config file at `path`: its folder, or, when that does
    /// not exist yet (no `limber config init` so far), the nearest folder above it that does,
    /// so a config created later is still read on reload.
    public static func configDirectory(forFile path: String, exists: (String) -> Bool) -> String {
        var folder = parent(of: path)
        while folder != "/", folder != ".", !exists(folder) {
            folder = parent(of: folder)
        }
        return folder
    }

    static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }
}

/// Applies limberd's sandbox and says what came of it.
public enum SelfSandbox {
    /// Confines the process to `plan`'s rules, unless the environment turns it off. Logs the
    /// outcome once; never fails limberd: without Landlock it runs as before.
    public static func apply(stateDirectory: String, runtimeDirectory: String, configFile: String?,
                             environment: [String: String], runsPrograms: Bool = false,
                             logger: Logger) -> StatusReport.Sandbox
    {
        if environment["LIMBER_SANDBOX"] == "off" {
            logger.notice("LIMBER_SANDBOX=off: limberd does not confine itself (no Landlock sandbox)")
            return .init(state: "off", abi: nil, writable: [], problem: "turned off with LIMBER_SANDBOX=off")
        }
        let abi = limber_landlock_abi()
        guard abi >= 1 else {
            let problem: String
            switch -abi {
            case ENOSYS: problem = "this kernel has no Landlock (Linux 5.13 or later has it)"
            case EOPNOTSUPP: problem = "Landlock is not enabled in this kernel (add landlock to the lsm= boot parameter)"
            case EPERM: problem = "Landlock is blocked here (a seccomp filter refuses its calls, such as a unit's SystemCallFilter= without landlock_create_ruleset)"
            default: problem = "Landlock cannot be used here: \(errnoText(-abi))"
            }
            logger.notice("\(problem); limberd runs without its own file-system sandbox")
            return .init(state: "unavailable", abi: nil, writable: [], problem: problem)
        }
        var configDirectories: [String] = []
        if let configFile {
            configDirectories.append(SandboxPlan.configDirectory(forFile: configFile) { access($0, F_OK) == 0 })
            if let real = realPath(configFile) {
                configDirectories.append(SandboxPlan.parent(of: real))
            }
        }
        let plan = SandboxPlan(abi: Int(abi), stateDirectory: stateDirectory, runtimeDirectory: runtimeDirectory,
                               configDirectories: configDirectories,
                               readableFiles: SandboxPlan.xAuthorityFiles(environment: environment),
                               runsPrograms: runsPrograms)
        switch confine(plan) {
        case .success:
            let programs = runsPrograms ? "hooks may run the system's programs" : "runs no programs"
            logger.info("confined with Landlock ABI \(plan.abi): writes only to \(plan.writable.joined(separator: " and ")); \(programs)")
            let threads = threadCount()
            if threads > 1 {
                logger.warning("the Landlock sandbox was applied with \(threads) threads running; only this one and later ones are confined")
            }
            return .init(state: "landlock", abi: plan.abi, writable: plan.writable, problem: nil)
        case .failure(let problem):
            logger.warning("\(problem.description); limberd runs without its own file-system sandbox")
            return .init(state: "failed", abi: nil, writable: [], problem: problem.description)
        }
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func confine(_ plan: SandboxPlan) -> Result<Void, Problem> {
        let attrSize = plan.handledNetwork != 0 ? 16 : 8
        let ruleset = limber_landlock_create_ruleset(plan.handledFileSystem, plan.handledNetwork, attrSize)
        guard ruleset >= 0 else {
            return .failure(Problem(description: "Landlock refused a ruleset: \(errnoText(-ruleset))"))
        }
        defer { close(ruleset) }
        for rule in plan.rules {
            let fd = limber_open_path(rule.path)
            guard fd >= 0 else {
                let code = -fd
                if rule.required {
                    return .failure(Problem(description: "cannot open \(rule.path) for the Landlock sandbox: \(errnoText(code))"))
                }
                continue  // a system path this machine does not have (/lib32, /var/lib/dbus)
            }
            defer { close(fd) }
            var st = stat()
            var access = rule.access
            if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR {
                access &= LandlockAccess.fileOnly
            }
            let r = limber_landlock_add_path_rule(ruleset, fd, access)
            if r < 0, rule.required {
                return .failure(Problem(description: "Landlock refused the rule for \(rule.path): \(errnoText(-r))"))
            }
        }
        let r = limber_landlock_restrict_self(ruleset)
        guard r == 0 else {
            return .failure(Problem(description: "Landlock could not confine limberd: \(errnoText(-r))"))
        }
        return .success(())
    }

    /// The path with every symbolic link resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func errnoText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }

    /// The "Threads:" line of /proc/self/status, or 0 when it cannot be read.
    static func threadCount() -> Int {
        guard let f = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("Threads:") {
                return Int(text.dropFirst("Threads:".count).filter { !$0.isWhitespace }) ?? 0
            }
        }
        return 0
    }
}
