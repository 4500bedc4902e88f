import LimberCatalog
import LimberConfig
@testable import LimberCore
@testable import LimberDaemon
import Testing

/// Every notification limber sends, measured against what each real server shows.
@Suite struct NotificationTextTests {
    /// The servers as they answer GetServerInformation and GetCapabilities (seen on
    /// Debian 12; the real-server tests check these answers).
    static let servers: [ServerProfile] = [
        ServerProfile(name: "gnome-shell", vendor: "GNOME", version: "43.9",
                      capabilities: ["actions", "body", "body-markup", "icon-static", "persistence", "sound"]),
        ServerProfile(name: "Plasma", vendor: "KDE", version: "5.27.5",
                      capabilities: ["actions", "body", "body-hyperlinks", "body-images", "body-markup",
                                     "icon-static", "inhibitions", "inline-reply", "persistence"]),
        ServerProfile(name: "mako", vendor: "emersion", version: "1.7.1",
                      capabilities: ["actions", "body", "body-markup"]),
        ServerProfile(name: "Xfce Notify Daemon", vendor: "Xfce", version: "0.7.3",
                      capabilities: ["actions", "body", "body-hyperlinks", "body-markup", "icon-static", "persistence"]),
        ServerProfile(name: "dunst", vendor: "knopwob", version: "1.9.0",
                      capabilities: ["actions", "body", "body-hyperlinks", "body-markup", "icon-static", "persistence"]),
    ]

    static let userText = "Tom & Jerry <3 >"

    /// A catalog with the user's own cue, exercise and routine, all named with markup
    /// characters.
    static func userCatalog() throws -> Catalog {
        let loaded = LimberConfiguration.load("""
            [[exercises]]
            id = "tom"
            name = "\(userText)"
            places = ["desk"]
            steps = ["Say \\"\(userText)\\" & 'smile'.", "<b>not bold</b>"]
            why = "Mine & <yours>."
            hold = "20s"
            per_side = true

            [[routines]]
            id = "mine"
            title = "\(userText)"
            steps = ["tom", "scapular-squeeze"]

            [[cues]]
            id = "tom-cue"
            text = "\(userText)"
            """, fileName: "c.toml")
        let c = try loaded.get()
        return c.effectiveCatalog()
    }

    struct Sent {
        var what: String
        var content: NotificationContent
        /// Whether it asks for exercise: then the safety line must be in what every server shows.
        var exercise: Bool
    }

    /// Every notification limber sends, for the built-in catalog and the user's own entries.
    static func everything() throws -> [Sent] {
        var out: [Sent] = []
        let catalog = try userCatalog()
        func prompt(_ kind: ReminderKind, show: Int, final: Bool, snoozes: Int) -> Prompt {
            Prompt(id: 7, kind: kind, show: show, isFinal: final, snoozesLeft: snoozes, serial: 0, isRepeat: false)
        }
        let showings = [(1, false, 3), (2, false, 2), (4, true, 0)]
        for r in catalog.resolvedRoutines() {
            for (show, final, snoozes) in showings {
                out.append(Sent(what: "reminder \(r.id) #\(show)", content: PromptContent.notification(
                    for: prompt(.routine, show: show, final: final, snoozes: snoozes), showing: .routine(r),
                    snoozeDefault: .seconds(600), expiry: .serverDefault), exercise: true))
            }
            out.append(Sent(what: "daily \(r.id)", content: PromptContent.dailyOffer(r, urgency: .normal),
                            exercise: true))
            out.append(Sent(what: "daily \(r.id) with snooze",
                            content: PromptContent.dailyOffer(r, urgency: .normal, snooze: .seconds(600)), exercise: true))
            let w = Walkthrough(r)
            for i in w.steps.indices {
                out.append(Sent(what: "step \(i + 1) of \(r.id)", content: PromptContent.guideStep(w, index: i),
                                exercise: true))
                if i > 0, case .timed = w.steps[i - 1].kind {
                    // After a timed step ends by itself: the same step with a sound.
                    out.append(Sent(what: "step \(i + 1) of \(r.id) with sound",
                                    content: PromptContent.guideStep(w, index: i, sound: true), exercise: true))
                }
            }
            out.append(Sent(what: "done \(r.id)", content: PromptContent.guideDone(w, next: "next posture check in 20 min"),
                            exercise: false))
            out.append(Sent(what: "done \(r.id) with sound",
                            content: PromptContent.guideDone(w, next: "next posture check in 20 min", sound: true),
                            exercise: false))
        }
        for cue in catalog.cues {
            for (show, final, snoozes) in showings {
                out.append(Sent(what: "cue \(cue.id) #\(show)", content: PromptContent.notification(
                    for: prompt(.posture, show: show, final: final, snoozes: snoozes), showing: .cue(cue),
                    snoozeDefault: .seconds(300), expiry: .serverDefault), exercise: false))
            }
        }
        out.append(Sent(what: "plain routine", content: PromptContent.notification(
            for: prompt(.routine, show: 1, final: false, snoozes: 3), showing: .plain, snoozeDefault: .seconds(600),
            expiry: .serverDefault), exercise: true))
        out.append(Sent(what: "plain cue", content: PromptContent.notification(
            for: prompt(.posture, show: 1, final: false, snoozes: 3), showing: .plain, snoozeDefault: .seconds(600),
            expiry: .serverDefault), exercise: false))
        out.append(Sent(what: "standing", content: PromptContent.standingBlock(3600, urgency: .normal,
                                                                                expiry: .serverDefault), exercise: false))
        out.append(Sent(what: "standing done", content: PromptContent.standingDone(3600), exercise: false))
        out.append(Sent(what: "step up", content: PromptContent.stepUp("Make them a little harder."), exercise: true))
        out.append(Sent(what: "safety", content: PromptContent.safetyNotice, exercise: false))
        out.append(Sent(what: "restart", content: PromptContent.guideStoppedByRestart, exercise: false))
        return out
    }

