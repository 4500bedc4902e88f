import Foundation
import JSON
import LimberCatalog
import LimberConfig
import LimberProtocol
import Testing
@testable import limber

@Suite struct CatalogCommandTests {
    var office: CatalogView { CatalogView(catalog: BuiltInCatalog.catalog, settings: .defaults) }

    @Test func theListSeparatesWhatIsOfferedFromWhatIsNotAndSaysWhy() {
        let text = CatalogText.routines(office)
        let offered = text.components(separatedBy: "\nNot offered")[0]
        #expect(offered.contains("desk-reset      Desk reset      4 min  desk (seated)  nothing"))
        #expect(!offered.contains("floor"), "an office worker is never offered the floor")
        #expect(text.contains("roller-reset    Roller reset                3 min  floor     foam roller              needs foam roller; needs the floor"))
        #expect(text.contains("Daily routines (the daily routine is off; [daily_routine] in the config)"))
        #expect(text.contains("(the one it uses)"))
    }

    @Test func moreEquipmentOffersMore() {
        var settings = CoachSettings()
        settings.equipment = Set(Equipment.allCases)
        settings.places = Set(Place.allCases)
        let text = CatalogText.routines(CatalogView(catalog: BuiltInCatalog.catalog, settings: settings))
        #expect(!text.contains("Not offered"))
    }

    @Test func showListsEveryStepWithItsDoseAndTheSafetyLine() throws {
        let c = BuiltInCatalog.catalog
        let r = try #require(c.routine("doorway-opener").flatMap(c.resolve))
        let text = CatalogText.routine(r, .office)
        #expect(text.hasPrefix("Doorway opener (doorway-opener): short routine, about 4 min\n"))
        #expect(text.contains("\n1. Doorway chest stretch: hold 30 s each side, twice\n"))
        #expect(text.contains("\n2. Thoracic rotation: 8 each side, hold 2 s each\n"))
        #expect(text.contains("   Why: A tight chest"))
        #expect(text.contains("   Careful: "))
        #expect(text.contains(Safety.gentle))
        #expect(text.contains("Offered to you in rotation."))
    }

    @Test func everyRoutineSaysToMoveGently() {
        let c = BuiltInCatalog.catalog
        for r in c.resolvedRoutines() {
            #expect(CatalogText.routine(r, .office).contains(Safety.gentle), "\(r.id)")
        }
    }

    @Test func theJSONListsEveryRoutineWithOneSchema() throws {
        let data = Data(CatalogText.routinesJSON(office).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let routines = try #require(object["routines"] as? [[String: Any]])
        #expect(routines.count == BuiltInCatalog.catalog.routines.count)
        let desk = try #require(routines.first { $0["id"] as? String == "desk-reset" })
        #expect(desk["minutes"] as? Int == 4)
        #expect(desk["places"] as? [String] == ["desk"])
        #expect(desk["equipment"] as? [String] == [])
        #expect(desk["offered"] as? Bool == true)
        let roller = try #require(routines.first { $0["id"] as? String == "roller-reset" })
        #expect(roller["offered"] as? Bool == false)
        #expect(roller["unmet"] as? [String] == ["needs foam roller", "needs the floor"])
        let step = try #require((desk["steps"] as? [[String: Any]])?.first)
        #expect(step["exercise"] as? String == "thoracic-rotation")
        #expect((step["dose"] as? [String: Any])?["reps"] as? Int == 10)
    }

    @Test func exercisesListEveryOne() {
        let text = CatalogText.exercises(office)
        for e in BuiltInCatalog.catalog.exercises {
            #expect(text.contains("\n\(e.id) "), "\(e.id)")
        }
    }

    @Test func unknownIdsGetAHint() {
        #expect(CatalogText.unknown("routine", "desk", among: ["desk-reset", "wall-reset"])
                == "there is no routine 'desk'; did you mean desk-reset?")
        #expect(CatalogText.unknown("routine", "zzz", among: ["desk-reset"])
                == "there is no routine 'zzz'; 'limber routines' lists them")
        // Typos too, as limberd suggests for 'limber start desk-rest'.
        #expect(CatalogText.unknown("routine", "desk-rest", among: BuiltInCatalog.catalog.routines.map(\.id))
                == "there is no routine 'desk-rest'; did you mean desk-reset?")
        #expect(CatalogText.unknown("exercise", "cat-cwo", among: BuiltInCatalog.catalog.exercises.map(\.id))
                == "there is no exercise 'cat-cwo'; did you mean cat-cow?")
    }

    @Test func aboutShowsEveryRedFlag() {
        let text = CatalogText.about
        #expect(text.contains(Safety.heading))
        for flag in Safety.redFlags {
            #expect(text.contains(flag), "\(flag)")
        }
        #expect(text.contains(Safety.gentle))
    }

    @Test func theREADMEShowsEveryRedFlag() throws {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let readme = try String(contentsOfFile: parts.joined(separator: "/") + "/README.md", encoding: .utf8)
        // The README may wrap lines: compare with single spaces.
        let flat = readme.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
        #expect(flat.contains("## " + Safety.heading))
        for flag in Safety.redFlags {
            #expect(flat.contains(flag), "\(flag)")
        }
        #expect(flat.contains(Safety.gentle))
    }

    @Test func theStatusTextNamesTheGuidedStep() {
        let report = StatusReport(state: "active", pausedUntil: nil, due: nil, next: [], today: .init(),
                                  notifications: "available", version: "0.1.0", pid: 1, configPath: nil,
                                  guide: .init(routine: "desk-reset", title: "Desk reset", step: 2, steps: 3,
                                               text: "Shoulder blade squeezes: 10 times, hold 3 s each",
                                               waitsForNext: true))
        #expect(StatusText.render(report, clock: FixedClock()).hasPrefix("""
            Guided routine: Desk reset, step 2 of 3: Shoulder blade squeezes: 10 times, hold 3 s each.
              Run 'limber next' (or press Next) when it is done; 'limber stop' ends the routine.

            """))
    }
}
