import ArgumentParser
import LimberConfig
import LimberCore
import LimberFiles
import LimberProtocol
import LimberStats

/// Reading the history for `limber stats` and `limber history`: no daemon needed.
enum HistoryData {
    /// Exit status when the history cannot be read or the journal cannot be written.
    static let failure: Int32 = 1

    /// Every host's history from the state folder; prints the reason and exits 1 when it
    /// cannot be read. A missing folder is an empty history.
    static func load(paths: LimberPaths) throws -> HistoryStore.Loaded {
        do {
            return try HistoryStore.load(directory: paths.stateDirectory)
        } catch {
            printError("limber: \(error)")
            throw ExitCode(failure)
        }
    }

    /// Tells the user about damaged lines, on standard error so that exports stay clean.
    static func printWarnings(_ warnings: [String]) {
        // Warnings quote file names and lines from files that may have been synced from elsewhere.
        for w in warnings { printError("limber: warning: " + TerminalText.safe(w)) }
    }

    /// The events with their local dates and times in the user's zone.
    static func statsEvents(_ events: [HistoryEvent], zone: inout some TimeZoneResolver) -> [StatsEvent] {
        var result: [StatsEvent] = []
        result.reserveCapacity(events.count)
        events.withUnsafeBufferPointer { b in
            for i in b.indices {
                // Field by field: copying whole events would retain every string in them.
                result.append(StatsEvent(outcome: b[i].outcome, local: zone.local(floorSeconds(b[i].ts)),
                                         early: b[i].early, level: b[i].level,
                                         phase: b[i].phase.flatMap(PainPhase.init(rawValue:))))
            }
        }
        return result
    }

    /// The goal from the configuration file; the default, with a warning, when the file has errors.
    static func goal(paths: LimberPaths) -> (goal: Double, warning: String?) {
        switch ConfigTool.load(path: nil, paths: paths) {
        case .success((let configuration, _)):
            return (configuration.stats.goal, nil)
        case .failure:
            let goal = StatsSettings.defaults.goal
            return (goal, "\(paths.configFile) has errors ('limber config check' lists them); "
                    + "using the default goal of \(percent(goal))")
        }
    }

    /// What to say when there is no history at all.
    static func noHistoryMessage(paths: LimberPaths) -> String {
        """
        No history yet. limberd writes every reminder and your answer to
          \(paths.stateDirectory)/history-\(HistoryLog.hostName()).jsonl
        and after a day of reminders 'limber stats' shows how it is going.
        Start limberd with 'systemctl --user start limber' (or run 'limberd').

        """
    }
}
