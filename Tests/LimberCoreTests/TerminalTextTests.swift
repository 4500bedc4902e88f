import LimberCore
import Testing

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain text, é and 😀", "plain text, é and 😀"),
        ("\u{1B}]0;title\u{07}", "^[]0;title^G"),
        ("\u{1B}]52;c;ZXZpbA==\u{07}", "^[]52;c;ZXZpbA==^G"),
        ("\u{1B}[2J\u{1B}[H", "^[[2J^[[H"),
        ("a\rb\u{8}c\u{7F}", "a^Mb^Hc^?"),
        ("\u{9B}2J \u{9D}x\u{9C}", "\u{FFFD}2J \u{FFFD}x\u{FFFD}"),
        ("\u{202E}evil\u{2066}", "\u{FFFD}evil\u{FFFD}"),
        ("two\nlines\tand a tab", "two^Jlines\tand a tab"),
        ("\u{0}", "^@"),
    ])
    func unsafeScalarsAreShownNotObeyed(_ input: String, _ expected: String) {
        #expect(TerminalText.safe(input) == expected)
    }

    @Test func newlinesStayWhenAsked() {
        #expect(TerminalText.safe("a\nb\u{1B}c", keepingNewlines: true) == "a\nb^[c")
        #expect(TerminalText.safe("a\r\nb", keepingNewlines: true) == "a^M\nb")
    }

    @Test func textWithoutControlsIsReturnedAsItIs() {
        let text = String(repeating: "Déjà vu — “quoted” ", count: 100)
        #expect(TerminalText.safe(text) == text)
    }
}
