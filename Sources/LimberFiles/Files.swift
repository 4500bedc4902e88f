import Glibc

// MARK: - Errors

/// A file-system failure that names the path, what went wrong, and what to do about it.
public struct PathError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or folder the operation was about.
    public var path: String
    /// The C `errno` behind the failure, when there is one.
    public var code: Int32?
    /// A complete sentence for a person: path, cause, fix.
    public var message: String

    /// An error with a message written by the caller.
    public init(path: String, code: Int32? = nil, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// An error from a failed system call: "cannot <action> <path>: <strerror>; <hint>".
    public static func system(_ action: String, _ path: String, errno code: Int32) -> PathError {
        var text = "cannot \(action) \(path): \(errnoText(code))"
        if let hint = hint(for: code, path: path) { text += "; " + hint }
        return PathError(path: path, code: code, message: text)
    }

    public var description: String { message }

    private static func hint(for code: Int32, path: String) -> String? {
        switch code {
        case EACCES, EPERM:
            return "check that you own it and the folders above it (ls -ld '\(parentDirectory(of: path))')"
        case ENOSPC, EDQUOT: return "free some disk space and try again"
        case EROFS: return "the file system is mounted read-only"
        case ENOENT: return "check that the folder above it exists"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case ENAMETOOLONG: return "use a shorter path"
        case EMFILE, ENFILE: return "too many open files; raise the limit (ulimit -n) or close other programs"
        case EIO: return "the disk reported an I/O error; check the device (dmesg)"
        default: return nil
        }
    }
}

/// The text of an errno value, e.g. "Permission denied".
package func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

/// Everything before the last "/" ("." when there is none, "/" for a top-level entry).
package func parentDirectory(of path: String) -> String {
    var bytes = Array(path.utf8)
    while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
    if slash == 0 { return "/" }
    return String(decoding: bytes[..<slash], as: UTF8.self)
}

// MARK: - Low-level IO

/// Writes a line to standard error: diagnostics a person reads, whatever the log goes to.
package func printError(_ text: String) {
    _ = writeAll(STDERR_FILENO, Array((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes every byte, retrying short writes and EINTR; returns 0 or the errno that stopped it.
package func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return write(fd, base + offset, raw.count - offset)
        }
        if n > 0 {
            offset += n
        } else if n < 0, errno == EINTR {
            continue
        } else {
            // write(2) returning 0 for a non-empty regular-file write means no progress is possible.
            return n < 0 ? errno : EIO
        }
    }
    return 0
}

/// Reads to end of file, retrying EINTR; returns the bytes or the errno that stopped it.
package func readAll(_ fd: Int32) -> Result<[UInt8], PathErrno> {
    var result: [UInt8] = []
    var st = stat()
    if fstat(fd, &st) == 0, st.st_size > 0 { result.reserveCapacity(Int(st.st_size)) }
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            result.append(contentsOf: chunk[..<n])
        } else if n == 0 {
            return .success(result)
        } else if errno != EINTR {
            return .failure(PathErrno(code: errno))
        }
    }
}

/// A bare errno, to be given a path by the caller.
package struct PathErrno: Error {
    package var code: Int32
}

/// Opens with EINTR retried (open can be interrupted on slow file systems such as FUSE or NFS).
package func openRetrying(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    while true {
        let fd = open(path, flags, mode)
        if fd >= 0 || errno != EINTR { return fd }
    }
}

// MARK: - Regular files only

