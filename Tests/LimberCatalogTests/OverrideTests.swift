import LimberCatalog
import LimberConfig
import Testing

/// The user's own exercises, routines and cues in config.toml, and the routine settings.
@Suite struct OverrideTests {
    static let ownExercise = """
        [[exercises]]
        id = "chin-nod"
        name = "Chin nod"
        places = ["desk"]
        steps = ["Sit tall.", "Nod your chin slightly down and back."]
        reps = 8
        why = "My physiotherapist's suggestion."
        cautions = ["Small and slow."]
        """

    @Test func anOwnExerciseAndRoutineAreAdded() throws {
        let c = try #require(configLoaded(Self.ownExercise + """


            [[routines]]
            id = "my-break"
            title = "My break"
            steps = ["chin-nod", { exercise = "thoracic-rotation", reps = 5 }]
            """))
        let catalog = c.effectiveCatalog()
        #expect(catalog.exercises.count == BuiltInCatalog.catalog.exercises.count + 1)
        let mine = try #require(catalog.routine("my-break").flatMap(catalog.resolve))
        #expect(mine.steps.map(\.exercise.id) == ["chin-nod", "thoracic-rotation"])
        #expect(mine.steps[1].dose == Dose(.reps(5, holdSeconds: nil), perSide: true))
        #expect(mine.minutes == 1)
        #expect(catalog.rotation(for: .office).contains { $0.id == "my-break" })
        #expect(c.differences().contains("exercises") && c.differences().contains("routines"))
    }

    @Test func aBuiltInEntryWithTheSameIdIsReplacedInPlace() throws {
        let c = try #require(configLoaded("""
            [[routines]]
            id = "desk-reset"
            title = "My desk reset"
            steps = ["scapular-squeeze"]

            [[cues]]
            id = "screen-height"
            text = "My own words about the screen."
            """))
        let catalog = c.effectiveCatalog()
        #expect(catalog.routines.count == BuiltInCatalog.catalog.routines.count)
        #expect(catalog.routines.firstIndex { $0.id == "desk-reset" } == BuiltInCatalog.catalog.routines.firstIndex { $0.id == "desk-reset" })
        #expect(catalog.routine("desk-reset")?.title == "My desk reset")
        #expect(catalog.cue("screen-height")?.text == "My own words about the screen.")
    }

    @Test func replacingAnExerciseChangesTheBuiltInRoutinesThatUseIt() throws {
        let c = try #require(configLoaded("""
            [[exercises]]
            id = "scapular-squeeze"
            name = "Gentle squeezes"
            places = ["desk"]
            steps = ["Squeeze.", "Let go."]
            reps = 5
            why = "Easier for now."
            """))
        let catalog = c.effectiveCatalog()
        let reset = try #require(catalog.routine("desk-reset").flatMap(catalog.resolve))
        #expect(reset.steps.first { $0.exercise.id == "scapular-squeeze" }?.exercise.name == "Gentle squeezes")
    }

    @Test func theSettingsForEquipmentPlacesAndTheOptionalFeaturesRead() throws {
        let c = try #require(configLoaded("""
            [routine]
            equipment = ["band", "ball"]
            places = ["desk", "floor"]

            [daily_routine]
            enabled = true
            at = "07:30"
            routine = "daily-upper-back"

            [sit_stand]
            enabled = true
            at = ["15:00", 10:15:00]
            first_block = "20m"
            grow_by = "10m"
            longest = "1h"

            [step_up]
            enabled = true
            after_weeks = 6
            days_per_week = 3
            """))
        #expect(c.coach.equipment == [.band, .ball])
        #expect(c.coach.places == [.desk, .floor])
        #expect(c.coach.daily.enabled && c.coach.daily.at == 7 * 60 + 30 && c.coach.daily.routine == "daily-upper-back")
        #expect(c.coach.sitStand.at == [10 * 60 + 15, 15 * 60])
        #expect(c.coach.sitStand.plan == SitStandPlan(firstBlockSeconds: 1200, growthPerWeekSeconds: 600, longestSeconds: 3600))
        #expect(c.coach.stepUp.enabled && c.coach.stepUp.plan == StepUpPlan(weeks: 6, daysPerWeek: 3))
        // config show writes it back to the same configuration.
        #expect(configLoaded(c.tomlText()) == c)
    }

    @Test func theDefaultsAreAnOfficeWithEveryOptionalFeatureOff() {
        let d = LimberConfiguration.defaults.coach
        #expect(d.setup == .office)
        #expect(!d.daily.enabled && !d.sitStand.enabled && !d.stepUp.enabled)
        #expect(d.sitStand.firstBlock == .seconds(15 * 60), "the sources: start with 15 to 20 minutes")
        #expect(LimberConfiguration.defaults.catalog.isEmpty)
    }

    @Test func ownEntriesSurviveConfigShow() throws {
        let c = try #require(configLoaded(Self.ownExercise + """


            [[routines]]
            id = "my-break"
            title = "My break"
            kind = "micro"
            about = "Quick \\"one\\"."
            steps = ["chin-nod", { exercise = "doorway-pec-stretch", hold = "20s", per_side = true, sets = 1 }]
            """))
        let text = c.tomlText()
        #expect(text.contains("[[exercises]]\nid = \"chin-nod\""))
        #expect(configLoaded(text) == c)
    }

    // MARK: Diagnostics

    @Test func unknownKeysGetADidYouMean() {
        #expect(configProblems(Self.ownExercise + "\nreps_per_side = true\n")
                == ["9:1: unknown key 'reps_per_side' in an exercise; did you mean 'per_side'?"])
        #expect(configProblems("[[routines]]\nid = \"x\"\ntitel = \"X\"\nsteps = [\"cat-cow\"]\n") == [
            "1:1: routine \"x\" has no 'title'; every routine needs 'id', 'title' and 'steps'",
            "3:1: unknown key 'titel' in a routine; did you mean 'title'?",
        ])
        #expect(configProblems("[[exercise]]\nid = \"x\"\n") == ["1:3: unknown section [[exercise]]; did you mean [[exercises]]?"])
    }

    @Test func wrongTypesSayWhatToWrite() {
        let base = Self.ownExercise.replacing("reps = 8", with: "hold = 30")
        #expect(configProblems(base) == ["6:8: expected a duration like \"30s\", found an integer (write hold = \"30s\")"])
        let places = Self.ownExercise.replacing(#"places = ["desk"]"#, with: #"places = "desk""#)
        #expect(configProblems(places) == [#"4:10: expected a list like ["desk"], found a string (put it in brackets: places = ["desk"])"#])
        let chair = Self.ownExercise.replacing(#"places = ["desk"]"#, with: #"places = ["chair"]"#)
        #expect(configProblems(chair) == [#"4:11: expected "desk", "standing", "wall", "doorway" or "floor", found "chair"; did you mean "desk"?"#])
        #expect(configProblems("[routine]\nequipment = [\"dumbells\"]\n")
                == [#"2:14: expected "none", "band", "ball", "roller" or "weights", found "dumbells"; did you mean "weights"?"#])
    }

    @Test func badDosesAreRefused() {
        func with(_ dose: String) -> [String] {
            configProblems(Self.ownExercise.replacing("reps = 8", with: dose))
        }
        #expect(with("reps = 80") == ["6:8: reps must be between 1 and 30, found 80"])
        #expect(with("reps = 8\nduration = \"1m\"") == [
            "7:1: give reps or a duration, not both: repetitions are counted by you, a duration is timed",
        ])
        #expect(with("hold = \"30s\"\nduration = \"1m\"") == [
            "7:1: give a hold or a duration, not both: a hold keeps still, a duration keeps moving",
        ])
        #expect(with("reps = 8\nhold = \"30s\"") == [
            "7:8: hold must be between 1s and 10s, found 30s (with reps this is the hold of each repetition; for one long hold leave out reps)",
        ])
        #expect(with("hold = \"10m\"") == ["6:8: hold must be between 5s and 2m, found 10m"])
        #expect(with("sets = 9\nreps = 8") == ["6:8: sets must be between 1 and 5, found 9"])
        #expect(with("per_side = true") == [
            "1:1: exercise \"chin-nod\" has no dose: give reps (optionally with a hold of 1s to 10s each), a hold like hold = \"30s\", or a duration like duration = \"1m\"",
        ])
    }

    @Test func aRoutineNamingAnUnknownExerciseIsRefusedWhereverItIsDefined() {
        #expect(configProblems("[[routines]]\nid = \"r\"\ntitle = \"R\"\nsteps = [\"cat-cow\", \"thoracic-rotaton\"]\n")
                == [#"4:21: no exercise has the id "thoracic-rotaton"; did you mean "thoracic-rotation"?"#])
        #expect(configProblems("[[routines]]\nid = \"r\"\ntitle = \"R\"\nsteps = [{ exercise = \"nope\" }]\n")
                == [#"4:23: no exercise has the id "nope"; 'limber exercises' lists them"#])
        // Defined further down the file: fine.
        #expect(configProblems("[[routines]]\nid = \"r\"\ntitle = \"R\"\nsteps = [\"chin-nod\"]\n\n" + Self.ownExercise) == [])
    }

    @Test func duplicateIdsPointAtBoth() {
        let twice = Self.ownExercise + "\n\n" + Self.ownExercise
        #expect(configProblems(twice) == [#"11:6: a second exercise with the id "chin-nod"; ids must be unique (to replace a built-in exercise, write it once with that id)"#])
        switch LimberConfiguration.load(twice, fileName: "config.toml") {
        case .failure(let d): #expect(d.errors.first?.notes.map(\.description) == ["2:6: the first is here"])
        case .success: Issue.record("accepted")
        }
    }

    @Test func idsAndLengthsAreChecked() {
        #expect(configProblems("[[cues]]\nid = \"Screen Height\"\ntext = \"x\"\n")
                == [#"2:6: "Screen Height" is not an id: use lowercase letters, digits and dashes (at most 40), like "screen-height""#])
        #expect(configProblems("[[routines]]\nid = \"long\"\ntitle = \"L\"\nminutes = 9\nsteps = [\"cat-cow\"]\n")
                == [#"4:11: a micro routine lasts 1 to 5 minutes, found 9 (for a longer one write kind = "daily")"#])
        let long = "[[routines]]\nid = \"long\"\ntitle = \"L\"\nsteps = [\"lying-belly-breathing\", \"lying-belly-breathing\"]\n"
        #expect(configProblems(long) == [
            "1:1: this micro routine takes about 10 minutes by its doses, but a micro routine lasts 1 to 5 (change the doses, or set minutes if the estimate is off)",
        ])
        #expect(configProblems("[[routines]]\nid = \"r\"\ntitle = \"R\"\nsteps = []\n") == ["4:9: a routine needs at least one step"])
    }

    @Test func theSettingsSectionsAreChecked() {
        #expect(configProblems("[daily_routine]\nroutine = \"daily-upper-bak\"\n")
                == [#"2:11: no routine has the id "daily-upper-bak"; did you mean "daily-upper-back"?"#])
        #expect(configProblems("[daily_routine]\nat = \"7:5\"\n") == [#"2:6: expected a time of day like 09:00:00 or "09:00", found "7:5""#])
        #expect(configProblems("[daily_routine]\nenabled = \"yes\"\n") == [#"2:11: expected true or false, found "yes" (write enabled = true, without quotes)"#])
        #expect(configProblems("[sit_stand]\nfirst_block = \"30m\"\nlongest = \"20m\"\n") == ["3:11: longest (20m) is shorter than first_block (30m)"])
        #expect(configProblems("[sit_stand]\nenabled = true\nat = []\n") == [#"3:6: the sit/stand reminder is on but has no times; add one like at = ["10:30"]"#])
        #expect(configProblems("[routine]\nplaces = []\n") == [#"2:10: places is empty; name at least one of "desk", "standing", "wall", "doorway" or "floor""#])
        #expect(configProblems("[step_up]\nafter_weeks = 1\n") == ["2:15: after_weeks must be between 2 and 12, found 1"])
        #expect(configProblems("[routines]\nequipment = [\"band\"]\n").first?.contains("[[routines]]") == true)
    }

    @Test func theCatalogFileRejectsWhatTheConfigRejects() {
        #expect(catalogProblems("[[exercise]]\nid = \"x\"\n") == ["1:3: unknown key 'exercise' in a catalog file; did you mean [[exercises]]?"])
        #expect(catalogProblems("[[routines]]\nid = \"r\"\ntitle = \"R\"\nsteps = [\"x\"]\n") == [#"4:10: no exercise has the id "x"; 'limber exercises' lists them"#])
    }
}
