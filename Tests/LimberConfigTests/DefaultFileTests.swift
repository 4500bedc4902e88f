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

    @Test func theEmbeddedTextIsTheDocumentedFileByteForByte() throws {
        let bytes = try #require(readFile(repositoryFile("config/limber.toml")))
        let embedded = Array(DefaultConfigFile.text.utf8)
        // Compared as text first so a failure shows the difference readably.
        #expect(DefaultConfigFile.text == String(decoding: bytes, as: UTF8.self),
                "paste config/limber.toml into Sources/LimberConfig/DefaultConfigFile.swift again")
        // Text equality ignores Unicode normalization; the bytes must match too.
        let firstDifference = zip(embedded, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(embedded.count, bytes.count)
        #expect(embedded.count == bytes.count && firstDifference == bytes.count,
                "the texts differ from byte \(firstDifference)")
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
