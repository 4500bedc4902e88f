import LimberConfig
import Testing
@testable import LimberDaemon

@Suite struct ConfigLogTests {
    @Test func aMultiLineDiagnosticBecomesOneRecordPerLineWithOneSeverity() throws {
        let text = "[reminders]\nsnooze_limit = \"many\"\n"
        guard case .failure(let diagnostics) = LimberConfiguration.load(text, fileName: "config.toml") else {
            Issue.record("the file loaded"); return
        }
        let rendered = try #require(diagnostics.rendered.first)
        #expect(rendered.contains("\n"))  // the source line and the caret
        let records = ConfigLog.records(rendered)
        #expect(records.count == rendered.split(separator: "\n").count)
        #expect(records[0].hasPrefix("config.toml:2:16: expected"), "\(records[0])")
        for record in records {
            let line = StderrLogHandler.line(identifier: "limberd", level: .error, message: record, metadata: [:])
            #expect(!line.dropLast().contains("\n") && !line.contains("\\n"), "\(line)")
            // The logger's own "error:" only.
            #expect(line.components(separatedBy: "error:").count == 2, "\(line)")
        }
        // The caret line is kept, under its source line.
        let source = try #require(records.firstIndex { $0 == "snooze_limit = \"many\"" })
        #expect(records.firstIndex { $0.contains("^") } == source + 1)
    }

    @Test func aLineWithoutALocationIsLeftAlone() {
        #expect(ConfigLog.records("the message: error: inside") == ["the message: error: inside"])
        #expect(ConfigLog.records("f.toml:1:2: note: see here") == ["f.toml:1:2: note: see here"])
    }
}
