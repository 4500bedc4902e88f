import Testing
@testable import LimberConfig

/// The config's settings and the catalog's entries are read by the same value readers and
/// the same suggestion rule: the same mistake gets the same message wherever it is made.
@Suite struct OneReaderTests {
    /// An exercise whose line 6 (`LINE`) is replaced by each case.
    static func exercise(_ line: String) -> String {
        """
        [[exercises]]
        id = "chin-nod"
        name = "Chin nod"
        places = ["desk"]
        steps = ["Sit tall.", "Nod your chin slightly down and back."]
        \(line)
        why = "Because."

        """
    }

    /// The errors a catalog file is refused with, as "LINE:COL: MESSAGE".
    static func catalogProblems(_ text: String) -> [String] {
        switch BuiltInCatalog.load(text, fileName: "catalog.toml") {
        case .success: return []
        case .failure(let d): return d.errors.map(\.description)
        }
    }

    /// One mistake in an exercise, and in a config setting of the same kind.
    struct Mistake: Sendable, CustomTestStringConvertible {
        let exerciseLine: String
        let inExercise: String
        let configText: String
        let inConfig: String
        var testDescription: String { exerciseLine }
    }

    static let mistakes: [Mistake] = [
        // A whole number written as a float or a string gets its fix.
        Mistake(exerciseLine: "reps = 8\nsets = 2.0", inExercise: "7:8: expected an integer, found a float (write sets = 2)",
                configText: "[reminders]\nreshow_count = 2.0",
                inConfig: "2:16: expected an integer, found a float (write reshow_count = 2)"),
        Mistake(exerciseLine: "reps = \"8\"", inExercise: "6:8: expected an integer, found a string (write reps = 8)",
                configText: "[reminders]\nreshow_count = \"3\"",
                inConfig: "2:16: expected an integer, found a string (write reshow_count = 3)"),
        // A switch written as a string.
        Mistake(exerciseLine: "reps = 8\nper_side = \"yes\"",
                inExercise: "7:12: expected true or false, found \"yes\" (write per_side = true, without quotes)",
                configText: "[daily_routine]\nenabled = \"yes\"",
                inConfig: "2:11: expected true or false, found \"yes\" (write enabled = true, without quotes)"),
        // A duration written as a number: the unit is the one the key is counted in.
        Mistake(exerciseLine: "hold = 30", inExercise: "6:8: expected a duration like \"30s\", found an integer (write hold = \"30s\")",
                configText: "[posture]\ninterval_min = 30",
                inConfig: "2:16: expected a duration like \"30m\", found an integer (write interval_min = \"30m\")"),
        Mistake(exerciseLine: "hold = \"30 sec\"",
                inExercise: "6:8: expected a duration like \"30s\", found \"30 sec\" (write hold = \"30s\")",
                configText: "[posture]\ninterval_min = \"30 min\"",
                inConfig: "2:16: expected a duration like \"30m\", found \"30 min\" (write interval_min = \"30m\")"),
        // Out of range.
        Mistake(exerciseLine: "hold = \"10m\"", inExercise: "6:8: hold must be between 5s and 2m, found 10m",
                configText: "[posture]\ninterval_min = \"1m\"", inConfig: "2:16: interval_min must be between 5m and 4h, found 1m"),
        Mistake(exerciseLine: "reps = 80", inExercise: "6:8: reps must be between 1 and 30, found 80",
                configText: "[step_up]\nafter_weeks = 1", inConfig: "2:15: after_weeks must be between 2 and 12, found 1"),
        // An unknown key near a known one.
        Mistake(exerciseLine: "reps = 8\nplaces2 = 1", inExercise: "7:1: unknown key 'places2' in an exercise; did you mean 'places'?",
                configText: "[routine]\nplaces2 = 1", inConfig: "2:1: unknown key 'places2' in [routine]; did you mean 'places'?"),
        // A word people use for one of ours, in a list of choices.
        Mistake(exerciseLine: "reps = 8\nequipment = [\"dumbells\"]",
                inExercise: #"7:14: expected "none", "band", "ball", "roller" or "weights", found "dumbells"; did you mean "weights"?"#,
                configText: "[routine]\nequipment = [\"dumbells\"]",
                inConfig: #"2:14: expected "none", "band", "ball", "roller" or "weights", found "dumbells"; did you mean "weights"?"#),
        // An unknown key with nothing close: the keys there are.
        Mistake(exerciseLine: "reps = 8\ncolour = 1",
                inExercise: "7:1: unknown key 'colour' in an exercise; the keys there are id, name, places, equipment, steps, "
                    + "reps, hold, duration, per_side, sets, why and cautions",
                configText: "[posture]\ncolour = 1",
                inConfig: "2:1: unknown key 'colour' in [posture]; the keys there are interval_min and interval_max"),
    ]

    @Test(arguments: mistakes)
    func theSameMistakeGetsTheSameMessage(_ m: Mistake) {
        let text = Self.exercise(m.exerciseLine)
        #expect(Self.catalogProblems(text) == [m.inExercise], "in catalog.toml")
        // The same exercise in config.toml is read by the same code, to the same message.
        #expect(problems(text) == [m.inExercise], "in config.toml's [[exercises]]")
        #expect(problems(m.configText) == [m.inConfig], "in a config setting")
    }

    @Test func aChoiceOfAnotherTypeSaysWhatToWriteInBoth() {
        let routine = "[[routines]]\nid = \"r\"\ntitle = \"R\"\nkind = 1\nsteps = [\"chin-nod\"]\n\n" + Self.exercise("reps = 8")
        let expected = [#"4:8: expected "micro" or "daily", found an integer (write kind = "micro")"#]
        #expect(Self.catalogProblems(routine) == expected)
        #expect(problems(routine) == expected)
        #expect(problems("[notifications]\nurgency = 1")
                == [#"2:11: expected "low" or "normal", found an integer (write urgency = "normal")"#])
    }

    @Test func aListOfTablesWrittenOtherwise() {
        let expected = ["1:13: expected a list of tables written [[exercises]], found a string "
                        + "(each entry starts with a line [[exercises]], with its keys below it)"]
        #expect(Self.catalogProblems("exercises = \"chin-nod\"\n") == expected)
        #expect(problems("exercises = \"chin-nod\"\n") == expected)
    }

    @Test func timesOfDayAreReadAlikeEverywhere() {
        let wrong = #"expected a time of day like 09:00:00 or "09:00", found "9am""#
        #expect(problems("[daily_routine]\nat = \"9am\"") == ["2:6: " + wrong])
        #expect(problems("[sit_stand]\nat = [\"9am\"]") == ["2:7: " + wrong])
        #expect(problems("[work_hours]\nmon = [{ start = \"9am\", end = \"10:00\" }]") == ["2:18: " + wrong])
        #expect(problems("[daily_routine]\nat = 08:30:15")
                == ["2:6: times of day are whole minutes, found 08:30:15 (write at = 08:30:00)"])
        #expect(problems("[sit_stand]\nat = [08:30:15]")
                == ["2:7: times of day are whole minutes, found 08:30:15 (write 08:30:00)"])
        #expect(problems("[work_hours]\nmon = [{ start = 08:30:15, end = \"10:00\" }]")
                == ["2:18: times of day are whole minutes, found 08:30:15 (write start = 08:30:00)"])
        // 24:00 only ends a range of work hours.
        #expect(problems("[daily_routine]\nat = \"24:00\"") == [#"2:6: expected a time of day from 00:00 to 23:59, found "24:00""#])
        #expect(problems("[work_hours]\nmon = [{ start = \"09:00\", end = \"24:30\" }]")
                == [#"2:33: expected a time of day from 00:00 to 24:00, found "24:30""#])
    }

    // MARK: The suggestion rule

    @Test func adviceThenSynonymThenNearNameThenNearSynonym() {
        let names = ["desk", "standing", "floor"]
        let synonyms = ["chair": "desk", "mat": "floor", "stool": "desk"]
        func suggest(_ word: String, advice: [String: String] = [:]) -> String? {
            Suggest.suggestion(for: word, in: names, synonyms: synonyms, advice: advice, quote: { "'\($0)'" })
        }
        // Advice, written exactly (case aside), comes first, in parentheses.
        #expect(suggest("Chair", advice: ["chair": "sit on it"]) == " (sit on it)")
        // A synonym written exactly.
        #expect(suggest("CHAIR") == "; did you mean 'desk'?")
        #expect(suggest("mat") == "; did you mean 'floor'?")
        // The nearest names, ties together.
        #expect(suggest("flor") == "; did you mean 'floor'?")
        #expect(suggest("stnading") == "; did you mean 'standing'?")
        // A misspelt synonym, when no name is near.
        #expect(suggest("chiar") == "; did you mean 'desk'?")
        #expect(suggest("stoool") == "; did you mean 'desk'?")
        // Nothing close.
        #expect(suggest("bicycle") == nil)
        // Case is ignored beyond ASCII too; lengths too far apart never match but by prefix.
        #expect(Suggest.closest(to: "ÉTÉ", in: ["été", "ete"]) == ["été"])
        #expect(Suggest.closest(to: "monday", in: ["mon", "tu"]) == ["mon"])
        #expect(Suggest.closest(to: "mxnday", in: ["mon"]) == [])
        // A synonym for a name not offered here is not suggested.
        #expect(Suggest.suggestion(for: "chair", in: ["floor"], synonyms: synonyms, quote: { $0 }) == nil)
    }

    @Test func theRuleAppliesToKeysAndValuesInBoth() {
        // Keys: a catalog table's synonyms, exact and misspelt; a time range's.
        #expect(Self.catalogProblems(Self.exercise("reps = 8\ndescription = \"x\""))
                == ["7:1: unknown key 'description' in an exercise; did you mean 'why'?"])
        #expect(Self.catalogProblems(Self.exercise("reps = 8\ndescriptoin = \"x\""))
                == ["7:1: unknown key 'descriptoin' in an exercise; did you mean 'why'?"])
        #expect(problems("[work_hours]\nmon = [{ form = 09:00:00, end = 10:00:00 }]")
                == ["2:10: unknown key 'form' in a time range; did you mean 'start'?"])
        // Values: a config choice's advice and a catalog choice's synonyms.
        #expect(problems("[idle]\nlock = \"off\"")
                == [#"2:8: expected "count", "pause" or "ignore", found "off" (write "ignore" to leave this source out)"#])
        #expect(Self.catalogProblems(Self.exercise("reps = 8").replacing(#"places = ["desk"]"#, with: #"places = ["chair"]"#))
                == [#"4:11: expected "desk", "standing", "wall", "doorway" or "floor", found "chair"; did you mean "desk"?"#])
    }
}