/// Opening and reading files that must be regular files of a sane size. A FIFO would block
/// the open (or the first read) for ever, a device such as /dev/zero never ends, and a link
/// may point at either: so open without blocking, look at what was opened, then read at most
/// `limit` bytes.
package enum RegularFile {
    /// Why a file was not read.
    package enum Failure: Error, Equatable {
        /// There is nothing at the path.
        case missing
        /// A system call failed with this errno.
        case system(Int32)
        /// A symbolic link where only a file will do (opened with `followLinks: false`).
        case symbolicLink
        /// Something other than a regular file: "a FIFO", "a device", "a folder", ...
        case notRegular(String)
        /// Larger than the limit.
        case tooLarge(size: Int, limit: Int)

        /// A sentence naming `path`, what it is, and what to do.
        package func message(path: String, what: String) -> String {
            switch self {
            case .missing: return "cannot read \(what) \(path): there is no such file"
            case .system(let code): return PathError.system("read", path, errno: code).message
            case .symbolicLink:
                return "\(what) \(path) is a symbolic link, which limber does not follow there; "
                    + "remove the link (rm '\(path)')"
            case .notRegular(let kind):
                return "\(what) \(path) is \(kind), not a regular file; move it away (mv '\(path)' '\(path).old')"
            case .tooLarge(let size, let limit):
                return "\(what) \(path) is \(describeSize(size)), more than the \(describeSize(limit)) limber reads; "
                    + "is it the right file?"
            }
        }
    }

    /// Opens `name` relative to `directoryFD` (or an absolute path with `AT_FDCWD`) for reading
    /// and checks that it is a regular file no larger than `limit`; returns the descriptor.
    package static func open(_ name: String, in directoryFD: Int32 = AT_FDCWD, followLinks: Bool,
                             limit: Int) -> Result<Int32, Failure> {
        var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY
        if !followLinks { flags |= O_NOFOLLOW }
        var fd: Int32
        repeat {
            fd = openat(directoryFD, name, flags)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return .failure(.missing) }
            if code == ELOOP, !followLinks { return .failure(.symbolicLink) }
            if code == ENXIO { return .failure(.notRegular("a socket or a FIFO")) }
            return .failure(.system(code))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            return .failure(.system(code))
        }
        let kind: String?
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = nil
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFDIR:
            close(fd)
            return .failure(.system(EISDIR))
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a file"
        }
        if let kind {
            close(fd)
            return .failure(.notRegular(kind))
        }
        guard st.st_size <= limit else {
            close(fd)
            return .failure(.tooLarge(size: Int(st.st_size), limit: limit))
        }
        // Reads of a regular file never block on O_NONBLOCK anyway; clear it for plain semantics.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success(fd)
    }

    /// Reads `fd` to its end, but no more than `limit` bytes (a file may grow after fstat).
    package static func read(_ fd: Int32, limit: Int) -> Result<[UInt8], Failure> {
        var result: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 { result.reserveCapacity(min(Int(st.st_size), limit) + 1) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                result.append(contentsOf: chunk[..<n])
                if result.count > limit { return .failure(.tooLarge(size: result.count, limit: limit)) }
            } else if n == 0 {
                return .success(result)
            } else if errno != EINTR {
                return .failure(.system(errno))
            }
        }
    }

    /// Opens, checks and reads in one go.
    package static func contents(_ name: String, in directoryFD: Int32 = AT_FDCWD, followLinks: Bool,
                                 limit: Int) -> Result<[UInt8], Failure> {
        switch open(name, in: directoryFD, followLinks: followLinks, limit: limit) {
        case .failure(let f): return .failure(f)
        case .success(let fd):
            defer { close(fd) }
            return read(fd, limit: limit)
        }
    }

    /// "512 KiB", "4 MiB", "3.4 MB"-like text for sizes in messages.
    package static func describeSize(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1 << 20 { return "\(bytes >> 10) KiB" }
        if bytes < 1 << 30 {
            let tenths = (bytes * 10) >> 20
            return "\(tenths / 10).\(tenths % 10) MiB"
        }
        return "\(bytes >> 30) GiB"
    }
}

// MARK: - Runtime folder

/// Whether the folders that hold the control socket can be trusted. Whoever owns them, or can
/// write in them, can put their own socket where limber looks: so limberd would serve, and the
/// CLI would send answers to, someone else.
package enum RuntimeFolder {
    /// Why `folder` cannot be trusted, as a sentence with the fix; nil when it is a folder of
    /// this user that no one else can write to (or when it does not exist: then there is
    /// nothing there to talk to, and the caller says so in its own words).
    package static func distrust(folder: String, followLink: Bool) -> String? {
        var st = stat()
        let found = followLink ? stat(folder, &st) : lstat(folder, &st)
        guard found == 0 else { return nil }
        let me = geteuid()
        if st.st_mode & S_IFMT == S_IFLNK {
            return "\(folder) is a symbolic link; limber uses only a real folder of yours there. "
                + "Remove the link (rm '\(folder)') and start limberd again."
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            return "\(folder) is not a folder; point XDG_RUNTIME_DIR at your own private folder"
        }
        guard st.st_uid == me else {
            return "\(folder) belongs to uid \(st.st_uid), not to you (uid \(me)), so its socket cannot be trusted; "
                + "point XDG_RUNTIME_DIR at your own folder (normally /run/user/\(me))"
        }
        guard st.st_mode & 0o022 == 0 else {
            let mode = String(st.st_mode & 0o7777, radix: 8)
            return "\(folder) can be written by other users (mode \(mode)), so its socket cannot be trusted; "
                + "make it private (chmod 700 '\(folder)')"
        }
        return nil
    }

    /// Checks the socket's folder and the one above it (XDG_RUNTIME_DIR).
    package static func distrust(socketPath: String) -> String? {
        let folder = parentDirectory(of: socketPath)
        return distrust(folder: parentDirectory(of: folder), followLink: true)
            ?? distrust(folder: folder, followLink: false)
    }
}

