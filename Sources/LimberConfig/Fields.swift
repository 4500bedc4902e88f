import LimberCore
import TOML

// Readers and writers for the kinds of value the file holds. Every reader reports a wrong
// type with the expected type and an example written as the user should write it.

extension Field {
    /// A duration string like "30m", within `range`.
    static func duration(_ key: String, _ path: WritableKeyPath<LimberConfiguration, Duration> & Sendable,
                         in range: ClosedRange<Duration>) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  let example = DurationText.format(LimberConfiguration.defaults[keyPath: path])
                  guard let d = Values.duration(entry, expected: "a duration like \"30m\"", unit: "m",
                                                example: example, reporter: &reporter) else { return false }
                  guard range.contains(d) else {
                      reporter.error("\(key) must be between \(DurationText.format(range.lowerBound)) and "
                                     + "\(DurationText.format(range.upperBound)), found \(DurationText.format(d))",
                                     at: entry.valuePosition)
                      return false
                  }
                  configuration[keyPath: path] = d
                  return true
              },
              write: { quoted(DurationText.format($0[keyPath: path])) })
    }

    /// A whole number within `range`.
    static func integer(_ key: String, _ path: WritableKeyPath<LimberConfiguration, Int> & Sendable,
                        in range: ClosedRange<Int>) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  let fix: Int
                  switch entry.value {
                  case .integer(let n):
                      guard n >= range.lowerBound, n <= range.upperBound else {
                          reporter.error("\(key) must be between \(range.lowerBound) and \(range.upperBound), found \(n)",
                                         at: entry.valuePosition)
                          return false
                      }
                      configuration[keyPath: path] = Int(n)
                      return true
                  case .string(let s) where Int(s.trimmingSpaces) != nil:
                      fix = Int(s.trimmingSpaces) ?? 0
                  case .float(let f) where f.isFinite && f.rounded() == f && abs(f) < 1e9:
                      fix = Int(f)
                  default:
                      fix = LimberConfiguration.defaults[keyPath: path]
                  }
                  reporter.error("expected an integer, found \(entry.value.typeDescription) (write \(key) = \(fix))",
                                 at: entry.valuePosition)
                  return false
              },
              write: { String($0[keyPath: path]) })
    }

    /// One of the raw values of `T`; `hints` explain values people are likely to try.
    static func choice<T: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ path: WritableKeyPath<LimberConfiguration, T> & Sendable, hints: [String: String] = [:]
    ) -> Field where T.RawValue == String {
        Field(key: key,
              read: { entry, reporter, configuration in
                  let names = T.allCases.map(\.rawValue)
                  let expected = "expected \(listed(names.map(quoted), conjunction: "or"))"
                  guard case .string(let s) = entry.value else {
                      let example = LimberConfiguration.defaults[keyPath: path].rawValue
                      reporter.error("\(expected), found \(entry.value.typeDescription) (write \(key) = \(quoted(example)))",
                                     at: entry.valuePosition)
                      return false
                  }
                  if let value = T(rawValue: s) {
                      configuration[keyPath: path] = value
                      return true
                  }
                  var message = "\(expected), found \(quoted(s))"
                  if let hint = hints[s.lowercased()] {
                      message += " (\(hint))"
                  } else if let suggestion = Suggest.didYouMean(s, in: names, quote: quoted) {
                      message += suggestion
                  }
                  reporter.error(message, at: entry.valuePosition)
                  return false
              },
              write: { quoted($0[keyPath: path].rawValue) })
    }

    /// "default", "never", or a duration within `range`.
    static func expiry(_ key: String,
                       _ path: WritableKeyPath<LimberConfiguration, NotificationSettings.Expiry> & Sendable,
                       in range: ClosedRange<Duration>) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  switch entry.value {
                  case .string("default"):
                      configuration[keyPath: path] = .serverDefault
                      return true
                  case .string("never"):
                      configuration[keyPath: path] = .never
                      return true
                  case .string(let s) where DurationText.parse(s) == nil:
                      var message = "expected \"default\", \"never\" or a duration like \"30s\", found \(quoted(s))"
                      if let fix = Values.likelyDuration(s, unit: "s") {
                          message += " (write \(key) = \(quoted(fix)))"
                      } else if let suggestion = Suggest.didYouMean(s, in: ["default", "never"], quote: quoted) {
                          message += suggestion
                      }
                      reporter.error(message, at: entry.valuePosition)
                      return false
                  default:
                      guard let d = Values.duration(entry, expected: "\"default\", \"never\" or a duration like \"30s\"",
                                                    unit: "s", example: "default", reporter: &reporter) else { return false }
                      guard range.contains(d) else {
                          reporter.error("\(key) must be between \(DurationText.format(range.lowerBound)) and "
                                         + "\(DurationText.format(range.upperBound)), found \(DurationText.format(d))",
                                         at: entry.valuePosition)
                          return false
                      }
                      configuration[keyPath: path] = .after(d)
                      return true
                  }
              },
              write: { configuration in
                  switch configuration[keyPath: path] {
                  case .serverDefault: "\"default\""
                  case .never: "\"never\""
                  case .after(let d): quoted(DurationText.format(d))
                  }
              })
    }
}

