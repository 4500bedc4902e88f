import LimberCore
import LimberFiles

/// Prints text built from files (the config and its catalog, which may hold any character
/// through TOML's \u escapes) as text a terminal shows and never obeys: controls, DEL, C1 and
/// bidi overrides become visible stand-ins. Line feeds and tabs stay.
func printText(_ text: String) {
    print(TerminalText.safe(text, keepingNewlines: true), terminator: "")
}

/// The same, for standard error.
func printErrorText(_ text: String) {
    printError(TerminalText.safe(text, keepingNewlines: true))
}