    @Test func everyNotificationFitsEveryServersBudget() throws {
        let all = try Self.everything()
        #expect(all.count > 100, "the whole catalog is measured")
        for profile in Self.servers {
            let budget = try #require(NotificationBudget.table.first { $0.kind == profile.kind })
            for sent in all {
                let c = profile.adapt(sent.content)
                let label = "\(profile.kind) \(sent.what)"
                #expect(c.summary.count <= budget.summaryChars, "\(label): summary '\(c.summary)'")
                let buttons = c.actions.filter { $0.key != "default" || budget.drawsDefault }
                if let limit = budget.buttons, !budget.menu {
                    #expect(buttons.count <= limit, "\(label): \(buttons.map(\.label)) drawn")
                }
                #expect(Set(buttons.map(\.label)).count == buttons.count, "\(label): two buttons with one label")
                // What the server shows is the unescaped text: measure that.
                let lines = sent.content.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let essential: [String]
                if sent.exercise {
                    let at = try #require(lines.firstIndex(of: NotificationText.safetyLine), "\(label): no safety line")
                    essential = Array(lines[...at])
                } else {
                    // The first sentence says what to do; the rest may be cut (cues run to
                    // four or five of mako's lines).
                    let line = lines[0]
                    let end = line.indices.first { i in
                        ".?!".contains(line[i]) && line.index(after: i) < line.endIndex && line[line.index(after: i)] == " "
                    }
                    essential = [end.map { String(line[...$0]) } ?? line]
                }
                let shown = budget.wrappedLines(essential.joined(separator: "\n"))
                let room = budget.bodyRoom(under: c.summary)
                #expect(shown <= room, "\(label): \(shown) lines of what is needed to act, \(room) visible")
            }
        }
    }

    @Test func everyReminderCanBeAnsweredOnEveryServer() throws {
        let reminders = try Self.everything().filter { $0.what.hasPrefix("reminder") || $0.what.hasPrefix("cue") }
        for profile in Self.servers {
            for sent in reminders {
                let keys = profile.adapt(sent.content).actions.map(\.key)
                let label = "\(profile.kind) \(sent.what)"
                // A click never records a break: the default action, when there, is the snooze.
                if let click = profile.adapt(sent.content).actions.first(where: { $0.key == "default" }) {
                    let snooze = try #require(sent.content.actions.first { $0.key == "snooze" }, "\(label)")
                    #expect(click.label == snooze.label, "\(label)")
                }
                #expect(keys.contains("done"), "\(label): Done is a button (or in mako's menu)")
            }
        }
    }

    @Test func userTextIsEscapedForMarkupServersAndPlainForOthers() throws {
        let mine = try Self.everything().filter { $0.content.body.contains(Self.userText) }
        #expect(mine.count >= 4, "cue, routine reminder, daily offer and guided steps carry it")
        let escaped = "Tom &amp; Jerry &lt;3 &gt;"
        for profile in Self.servers {
            for sent in mine {
                let body = profile.adapt(sent.content).body
                #expect(body.contains(escaped), "\(profile.kind) \(sent.what): \(body)")
                #expect(!body.contains("<") && !body.contains(">"), "\(profile.kind) \(sent.what)")
                #expect(!body.contains("& ") && !body.contains("\""), "\(profile.kind) \(sent.what)")
            }
        }
        let plain = ServerProfile(name: "plain", capabilities: ["actions", "body"])
        for sent in mine {
            #expect(plain.adapt(sent.content).body == sent.content.body, "sent as written")
        }
        #expect(NotificationText.escapeMarkup("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
    }

