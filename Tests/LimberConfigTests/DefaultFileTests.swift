import LimberCore
import Testing
@testable import LimberConfig
import LimberTestSupport

@Suite struct DefaultFileTests {
    @Test func theDocumentedFileLoadsToExactlyTheBuiltInDefaults() throws {
        let bytes = try #require(readFile(repositoryFile("config/limber.toml")))
        let result = LimberConfiguration.load(bytes, fileName: "limber.toml")
        #expect(try result.get() == LimberConfiguration.defaults)
    }

    /// The build embeds the top-level file itself (through the symlink in Sources/LimberConfig),
    /// not a copy that could drift from it.
    @Test func theEmbeddedBytesAreTheTopLevelFile() throws {
        let bytes = try #require(readFile(repositoryFile("config/limber.toml")))
        #expect(DefaultConfigFile.bytes == bytes, "Sources/LimberConfig/config must link to ../../config")
    }

    @Test func theEmbeddedTextLoadsToTheDefaults() throws {
        #expect(try LimberConfiguration.load(DefaultConfigFile.text, fileName: "limber.toml").get() == .defaults)
    }

    @Test func theDocumentedFileWritesEveryKeyOfEverySection() {
        let text = DefaultConfigFile.text
        for section in Schema.sections {
            if section.decodeList != nil {
                // Lists of tables ([[exercises]]) are empty by default: documented with an example.
                #expect(text.contains("#     [[\(section.name)]]\n"), "[[\(section.name)]]")
                for key in section.keys {
                    #expect(text.contains(" \(key) = "), "\(section.name).\(key)")
                }
                continue
            }
            #expect(text.contains("\n[\(section.name)]\n"), "[\(section.name)]")
            // Each key is mentioned; keys that a default does not use (weekdays, mon...) in prose.
            for key in section.keys {
                #expect(text.contains(key), "\(section.name).\(key)")
            }
            for pair in section.encode(.defaults) {
                #expect(text.contains("\n\(pair.key) = \(pair.value)\n"), "\(section.name).\(pair.key) = \(pair.value)")
            }
        }
    }

    @Test func anEmptyFileIsTheDefaults() {
        #expect(loaded("") == .defaults)
        #expect(loaded("# nothing here\n\n") == .defaults)
        #expect(loaded("[posture]\n[work_hours]\n") == .defaults)
    }

    @Test func theBuiltInDefaults() {
        let d = LimberConfiguration.defaults
        #expect(d.schedule == ScheduleSettings.defaults)
        #expect(d.schedule.postureMin == .seconds(1800))
        #expect(d.schedule.postureMax == .seconds(2700))
        #expect(d.schedule.workHours == .always)
        #expect(d.notifications == NotificationSettings(urgency: .normal, expire: .serverDefault))
    }
}
