import LimberCatalog
import LimberCore
import TOML

// Readers and writers for the values of the routine sections: switches, times of day, lists
// of choices and names.

extension Field {
    /// true or false.
    static func bool(_ key: String, _ path: WritableKeyPath<LimberConfiguration, Bool> & Sendable) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  guard let b = Values.bool(entry, &reporter) else { return false }
                  configuration[keyPath: path] = b
                  return true
              },
              write: { $0[keyPath: path] ? "true" : "false" })
    }

    /// A time of day, "HH:MM" or a TOML local time, as minutes since midnight.
    static func clockTime(_ key: String, _ path: WritableKeyPath<LimberConfiguration, Int> & Sendable) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  guard let minute = Values.timeOfDay(entry.value, at: entry.valuePosition, key: key, &reporter) else {
                      return false
                  }
                  configuration[keyPath: path] = minute
                  return true
              },
              write: { quoted(TimeOfDay.text($0[keyPath: path])) })
    }

    /// A list of times of day, each once.
    static func clockTimes(_ key: String, _ path: WritableKeyPath<LimberConfiguration, [Int]> & Sendable) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  guard case .array(let array) = entry.value else {
                      reporter.error("expected a list of times of day like [\"10:30\", \"15:00\"], found "
                                     + "\(entry.value.typeDescription)", at: entry.valuePosition)
                      return false
                  }
                  var minutes: [Int] = []
                  var valid = true
                  for element in array.elements {
                      guard let m = Values.timeOfDay(element.value, at: element.position, &reporter) else {
                          valid = false
                          continue
                      }
                      if minutes.contains(m) {
                          reporter.error("\(TimeOfDay.text(m)) is listed twice", at: element.position)
                          valid = false
                      }
                      minutes.append(m)
                  }
                  guard valid else { return false }
                  configuration[keyPath: path] = minutes.sorted()
                  return true
              },
              write: { "[" + $0[keyPath: path].map { quoted(TimeOfDay.text($0)) }.joined(separator: ", ") + "]" })
    }

    /// A list of the raw values of `T`, as a set.
    static func choices<T: RawRepresentable & CaseIterable & Hashable & Comparable & Sendable>(
        _ key: String, _ path: WritableKeyPath<LimberConfiguration, Set<T>> & Sendable, allowEmpty: Bool = false
    ) -> Field where T.RawValue == String {
        Field(key: key,
              read: { entry, reporter, configuration in
                  guard let values = Values.choiceList(entry, as: T.self, allowEmpty: allowEmpty, &reporter)
                  else { return false }
                  configuration[keyPath: path] = Set(values)
                  return true
              },
              write: { "[" + $0[keyPath: path].sorted().map { quoted($0.rawValue) }.joined(separator: ", ") + "]" })
    }

    /// A non-empty line of text.
    static func text(_ key: String, _ path: WritableKeyPath<LimberConfiguration, String> & Sendable) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  guard let s = Values.text(entry, &reporter) else { return false }
                  configuration[keyPath: path] = s
                  return true
              },
              write: { tomlString($0[keyPath: path]) })
    }
}

/// Times of day for the daily routine and the sit/stand reminder.
enum TimeOfDay {
    /// "08:30".
    static func text(_ minute: Int) -> String { pad2(minute / 60) + ":" + pad2(minute % 60) }
}

/// A TOML basic string: quoted, every character that needs it escaped (for writing files).
func tomlString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\u{0}"..."\u{1F}", "\u{7F}":
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