    @Test func perServerActionsAndHints() throws {
        let all = try Self.everything()
        let reminder = try #require(all.first { $0.what == "reminder doorway-opener #1" }).content
        let step = try #require(all.first { $0.what == "step 1 of doorway-opener" }).content
        #expect(reminder.actions.map(\.key) == ["default", "start", "done", "snooze", "skip"])
        func profile(_ kind: ServerProfile.Kind) -> ServerProfile { Self.servers.first { $0.kind == kind }! }

        let gnome = profile(.gnome).adapt(reminder)
        #expect(gnome.actions.map(\.key) == ["default", "start", "done", "snooze"], "3 buttons; Skip by 'limber skip'")
        #expect(profile(.kde).adapt(reminder).actions.map(\.key) == reminder.actions.map(\.key))
        #expect(profile(.mako).adapt(reminder).actions.map(\.key) == reminder.actions.map(\.key), "menu has them all")
        let xfce = profile(.xfce).adapt(reminder)
        #expect(xfce.actions.map(\.key) == ["start", "done", "snooze", "skip"], "no second Snooze button")
        #expect(profile(.xfce).adapt(step).progress == nil, "xfce would draw a bare gauge")
        #expect(profile(.kde).adapt(step).progress == 0)
        #expect(profile(.mako).adapt(step).progress == 0)
        #expect(ServerProfile.unknown.adapt(step).progress == nil)
        #expect(step.body.hasPrefix("Step 1/5"), "progress in text everywhere")
        #expect(!step.actions.contains { $0.key == "default" }, "a click does not move the routine on")
        let notes = all.filter { $0.what.hasPrefix("done ") || $0.what == "standing done" || $0.what == "restart" }
        #expect(notes.count > 3)
        for note in notes {
            #expect(note.content.transient, "\(note.what)")
            guard case .after = note.content.expiry else {
                Issue.record("\(note.what) must expire")
                continue
            }
        }
        let none = ServerProfile(name: "x", capabilities: ["body"])
        #expect(none.adapt(reminder).actions.isEmpty)
    }

    @Test func theDailyOfferIsAnsweredOnEveryServerWithoutAClick() throws {
        let offers = try Self.everything().filter { $0.what.hasPrefix("daily ") }
        #expect(offers.count > 20)
        for sent in offers {
            #expect(!sent.content.actions.contains { $0.key == "default" }, "\(sent.what): a click starts nothing")
            #expect(sent.content.summary.hasPrefix("Daily routine: "), "\(sent.what)")
            let wanted = sent.what.hasSuffix("with snooze") ? ["start", "snooze", "skip"] : ["start", "skip"]
            #expect(sent.content.actions.map(\.key) == wanted, "\(sent.what)")
            for profile in Self.servers {
                // Every answer is a button (GNOME's 3 included) or in the server's menu.
                #expect(profile.adapt(sent.content).actions.map(\.key) == wanted, "\(profile.kind) \(sent.what)")
            }
        }
        let snoozable = try #require(offers.first { $0.what.hasSuffix("with snooze") }).content
        #expect(snoozable.actions.map(\.label) == ["Start", "Snooze 10 min", "Not today"])
    }

    @Test func theSoundHintGoesOnlyToServersThatPlaySounds() throws {
        let all = try Self.everything()
        let loud = all.filter { $0.what.hasSuffix("with sound") }
        #expect(loud.count > 10, "timed steps' ends and routines' ends")
        for sent in loud {
            #expect(sent.content.sound == PromptContent.stepEndSound, "\(sent.what)")
            for profile in Self.servers {
                let expected = profile.capabilities.contains("sound") ? PromptContent.stepEndSound : nil
                #expect(profile.adapt(sent.content).sound == expected, "\(profile.kind) \(sent.what)")
            }
            // Before the server answered, nothing says it plays sounds.
            #expect(ServerProfile.unknown.adapt(sent.content).sound == nil, "\(sent.what)")
        }
        #expect(Self.servers.filter { $0.capabilities.contains("sound") }.map(\.kind) == [.gnome])
        // Without the flag, nothing sounds.
        for sent in all where !sent.what.hasSuffix("with sound") {
            #expect(sent.content.sound == nil, "\(sent.what)")
        }
    }

    @Test func summariesSayWhatAndHowLong() throws {
        #expect(NotificationText.fit("abcdef", 4) == "abc…")
        #expect(NotificationText.fit("ab d", 4) == "ab d")
        #expect(NotificationText.fit("ab de", 4) == "ab…")
        #expect(NotificationText.summary(String(repeating: "x", count: 60), "30 s").hasSuffix("… · 30 s"))
        #expect(NotificationText.summary(String(repeating: "x", count: 60), "30 s").count == 44)
        let b = try #require(NotificationBudget.table.first { $0.kind == .mako })
        #expect(b.wrappedLines("") == 1)
        #expect(b.wrappedLines(String(repeating: "a ", count: 30)) == 2)
        #expect(b.wrappedLines(String(repeating: "a", count: 80)) == 3)
        #expect(b.wrappedLines("a\nb") == 2)
    }

    @Test func profilesAreRecognised() {
        #expect(Self.servers.map(\.kind) == [.gnome, .kde, .mako, .xfce, .dunst])
        #expect(ServerProfile.unknown.buttons == 3 && ServerProfile.unknown.rendersMarkup)
    }
}
