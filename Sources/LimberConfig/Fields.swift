import LimberCore
import TOML

// The config's keys: each binds one of the value readers (Values.swift, shared with the
// catalog) to a setting, with the default as the example a message offers, and writes the
// setting back.

extension Field {
    /// A duration string like "30m", within `range`.
    static func duration(_ key: String, _ path: WritableKeyPath<LimberConfiguration, Duration> & Sendable,
                         in range: ClosedRange<Duration>) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  let example = DurationText.format(LimberConfiguration.defaults[keyPath: path])
                  guard let d = Values.duration(entry, in: range, unit: "m", example: example, &reporter) else {
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
                  guard let n = Values.integer(entry, in: range, example: LimberConfiguration.defaults[keyPath: path],
                                               &reporter) else { return false }
                  configuration[keyPath: path] = n
                  return true
              },
              write: { String($0[keyPath: path]) })
    }

    /// One of the raw values of `T`; `hints` explain values people are likely to try (advice
    /// for `Suggest.suggestion`).
    static func choice<T: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ path: WritableKeyPath<LimberConfiguration, T> & Sendable, hints: [String: String] = [:]
    ) -> Field where T.RawValue == String {
        Field(key: key,
              read: { entry, reporter, configuration in
                  guard let value: T = Values.choice(entry.value, at: entry.valuePosition, key: key,
                                                     example: LimberConfiguration.defaults[keyPath: path],
                                                     advice: hints, &reporter) else { return false }
                  configuration[keyPath: path] = value
                  return true
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
                      } else if let suggestion = Suggest.suggestion(for: s, in: ["default", "never"], quote: quoted) {
                          message += suggestion
                      }
                      reporter.error(message, at: entry.valuePosition)
                      return false
                  default:
                      guard let d = Values.duration(entry, in: range, unit: "s", example: "default",
                                                    expected: "\"default\", \"never\" or a duration like \"30s\"",
                                                    &reporter) else { return false }
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
    /// A fraction such as 0.8 within `range`.
    static func fraction(_ key: String, _ path: WritableKeyPath<LimberConfiguration, Double> & Sendable,
                         in range: ClosedRange<Double>) -> Field {
        Field(key: key,
              read: { entry, reporter, configuration in
                  guard let f = Values.fraction(entry, in: range, example: LimberConfiguration.defaults[keyPath: path],
                                                &reporter) else { return false }
                  configuration[keyPath: path] = f
                  return true
              },
              write: { String($0[keyPath: path]) })
    }
}
