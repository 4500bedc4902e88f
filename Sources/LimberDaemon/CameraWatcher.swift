import LimberCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

// A camera in use holds reminders (a video call). inotify on each /dev/video* node reports
// its opens and closes (IN_OPEN, IN_CLOSE_*); /dev itself is watched only for nodes coming and
// going (a camera plugged in). Opens and closes are counted per node. inotify merges
// identical events queued back to back, so two opens in a row may count as one: the count
// then reaches zero early (the hold ends while the camera is still open), never late, so a
// hold is never stuck. A camera already open when limberd starts is not seen (its processes'
// open files are out of reach in the Landlock sandbox) until it is opened again.
// Nothing is polled: an idle limberd has no event from here.

/// Watches video device nodes and reports the `camera` hold on and off.
final class CameraWatcher {
    /// The camera hold turns on (a node opened) or off (every node closed again).
    var onHold: (Bool) -> Void = { _ in }
    /// Why it is not watched; nil when it is.
    private(set) var problem: String?
    private let loop: EventLoop
    private let logger: Logger
    /// The folder of the device nodes: /dev (a test build may point it elsewhere).
    let folder: String
    private var fd: Int32 = -1
    private var watch: SourceID?
    private var folderWatch: Int32 = -1
    /// Watch descriptor -> node name, and opens not yet closed per node.
    private var nodes: [Int32: String] = [:]
    private var opens: [Int32: Int] = [:]
    private var holding = false

    /// Most nodes a machine is watched for: a bound, whatever the folder holds.
    static let maximumNodes = 64

    init(loop: EventLoop, logger: Logger, folder: String = "/dev") {
        self.loop = loop
        self.logger = logger
        self.folder = folder
    }

    /// /dev, or in a test build LIMBER_TEST_CAMERA_DIR: plain files named video0... there.
    static func folder(environment: [String: String]) -> String {
        #if LIMBER_TESTING
        if let folder = environment["LIMBER_TEST_CAMERA_DIR"], folder.hasPrefix("/") { return folder }
        #endif
        return "/dev"
    }

    static func isCamera(_ name: String) -> Bool {
        name.hasPrefix("video") && name.count > 5 && name.dropFirst(5).allSatisfy(\.isNumber)
    }

    func start() {
        guard fd < 0 else { return }
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            problem = "cannot use inotify: \(String(cString: strerror(errno)))"
            return
        }
        folderWatch = inotify_add_watch(fd, folder, UInt32(IN_CREATE | IN_DELETE | IN_ONLYDIR))
        guard folderWatch >= 0 else {
            problem = "cannot watch \(folder): \(String(cString: strerror(errno)))"
            stop()
            return
        }
        if let dir = opendir(folder) {
            while let entry = readdir(dir) {
                let name = Self.name(of: entry)
                if Self.isCamera(name) { add(name) }
            }
            closedir(dir)
        }
        problem = nil
        watch = loop.watch(fd: fd, events: .readable) { [unowned self] events in
            self.drain()
            return !events.contains(.hangup)
        }
    }

    func stop() {
        if let watch { loop.cancel(watch) }
        watch = nil
        if fd >= 0 { close(fd) }
        fd = -1
        nodes = [:]
        opens = [:]
        update()
    }

    private func add(_ name: String) {
        guard nodes.count < Self.maximumNodes, !nodes.values.contains(name) else { return }
        let mask = UInt32(IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)
        let wd = inotify_add_watch(fd, folder + "/" + name, mask)
        guard wd >= 0 else {
            logger.debug("cannot watch \(folder)/\(name): \(String(cString: strerror(errno)))")
            return
        }
        nodes[wd] = name
        opens[wd] = 0
    }

    private static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Reads every pending event, a buffer at a time until the queue is empty.
    private func drain() {
        let size = 4096
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        let header = MemoryLayout<inotify_event>.size
        defer { update() }
        while true {
            let n = read(fd, buffer, size)
            if n <= 0 { break }
            var offset = 0
            while offset + header <= n {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let length = Int(event.len)
                guard offset + header + length <= n else { break }
                if event.wd == folderWatch, length > 0 {
                    let bytes = UnsafeRawBufferPointer(start: buffer + offset + header, count: length)
                    let name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                    if Self.isCamera(name), event.mask & UInt32(IN_CREATE) != 0 { add(name) }
                } else if nodes[event.wd] != nil {
                    if event.mask & UInt32(IN_OPEN) != 0 {
                        opens[event.wd, default: 0] += 1
                    }
                    if event.mask & UInt32(IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) != 0 {
                        // A close of an open from before limberd watched: nothing to undo.
                        opens[event.wd] = max(0, (opens[event.wd] ?? 0) - 1)
                    }
                    if event.mask & UInt32(IN_IGNORED) != 0 {  // the node was removed
                        nodes[event.wd] = nil
                        opens[event.wd] = nil
                    }
                }
                offset += header + length
            }
        }
    }

    private func update() {
        let used = opens.values.contains { $0 > 0 }
        guard used != holding else { return }
        holding = used
        logger.debug("\(used ? "hold" : "release"): camera", metadata: ["source": "camera"])
        onHold(used)
    }
}