// MARK: - Private folders

/// Makes folders that only their owner can enter, and checks ones that already exist.
package enum PrivateDirectory {
    /// Creates `path` (mode 0700) if missing, or checks that the existing one is a folder owned
    /// by this user and tightens it to 0700; returns an open descriptor of the folder.
    ///
    /// - Parameters:
    ///   - createParents: create missing folders above it too (0700, as the XDG spec asks).
    ///   - allowSymlink: accept a symbolic link to a folder (the state folder may be a link into a
    ///     synced folder; the runtime folder holds the socket and must be a real folder).
    package static func open(_ path: String, createParents: Bool, allowSymlink: Bool) throws -> Int32 {
        if createParents {
            try createAncestors(of: path)
        }
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw PathError.system("create the folder", path, errno: errno)
        }
        var flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        if !allowSymlink { flags |= O_NOFOLLOW }
        let fd = openRetrying(path, flags)
        guard fd >= 0 else {
            let code = errno
            var st = stat()
            if lstat(path, &st) == 0 {
                if (st.st_mode & S_IFMT) == S_IFLNK, !allowSymlink {
                    throw PathError(path: path, code: code, message:
                        "\(path) is a symbolic link; limber keeps its socket and lock only in a real "
                        + "folder that you own. Remove the link (rm '\(path)') and start limberd again.")
                }
                if (st.st_mode & S_IFMT) != S_IFDIR, code == ENOTDIR {
                    throw PathError(path: path, code: code, message:
                        "\(path) exists but is not a folder; limber needs a folder there. "
                        + "Move the file away and try again.")
                }
            }
            throw PathError.system("open the folder", path, errno: code)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw PathError.system("inspect the folder", path, errno: code)
        }
        let me = geteuid()
        guard st.st_uid == me else {
            close(fd)
            throw PathError(path: path, message:
                "\(path) belongs to uid \(st.st_uid), not to you (uid \(me)); limber will not keep "
                + "private files in another user's folder. Remove it, or point the XDG variables at "
                + "your own folders.")
        }
        // Someone (or an old version, or a generous umask) may have widened it.
        if st.st_mode & 0o777 != 0o700, fchmod(fd, 0o700) != 0 {
            let code = errno
            close(fd)
            throw PathError.system("make the folder private (chmod 700)", path, errno: code)
        }
        return fd
    }

    private static func createAncestors(of path: String) throws {
        var ancestors: [String] = []
        var current = parentDirectory(of: path)
        while current != "/", current != "." {
            ancestors.append(current)
            current = parentDirectory(of: current)
        }
        for folder in ancestors.reversed() {
            var st = stat()
            if stat(folder, &st) == 0 { continue }
            if mkdir(folder, 0o700) != 0, errno != EEXIST {
                throw PathError.system("create the folder", folder, errno: errno)
            }
        }
    }
}

// MARK: - State store

/// Small state files in one private folder, each replaced atomically on write.
public final class StateStore {
    /// The folder holding the files.
    public let directory: String
    private let directoryFD: Int32

    /// Opens (creating with parents if needed) a private 0700 folder for state files.
    public init(directory: String) throws {
        self.directory = directory
        directoryFD = try PrivateDirectory.open(directory, createParents: true, allowSymlink: true)
    }

    deinit { close(directoryFD) }

    /// The full path of a file in the store.
    public func path(of name: String) -> String { directory + "/" + name }

