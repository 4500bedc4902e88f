import CProcessMemory
import Glibc
import Testing

/// MADV_PAGEOUT arrived in Linux 5.4; before it the hand-back is a no-op and this cannot be shown.
private let kernelHasPageOut: Bool = {
    var name = utsname()
    guard uname(&name) == 0 else { return false }
    let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
    guard parts.count == 2 else { return false }
    return (parts[0], parts[1]) >= (5, 4)
}()

@Suite struct ProcessMemoryTests {
    /// Resident KiB of this executable's read-only mappings (code and constants).
    private func residentProgramText() throws -> Int {
        var target = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &target, target.count - 1)
        try #require(length > 0)
        let exe = String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let file = fopen("/proc/self/smaps", "r") else { throw SmapsUnreadable() }
        defer { fclose(file) }
        var total = 0
        var inProgram = false
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), !first.hasSuffix(":"), fields.count >= 5 {
                let path = fields.count > 5 ? fields[5].trimmingCharacters(in: "\n") : ""
                inProgram = path == exe && !fields[1].contains("w")
            } else if inProgram, fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                total += kib
            }
        }
        return total
    }

    private struct SmapsUnreadable: Error {}

    @Test(.enabled(if: kernelHasPageOut, "MADV_PAGEOUT needs Linux 5.4 or later"))
    func startUpPagesAreHandedBack() throws {
        let before = try residentProgramText()
        let advised = limber_page_out_program_text()
        let after = try residentProgramText()
        #expect(advised > 0, "madvise failed: errno \(-advised)")
        // The test runner's other threads keep running code, so some pages come back at once;
        // most of what start-up and the earlier tests touched must be gone.
        #expect(after < before / 2, "resident program text \(before) KiB before, \(after) KiB after")
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String { String(filter { !set.contains($0) }) }
}
