import Glibc
import LimberFiles

/// Proof that this process is the only limberd of the user: an exclusive `flock` on
/// `limberd.lock` in the runtime folder, which also holds the owner's pid for error messages.
///
/// The lock lives as long as the open file description: until `release()` or process exit.
/// Dropping the object does not release it, so a forgotten reference cannot let a second
/// daemon in while this one still runs.
public final class InstanceLock {
    /// The lock file.
    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock in `runtimeDirectory` (created 0700 if missing), or throws naming the
    /// running limberd's pid and how to stop it.
    public static func acquire(runtimeDirectory: String) throws -> InstanceLock {
        let dirFD = try PrivateDirectory.open(runtimeDirectory, createParents: false, allowSymlink: false)
        close(dirFD)
        let path = runtimeDirectory + "/limberd.lock"
        let fd = openRetrying(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw PathError.system("open the lock file", path, errno: errno) }
        var locked: Int32
        repeat {
            locked = flock(fd, LOCK_EX | LOCK_NB)
        } while locked != 0 && errno == EINTR
        guard locked == 0 else {
            let code = errno
            let holder = code == EWOULDBLOCK ? readPID(fd) : nil
            close(fd)
            if code == EWOULDBLOCK {
                throw PathError(path: path, code: code, message: alreadyRunningMessage(pid: holder))
            }
            throw PathError.system("lock", path, errno: code)
        }
        // Only the lock holder writes, so truncating cannot erase another daemon's pid.
        let pidText = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) != 0 || pwriteAll(fd, pidText) != 0 {
            let code = errno
            close(fd)
            throw PathError.system("write our pid into", path, errno: code)
        }
        return InstanceLock(path: path, fd: fd)
    }

    /// Gives the lock up so another limberd may start.
    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    static func alreadyRunningMessage(pid: Int32?) -> String {
        if let pid {
            return "limberd is already running (pid \(pid)); stop it with "
                + "'systemctl --user stop limber' or 'kill \(pid)'"
        }
        // The other daemon holds the lock but has not written its pid yet (it is just starting).
        return "limberd is already running; stop it with 'systemctl --user stop limber'"
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[..<n], as: UTF8.self)
        guard let line = text.split(separator: "\n").first, let pid = Int32(line), pid > 0 else { return nil }
        return pid
    }

    private static func pwriteAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pwrite(fd, base + offset, raw.count - offset, off_t(offset))
            }
            if n > 0 {
                offset += n
            } else if n < 0, errno == EINTR {
                continue
            } else {
                if n == 0 { errno = EIO }
                return -1
            }
        }
        return 0
    }
}