    /// Replaces `name` with `bytes` so that a crash leaves either the old or the new content.
    public func write(_ bytes: [UInt8], to name: String) throws {
        try Self.checkName(name, in: directory)
        let target = path(of: name)
        var tempName = ""
        var fd: Int32 = -1
        // A collision of 64 random bits means something else is writing here; give up quickly.
        for _ in 0..<8 {
            tempName = Self.temporaryPrefix(for: name) + String(UInt64.random(in: .min ... .max), radix: 16)
            fd = openat(directoryFD, tempName, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd >= 0 || (errno != EEXIST && errno != EINTR) { break }
        }
        guard fd >= 0 else {
            throw PathError.system("create a temporary file for", target, errno: errno)
        }
        var failure: PathError?
        let writeError = writeAll(fd, bytes)
        if writeError != 0 {
            failure = .system("write", target, errno: writeError)
        } else if fsync(fd) != 0 {
            failure = .system("flush to disk", target, errno: errno)
        }
        if close(fd) != 0, failure == nil, errno != EINTR {
            failure = .system("write", target, errno: errno)
        }
        if failure == nil, renameat(directoryFD, tempName, directoryFD, name) != 0 {
            failure = .system("replace", target, errno: errno)
        }
        if let failure {
            unlinkat(directoryFD, tempName, 0)
            throw failure
        }
        // The rename is durable only once the folder's entry is on disk.
        if fsync(directoryFD) != 0 {
            throw PathError.system("flush the folder to disk after writing", target, errno: errno)
        }
    }

    /// The largest state file read: the daemon's state is a few KiB.
    public static let readLimit = 1 << 20

    /// The content of `name`, or nil when it does not exist.
    ///
    /// Only a regular file of at most `readLimit` bytes is read, and a symbolic link is not
    /// followed: the store writes its files itself, by rename, and never makes links.
    public func read(_ name: String) throws -> [UInt8]? {
        try Self.checkName(name, in: directory)
        let target = path(of: name)
        switch RegularFile.contents(name, in: directoryFD, followLinks: false, limit: Self.readLimit) {
        case .success(let bytes): return bytes
        case .failure(.missing): return nil
        case .failure(let failure):
            throw PathError(path: target, code: { if case .system(let c) = failure { c } else { nil } }(),
                            message: failure.message(path: target, what: "the state file"))
        }
    }

    /// Deletes temporary files that a crash left behind; returns how many.
    ///
    /// Call it only while holding the instance lock: another writer's temporary file would
    /// otherwise vanish under it.
    @discardableResult
    public func removeLeftoverTemporaryFiles() throws -> Int {
        let dupFD = dup(directoryFD)
        guard dupFD >= 0, let dir = fdopendir(dupFD) else {
            let code = errno
            if dupFD >= 0 { close(dupFD) }
            throw PathError.system("list", directory, errno: code)
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix("."), name.contains(Self.temporaryMarker) { names.append(name) }
        }
        var removed = 0
        for name in names where unlinkat(directoryFD, name, 0) == 0 { removed += 1 }
        return removed
    }

    private static let temporaryMarker = ".tmp-"

    // A leading dot keeps temporary files out of the way of `ls` and of file-sync tools that skip hidden files.
    private static func temporaryPrefix(for name: String) -> String { "." + name + temporaryMarker }

    private static func checkName(_ name: String, in directory: String) throws {
        guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(UInt8(ascii: "/")),
              !name.utf8.contains(0)
        else {
            throw PathError(path: directory, message:
                "'\(name)' is not a plain file name for the state folder \(directory); "
                + "this is a bug in limberd, please report it")
        }
    }
}

// MARK: - History log

/// Where the daemon appends history lines; `HistoryLog` on disk, a stand-in in tests.
public protocol HistoryAppending: AnyObject {
    /// Appends complete lines; with `durable`, returns only once they are on disk.
    func append(_ lines: [[UInt8]], durable: Bool) throws
}

/// The append-only history of one host: `history-<host>.jsonl`, one event per line.
public final class HistoryLog: HistoryAppending {
    /// The history file.
    public let path: String
    private let fd: Int32
    // After a torn write (power cut, full disk) the file ends mid-line; the next append
    // must start on a fresh line or it would glue a valid event onto the broken one.
    private var needsLeadingNewline: Bool

