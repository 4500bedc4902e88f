import LimberCore
import TOML

enum HooksSchema {
    static let section = Section.plain("hooks", HookEvent.allCases.map(command) + [
        .duration("timeout", \.hooks.timeout, in: HookSettings.timeoutRange),
    ])

    /// One event's command: a string for `/bin/sh -c`, "" for none.
    static func command(_ event: HookEvent) -> Field {
        let key = event.rawValue
        return Field(key: key,
              read: { entry, reporter, configuration in
                  guard case .string(let s) = entry.value else {
                      reporter.error("expected a shell command as a string for \(key), found \(entry.value.typeDescription) "
                                     + "(write \(key) = \"notify-send limber $LIMBER_EVENT\", or \"\" for none)",
                                     at: entry.valuePosition)
                      return false
                  }
                  guard s.utf8.count <= HookSettings.maxCommandBytes else {
                      reporter.error("the \(key) hook is \(s.utf8.count) bytes long; at most \(HookSettings.maxCommandBytes) "
                                     + "are accepted (put a longer script in a file and name the file here)",
                                     at: entry.valuePosition)
                      return false
                  }
                  guard !s.unicodeScalars.contains("\u{0}") else {
                      reporter.error("the \(key) hook contains a NUL character, which no command line can hold",
                                     at: entry.valuePosition)
                      return false
                  }
                  configuration.hooks.commands[event] = s.isEmpty ? nil : s
                  return true
              },
              write: { tomlString($0.hooks.commands[event] ?? "") })
    }
}