extension Field {
    /// A fraction such as 0.8 within `range`; a percentage written another way gets a fix.
    static func fraction(_ key: String, _ path: WritableKeyPath<LimberConfiguration, Double> & Sendable,
                         in range: ClosedRange<Double>) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  let low = String(range.lowerBound), high = String(range.upperBound)
                  var fix: Double?
                  switch entry.value {
                  case .float(let f) where f.isFinite:
                      guard range.contains(f) else {
                          var message = "\(key) must be between \(low) and \(high), found \(f)"
                          if f > 1, f <= 100 { message += " (a percentage? write \(key) = \(f / 100))" }
                          reporter.error(message, at: entry.valuePosition)
                          return false
                      }
                      configuration[keyPath: path] = f
                      return true
                  case .integer(let n) where n >= 0 && n <= 100:
                      fix = n <= 1 ? Double(n) : Double(n) / 100
                  case .string(let s):
                      let t = s.trimmingSpaces
                      if t.hasSuffix("%"), let n = Double(String(t.dropLast()).trimmingSpaces) {
                          fix = n / 100
                      } else if let n = Double(t) {
                          fix = n > 1 ? n / 100 : n
                      }
                  default:
                      break
                  }
                  let example = fix.map { String($0) } ?? String(LimberConfiguration.defaults[keyPath: path])
                  reporter.error("expected a fraction like 0.8 (for 80%), found \(entry.value.typeDescription) "
                                 + "(write \(key) = \(example))", at: entry.valuePosition)
                  return false
              },
              write: { String($0[keyPath: path]) })
    }
}

enum Values {
    /// Reads a duration string; reports anything else with `expected` and a fix.
    ///
    /// `unit` is what a bare number most likely means ("m" for intervals, "s" for expiry);
    /// `example` is the value suggested for a value of another type (without quotes).
    static func duration(_ entry: TOMLEntry, expected: String, unit: String, example: String,
                         reporter: inout Reporter) -> Duration? {
        let key = entry.key
        switch entry.value {
        case .string(let s):
            if let d = DurationText.parse(s) { return d }
            if let fix = likelyDuration(s, unit: unit) {
                reporter.error("expected \(expected), found \(quoted(s)) (write \(key) = \(quoted(fix)))",
                               at: entry.valuePosition)
            } else {
                reporter.error("expected a duration like \"30m\", \"90s\" or \"1h30m\", found \(quoted(s))",
                               at: entry.valuePosition)
            }
        case .integer(let n) where n > 0 && n < 100_000:
            reporter.error("expected \(expected), found an integer (write \(key) = \"\(n)\(unit)\")",
                           at: entry.valuePosition)
        default:
            reporter.error("expected \(expected), found \(entry.value.typeDescription) (write \(key) = \(quoted(example)))",
                           at: entry.valuePosition)
        }
        return nil
    }

    /// What a near-miss duration was probably meant to be: "30" -> "30m", "30 min" -> "30m",
    /// "1 hour 30 minutes" -> "1h30m", "90 SEC" -> "90s"; nil when there is no clear reading.
    static func likelyDuration(_ text: String, unit: String) -> String? {
        var s = text.lowercased().filter { $0 != " " && $0 != "\t" }
        guard !s.isEmpty else { return nil }
        if s.allSatisfy(\.isASCIIDigit) {
            s += unit
        } else {
            for (words, letter) in [(["hours", "hour", "hrs", "hr"], "h"),
                                    (["minutes", "minute", "mins", "min"], "m"),
                                    (["seconds", "second", "secs", "sec"], "s")] {
                for word in words {
                    s = s.replacing(word, with: letter)
                }
            }
        }
        guard s != text, DurationText.parse(s) != nil else { return nil }
        return s
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}
