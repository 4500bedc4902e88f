import LimberCatalog
import LimberConfig
import Testing
import LimberTestSupport

/// The built-in content: valid, complete, sane, and embedded from the top-level file.
@Suite struct BuiltInCatalogTests {
    /// The build embeds the top-level file itself (through the symlink in Sources/LimberConfig),
    /// not a copy that could drift from it.
    @Test func theEmbeddedBytesAreTheTopLevelFile() throws {
        let bytes = try #require(readFile(repositoryFile("config/catalog.toml")))
        #expect(CatalogFile.bytes == bytes, "Sources/LimberConfig/config must link to ../../config")
    }

    @Test func itLoadsWithoutAProblem() {
        guard case .failure(let d) = BuiltInCatalog.load() else { return }
        Issue.record("\(d)")
    }

    @Test func theLazyCopyIsTheLoadedOne() {
        #expect(BuiltInCatalog.catalog == builtIn())
        #expect(!BuiltInCatalog.catalog.isEmpty)
    }

    @Test func everyExerciseTheIssueNamesIsThere() {
        let c = builtIn()
        #expect(c.exercises.count >= 14)
        for id in ["thoracic-rotation", "cat-cow", "doorway-pec-stretch", "childs-pose-reach", "scapular-squeeze",
                   "band-row", "prone-y-raise", "prone-t-raise", "wall-angel", "bird-dog", "seated-spinal-twist",
                   "thread-the-needle", "belly-breathing", "ball-massage-wall", "foam-roller-mid-back"] {
            #expect(c.exercise(id) != nil, "\(id)")
        }
        #expect(Set(c.exercises.flatMap(\.equipment)) == [.band, .ball, .roller, .weights])
        #expect(Set(c.exercises.flatMap(\.places)) == Set(Place.allCases))
    }

    @Test func everyExerciseIsComplete() {
        for e in builtIn().exercises {
            #expect(e.steps.count >= 2, "\(e.id): steps")
            #expect(!e.why.isEmpty, "\(e.id): why")
            #expect(!e.cautions.isEmpty, "\(e.id): cautions")
            #expect(!e.places.isEmpty, "\(e.id): places")
            #expect(!e.equipment.contains(.none), "\(e.id): none is stored as no equipment")
        }
    }

    @Test func dosesAreSane() {
        let c = builtIn()
        var doses = c.exercises.map { ($0.id, $0.dose) }
        for r in c.resolvedRoutines() {
            doses += r.steps.map { ("\(r.id)/\($0.exercise.id)", $0.dose) }
        }
        for (what, d) in doses {
            #expect(Dose.Limits.sets.contains(d.sets), "\(what): sets")
            switch d.amount {
            case .reps(let n, let hold):
                #expect(Dose.Limits.reps.contains(n), "\(what): reps")
                if let hold { #expect(Dose.Limits.repHoldSeconds.contains(hold), "\(what): hold per rep") }
            case .hold(let s): #expect(Dose.Limits.holdSeconds.contains(s), "\(what): hold")
            case .duration(let s): #expect(Dose.Limits.durationSeconds.contains(s), "\(what): duration")
            }
        }
    }

    @Test func idsAreUniqueAndWellFormed() {
        let c = builtIn()
        for ids in [c.exercises.map(\.id), c.routines.map(\.id), c.cues.map(\.id)] {
            #expect(Set(ids).count == ids.count, "duplicates in \(ids)")
            for id in ids {
                #expect(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id)")
            }
        }
    }

    @Test func everyRoutineRefersToExistingExercises() {
        let c = builtIn()
        for r in c.routines {
            for step in r.steps {
                #expect(c.exercise(step.exercise) != nil, "\(r.id) -> \(step.exercise)")
            }
            #expect(c.resolve(r) != nil, "\(r.id)")
        }
    }

    @Test func atLeastSixMicroRoutinesOfOneToFiveMinutesAndADailyOne() throws {
        let c = builtIn()
        let micro = c.resolvedRoutines(.micro)
        #expect(micro.count >= 6)
        for r in micro {
            #expect((1...5).contains(r.minutes), "\(r.id): \(r.minutes) min")
        }
        let daily = c.resolvedRoutines(.daily)
        #expect(!daily.isEmpty)
        for r in daily {
            #expect((10...20).contains(r.minutes), "\(r.id): \(r.minutes) min")
        }
        // The sample daily routine of the sources: warm-up, rotation, doorway stretch, band rows,
        // Y raises, foam roller, breathing.
        let sample = try #require(c.routine("daily-upper-back"))
        #expect(sample.steps.map(\.exercise) == ["shoulder-circles", "thoracic-rotation", "doorway-pec-stretch",
                                                 "band-row", "prone-y-raise", "foam-roller-mid-back",
                                                 "lying-belly-breathing"])
    }

    @Test func theWrittenLengthsAgreeWithTheDoses() {
        for r in builtIn().resolvedRoutines() {
            let estimate = Double(r.estimatedSeconds) / 60
            let written = Double(r.minutes)
            #expect(estimate >= written * 0.6 && estimate <= written * 1.4,
                    "\(r.id): written \(r.minutes) min, the doses take about \(estimate) min")
        }
    }

    @Test func someRoutinesNeedOnlyAChairSomeAWallOrDoorSomeTheFloor() {
        let c = builtIn()
        let chair = Setup(equipment: [.none], places: [.desk])
        #expect(c.rotation(for: chair).count >= 2)
        let wallOrDoor = c.resolvedRoutines(.micro).filter {
            !Set($0.places).isDisjoint(with: [.wall, .doorway]) && !$0.places.contains(.floor)
        }
        #expect(wallOrDoor.count >= 2)
        let floor = c.resolvedRoutines(.micro).filter { $0.places.contains(.floor) }
        #expect(floor.count >= 2)
        #expect(c.rotation(for: .office).count >= 4, "an office worker without equipment has a choice")
    }

    @Test func atLeastTwelveCuesCoverTheTopicsOfTheSources() {
        let c = builtIn()
        #expect(c.cues.count >= 12)
        for id in ["screen-height", "seat-and-knees", "lower-back-support", "keyboard-and-mouse", "shoulders-down",
                   "breathing", "stand-up-and-move", "alternate-sitting-and-standing", "phone-height"] {
            #expect(c.cue(id) != nil, "\(id)")
        }
    }

    @Test func theTextRoundTripsThroughTheWriter() throws {
        let c = builtIn()
        let text = BuiltInCatalog.text(of: c)
        let back = try BuiltInCatalog.load(text, fileName: "written.toml").get()
        #expect(back == c)
    }

    @Test func noSentenceOfTheAdvertisementMadeItIn() {
        let text = CatalogFile.text.lowercased()
        for word in ["sunnybay", "sunny-bay", "heat pack", "http"] {
            #expect(!text.contains(word), "\(word)")
        }
    }
}