    /// Opens (creating if needed) the history file of `host` in `directory`.
    ///
    /// Only the last byte of an existing file is read: start-up costs the same with five years
    /// of history as with none.
    public init(directory: String, host: String = HistoryLog.hostName()) throws {
        let dirFD = try PrivateDirectory.open(directory, createParents: true, allowSymlink: true)
        defer { close(dirFD) }
        path = directory + "/history-" + Self.sanitize(host) + ".jsonl"
        let existed = access(path, F_OK) == 0
        // Non-blocking, so that a FIFO in its place cannot stall the open; checked to be a
        // regular file before anything is written to it.
        fd = openRetrying(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0o600)
        guard fd >= 0 else {
            if errno == ELOOP {
                throw PathError(path: path, code: ELOOP, message: RegularFile.Failure.symbolicLink
                    .message(path: path, what: "the history file"))
            }
            throw PathError.system("open the history file", path, errno: errno)
        }
        do {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw PathError.system("inspect the history file", path, errno: errno) }
            guard st.st_mode & S_IFMT == S_IFREG else {
                throw PathError(path: path, message: RegularFile.Failure.notRegular(
                    st.st_mode & S_IFMT == S_IFIFO ? "a FIFO (named pipe)" : "not a regular file")
                    .message(path: path, what: "the history file"))
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            // A new file's name must be on disk too, or a power cut could lose the whole file
            // along with the events fsync'ed into it.
            if !existed, fsync(dirFD) != 0 {
                throw PathError.system("flush the history folder to disk after creating", path, errno: errno)
            }
            needsLeadingNewline = try Self.endsMidLine(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Appends complete lines (a missing final newline is added) in one write; with `durable`,
    /// returns only once they are on disk.
    public func append(_ lines: [[UInt8]], durable: Bool) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(lines.reduce(1) { $0 + $1.count + 1 })
        // Other processes append to this file too (`limber journal` while limberd runs): one
        // of them may have been killed mid-write since we last looked, so look again. Every
        // writer writes whole lines in one O_APPEND write, so lines never interleave.
        if !needsLeadingNewline, let midLine = try? Self.endsMidLine(fd, path: path) {
            needsLeadingNewline = midLine
        }
        if needsLeadingNewline { buffer.append(UInt8(ascii: "\n")) }
        var wroteAny = false
        for line in lines where !line.isEmpty {
            let body = line.last == UInt8(ascii: "\n") ? line.dropLast() : line[...]
            // One event per line is what makes the file mergeable; a newline inside would split one event in two.
            guard !body.contains(UInt8(ascii: "\n")) else {
                throw PathError(path: path, message:
                    "refusing to append a history line with a newline inside it to \(path); "
                    + "this is a bug in limberd, please report it")
            }
            buffer.append(contentsOf: body)
            buffer.append(UInt8(ascii: "\n"))
            wroteAny = true
        }
        guard wroteAny else { return }
        let code = writeAll(fd, buffer)
        if code != 0 {
            // Part of the buffer may be on disk; find out where the file ends now.
            needsLeadingNewline = (try? Self.endsMidLine(fd, path: path)) ?? true
            throw PathError.system("append to the history file", path, errno: code)
        }
        needsLeadingNewline = false
        if durable, fdatasync(fd) != 0 {
            throw PathError.system("flush the history file to disk", path, errno: errno)
        }
    }

    /// Every complete line (without its newline); an unterminated last line is skipped.
    public func readLines() throws -> [[UInt8]] {
        guard lseek(fd, 0, SEEK_SET) >= 0 else {
            throw PathError.system("read the history file", path, errno: errno)
        }
        let bytes: [UInt8]
        switch readAll(fd) {
        case .success(let b): bytes = b
        case .failure(let e): throw PathError.system("read the history file", path, errno: e.code)
        }
        var lines: [[UInt8]] = []
        var start = 0
        for i in bytes.indices where bytes[i] == UInt8(ascii: "\n") {
            if i > start { lines.append(Array(bytes[start..<i])) }
            start = i + 1
        }
        return lines
    }

    /// This machine's host name, reduced to `[A-Za-z0-9._-]` so it is safe in a file name.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return sanitize("") }
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return sanitize(String(decoding: bytes, as: UTF8.self))
    }

    /// Replaces every character outside `[A-Za-z0-9._-]` with "_"; "unknown-host" when empty.
    public static func sanitize(_ host: String) -> String {
        let allowed: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
        let cleaned = host.utf8.prefix(64).map { allowed($0) ? $0 : UInt8(ascii: "_") }
        return cleaned.isEmpty ? "unknown-host" : String(decoding: cleaned, as: UTF8.self)
    }

    private static func endsMidLine(_ fd: Int32, path: String) throws -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw PathError.system("inspect the history file", path, errno: errno) }
        guard st.st_size > 0 else { return false }
        var last: UInt8 = 0
        var n: Int
        repeat {
            n = pread(fd, &last, 1, st.st_size - 1)
        } while n < 0 && errno == EINTR
        guard n == 1 else {
            throw PathError.system("read the end of the history file", path, errno: n < 0 ? errno : EIO)
        }
        return last != UInt8(ascii: "\n")
    }
}
