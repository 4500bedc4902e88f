// What the Swift test targets share: temporary folders, whole-file reads and writes, the
// repository's files, an error to throw, a seeded generator. Glibc and the pure LimberCore
// only, so every test target can depend on it; it is in no product.
import LimberCore
#if canImport(Glibc)
import Glibc
#endif

/// An error a test helper throws, saying what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A fresh folder under /tmp (short, so socket paths fit), removed with everything in it
/// when the last reference goes.
public final class TemporaryFolder {
    public let path: String

    public init(prefix: String = "limber-test") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    deinit { removeTree(path) }
}

/// Runs `body` with a fresh folder under /tmp and removes the folder after.
public func withTemporaryFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = try TemporaryFolder()
    return try withExtendedLifetime(folder) { try body(folder.path) }
}

/// Removes a file or a folder with everything in it; links are removed, not followed.
public func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if st.st_mode & S_IFMT == S_IFDIR {
        for name in listFolder(path) { removeTree(path + "/" + name) }
        rmdir(path)
    } else {
        unlink(path)
    }
}

/// Names in a folder, sorted, without "." and "..".
public func listFolder(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != ".", name != ".." { names.append(name) }
    }
    return names.sorted()
}

/// True for a folder (or a link to one).
public func isDirectory(_ path: String) -> Bool {
    guard let dir = opendir(path) else { return false }
    closedir(dir)
    return true
}

/// Permission bits of a path (not following a final symlink), or nil when it does not exist.
public func fileMode(_ path: String) -> mode_t? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return st.st_mode & 0o7777
}

/// The whole file at `path`, or nil when it cannot be read.
public func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        if n <= 0 { return n == 0 ? data : nil }
        data.append(contentsOf: chunk[0..<n])
    }
}

/// The file as text, for expectations that print readably when they fail.
public func readText(_ path: String) -> String? {
    readFile(path).map { String(decoding: $0, as: UTF8.self) }
}

/// Creates or replaces the file (mode 0600) with `bytes`; false when it cannot.
@discardableResult
public func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { return false }
        done += n
    }
    return true
}

@discardableResult
public func writeFile(_ path: String, _ text: String) -> Bool {
    writeFile(path, Array(text.utf8))
}

/// The repository's root, from this file's path (Tests/LimberTestSupport/Files.swift).
public let packageRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// A file of the repository, by its path from the root.
public func repositoryFile(_ relative: String) -> String {
    packageRoot + "/" + relative
}

/// The same numbers for the same seed, for generated test inputs: LimberCore's SplitMix64.
public typealias SeededRandom = SplitMix64
