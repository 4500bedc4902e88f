import ArgumentParser
import LimberCatalog
import LimberConfig
import Testing
@testable import limber

/// What a new user meets on the first day: the cue list, the journal's level, `about`'s width.
@Suite struct DayOneTests {
    /// The parsed journal command, or the message argument-parser would print.
    struct Refused: Error { var message: String }

    func journal(_ words: [String]) -> Result<Journal, Refused> {
        do {
            let command = try Limber.parseAsRoot(Journal.protectingNegativeLevel(words))
            guard let j = command as? Journal else { return .failure(Refused(message: "not a journal command")) }
            return .success(j)
        } catch {
            return .failure(Refused(message: Limber.fullMessage(for: error)))
        }
    }

    @Test func aNegativeLevelIsRefusedForWhatItIs() {
        guard case .failure(let refused) = journal(["journal", "-1"]) else {
            Issue.record("-1 was accepted"); return
        }
        let message = refused.message
        #expect(message.contains("from 0 (no pain) to 10 (the worst), not -1"), "\(message)")
        #expect(!message.contains("Missing expected argument"))
        // Options still work around it.
        guard case .failure(let refused2) = journal(["journal", "--before", "-3"]) else { Issue.record("accepted"); return }
        let m2 = refused2.message
        #expect(m2.contains("not -3"), "\(m2)")
    }

    @Test func aFractionalLevelSaysWhy() {
        guard case .failure(let refused) = journal(["journal", "5.5"]) else {
            Issue.record("5.5 was accepted"); return
        }
        let message = refused.message
        #expect(message.contains("whole number"), "\(message)")
        guard case .failure(let refused2) = journal(["journal", "lots"]) else { Issue.record("accepted"); return }
        let m2 = refused2.message
        #expect(m2.contains("from 0 (no pain) to 10"), "\(m2)")
    }

    @Test func goodLevelsAndNotesStillParse() throws {
        let j = try journal(["journal", "4", "--after", "--note", "cold, -5 outside"]).get()
        #expect(j.level == 4 && j.after && j.note == "cold, -5 outside")
        #expect(try journal(["journal", "0"]).get().level == 0)
        // Only the journal's arguments are rewritten.
        #expect(Journal.protectingNegativeLevel(["snooze", "-5"]) == ["snooze", "-5"])
    }

    @Test func theCuesAreListedWithTheirIds() {
        let text = Cues.text(BuiltInCatalog.catalog.cues, width: 60)
        for cue in BuiltInCatalog.catalog.cues {
            #expect(text.contains(cue.id + "\n  "), "\(cue.id)")
        }
        for line in text.split(separator: "\n") { #expect(line.count <= 60, "\(line)") }
        // Every word of every cue is there.
        let words = Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }))
        for cue in BuiltInCatalog.catalog.cues {
            for w in cue.text.split(separator: " ") { #expect(words.contains(w), "\(w)") }
        }
        #expect(Limber.commandNames.contains("cues"))
    }

    @Test func theCuesAsJSON() {
        let json = CatalogText.json(["cues": [Cue(id: "a", text: "Sit \"tall\".")].map(Cues.CueJSON.init)])
        #expect(json == #"{"cues":[{"id":"a","text":"Sit \"tall\"."}]}"# + "\n")
    }

    @Test func aboutFitsTheWidth() {
        for width in [40, 80, 120] {
            let text = TextWrap.wrap(CatalogText.about, width: width)
            for line in text.split(separator: "\n") {
                #expect(line.count <= width, "\(width): \(line)")
            }
            // Nothing lost: the same words in the same order.
            #expect(text.split(whereSeparator: { $0 == " " || $0 == "\n" })
                    == CatalogText.about.split(whereSeparator: { $0 == " " || $0 == "\n" }))
        }
        // A red flag's continuation lines hang under its text, not under the dash.
        let narrow = TextWrap.wrap("  - one two three four five six", width: 16)
        #expect(narrow == "  - one two\n    three four\n    five six\n")
        #expect(TextWrap.wrap("a\n\nb", width: 10) == "a\n\nb\n")
    }

    @Test func aboutGivesTheHeatAdvice() {
        #expect(CatalogText.about.contains(CatalogText.heat))
        #expect(CatalogText.heat.contains("10 to 20 minutes"))
        let daily = BuiltInCatalog.catalog.routines.filter { $0.kind == .daily }
        #expect(!daily.isEmpty)
        for r in daily { #expect(r.about?.contains("warm shower for 10 to 20 minutes") == true, "\(r.id)") }
        #expect(BuiltInCatalog.catalog.cues.contains { $0.text.contains("warm shower for 10 to 20 minutes") })
    }

    @Test func theStandingCueSaysStanding() {
        let cue = BuiltInCatalog.catalog.cue("alternate-sitting-and-standing")
        #expect(cue?.text.contains("stretch") == false)
        #expect(cue?.text.contains("stand") == true)
    }
}

@Suite struct StartAnywayTests {
    @Test func aRoutineThatDoesNotFitTheConfigAsksForAnyway() {
        let catalog = BuiltInCatalog.catalog
        let problem = Start.unmet("floor-mobility", catalog, .office)
        #expect(problem == "Floor mobility needs the floor; your config's [routine] lists equipment: nothing; "
                + "places: desk (seated), standing, wall, doorway. 'limber start floor-mobility --anyway' starts it "
                + "all the same")
        #expect(Start.unmet("desk-reset", catalog, .office) == nil)
        #expect(Start.unmet("floor-mobility", catalog, .everything) == nil)
        #expect(Start.unmet("no-such-routine", catalog, .office) == nil)  // limberd names it
        #expect(Start.unmet("band-break", catalog, .office)?.contains("needs resistance band") == true)
    }

    @Test func anywayParses() throws {
        let start = try #require(try Limber.parseAsRoot(["start", "floor-mobility", "--anyway"]) as? Start)
        #expect(start.anyway && start.routine == "floor-mobility")
    }
}
