import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// When to colour the output.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb.
    case auto
    /// Even into a pipe (for `less -R`), unless NO_COLOR is set.
    case always
    case never
}

/// What the output is going to: how wide it is and whether it takes colour.
struct TerminalInfo: Equatable {
    var width: Int
    var color: Bool

    /// Decides from standard output and the environment.
    ///
    /// Width: the terminal's (TIOCGWINSZ), else `COLUMNS`, else 80. Colour: with `auto` only
    /// on a terminal; never when `NO_COLOR` is set to anything non-empty, whatever was asked
    /// (no-color.org), nor with `TERM=dumb` unless asked for.
    static func current(_ choice: ColorChoice, environment: [String: String], fd: Int32 = 1) -> TerminalInfo {
        var size = winsize()
        let terminalWidth = ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
        return decide(choice, environment: environment, isTerminal: isatty(fd) == 1, terminalWidth: terminalWidth)
    }

    /// The decision itself, from explicit inputs.
    static func decide(_ choice: ColorChoice, environment: [String: String], isTerminal: Bool,
                       terminalWidth: Int?) -> TerminalInfo {
        let width = terminalWidth ?? environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 80
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let color: Bool
        switch choice {
        case .never: color = false
        case .always: color = !noColor
        case .auto: color = isTerminal && !noColor && environment["TERM"] != "dumb"
        }
        return TerminalInfo(width: min(max(width, 40), 200), color: color)
    }
}
