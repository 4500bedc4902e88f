#if canImport(Glibc)
import Glibc
#endif

/// Reading and atomically replacing a configuration file (`limber config`, limberd's loader).
public enum ConfigFiles {
    /// Why a file could not be read or written.
    public enum Failure: Error, Equatable {
        /// There is no file at the path.
        case missing
        /// Anything else, as a sentence that names the path.
        case other(String)

        public var message: String {
            switch self {
            case .missing: "no such file"
            case .other(let text): text
            }
        }
    }

    /// A config file is small (the fully documented one is about 12 KiB, and a large catalog
    /// of one's own exercises a few hundred): anything larger is the wrong file.
    public static let sizeLimit = 1 << 20

    /// The whole file at `path`: a regular file (a link to one is followed, so a config kept in
    /// a dotfiles repository works) of at most `sizeLimit` bytes. A FIFO, a device or a folder
    /// is refused without waiting on it.
    public static func read(_ path: String) -> Result<[UInt8], Failure> {
        switch RegularFile.contents(path, followLinks: true, limit: sizeLimit) {
        case .success(let bytes): return .success(bytes)
        case .failure(.missing): return .failure(.missing)
        case .failure(let failure): return .failure(.other(failure.message(path: path, what: "the configuration file")))
        }
    }

    /// Whether anything (a file, a folder, a dangling symbolic link) is at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Replaces the file at `path` with `bytes` so that a reader sees the old file or the new
    /// one, never a part: a temporary file in the same folder, flushed, then renamed over it.
    /// Missing folders are created. A symbolic link is followed, so a config file kept in a
    /// dotfiles repository stays there and the link stays a link.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) -> Result<Void, Failure> {
        let target = resolvingLinks(path)
        let folder = parentDirectory(of: target)
        if case .failure(let failure) = makeDirectories(folder) { return .failure(failure) }
        var template = Array((folder + "/.config.toml.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard fd >= 0 else { return .failure(.other("cannot create a file in \(folder): \(errnoText(errno))")) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func fail(_ action: String) -> Result<Void, Failure> {
            let text = "cannot \(action) \(temporary): \(errnoText(errno))"
            close(fd)
            unlink(temporary)
            return .failure(.other(text))
        }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return fail("write") }
            written += n
        }
        // mkstemp makes the file 0600, whatever the umask: a new config stays private. A file
        // being replaced keeps the permissions its owner gave it.
        var existing = stat()
        if stat(target, &existing) == 0, existing.st_mode & S_IFMT == S_IFREG,
           fchmod(fd, existing.st_mode & 0o777) != 0 {
            return fail("set the mode of")
        }
        guard fsync(fd) == 0 else { return fail("flush") }
        close(fd)
        guard rename(temporary, target) == 0 else {
            let text = "cannot replace \(target): \(errnoText(errno))"
            unlink(temporary)
            return .failure(.other(text))
        }
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)  // make the rename itself durable; nothing to do if this fails
            close(dir)
        }
        return .success(())
    }

    /// Creates `path` and the folders above it, like `mkdir -m 700 -p`.
    public static func makeDirectories(_ path: String) -> Result<Void, Failure> {
        var info = stat()
        if stat(path, &info) == 0 {
            return (info.st_mode & S_IFMT) == S_IFDIR ? .success(()) : .failure(.other("\(path) is not a folder"))
        }
        let parent = parentDirectory(of: path)
        if parent != path, case .failure(let failure) = makeDirectories(parent) { return .failure(failure) }
        // 0700 whatever the umask (the XDG base directory spec asks for it, and the folder holds
        // only this user's settings).
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            return .failure(.other("cannot create the folder \(path): \(errnoText(errno))"))
        }
        return .success(())
    }

    /// Follows symbolic links at `path` itself (not in its folders), at most 16 deep.
    public static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<16 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : parentDirectory(of: current) + "/" + link
        }
        return current
    }
}
