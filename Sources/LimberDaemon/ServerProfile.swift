/// What one notification server draws, learnt from `GetServerInformation` and
/// `GetCapabilities`, and how limber's notifications are adapted to it. Pure.
///
/// The facts per server are the ones observed on the real servers (see the README's
/// "Notification servers" section): GNOME Shell 43 draws at most 3 buttons and no `value`;
/// KDE Plasma 5.27 draws every action but `default` as a button; mako draws no buttons (a
/// click is the default action, the rest are in `makoctl menu`); xfce4-notifyd draws
/// `default` as a button too and turns a notification with `value` into a bare gauge; dunst
/// offers every action through its context menu.
public struct ServerProfile: Sendable, Equatable {
    /// The servers limber knows; `other` follows the specification.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case gnome, kde, mako, xfce, dunst, other
    }

    /// `GetServerInformation`'s name, vendor and version.
    public var name: String
    public var vendor: String
    public var version: String
    /// `GetCapabilities`.
    public var capabilities: Set<String>

    public init(name: String, vendor: String = "", version: String = "", capabilities: Set<String>) {
        self.name = name
        self.vendor = vendor
        self.version = version
        self.capabilities = capabilities
    }

    /// Before the server answered: the cautious choice for the servers people run. They all
    /// render markup, so text is escaped; at most GNOME's 3 buttons; no `value` hint (the
    /// progress is in the text anyway).
    public static let unknown = ServerProfile(name: "", capabilities: ["actions", "body", "body-markup"])

    public var kind: Kind {
        let n = name.lowercased()
        if n == "gnome-shell" { return .gnome }
        if n == "plasma" || vendor.lowercased() == "kde" { return .kde }
        if n == "mako" { return .mako }
        if n.hasPrefix("xfce") { return .xfce }
        if n == "dunst" { return .dunst }
        return .other
    }

    /// Whether the body is read as markup (so `&` and `<` must be entities).
    public var rendersMarkup: Bool { capabilities.contains("body-markup") }

    /// How many non-default actions are drawn as buttons; nil when every one is (or is
    /// offered in a menu).
    public var buttons: Int? {
        if self == .unknown { return 3 }
        switch kind {
        case .gnome: return 3
        case .mako: return 0
        default: return capabilities.contains("actions") ? nil : 0
        }
    }

    /// Whether `default` is drawn as a button of its own (xfce4-notifyd).
    public var drawsDefaultAsButton: Bool { kind == .xfce }

    /// Whether the server closes a notification after any action, even a `resident` one
    /// (xfce4-notifyd: seen closing a guided step just after limberd updated it in place).
    public var closesAfterAction: Bool { kind == .xfce }

    /// Whether the `value` hint is drawn sensibly (xfce4-notifyd hides everything else).
    public var drawsProgress: Bool { self != .unknown && kind != .xfce && kind != .gnome }

    /// `content` as this server should get it: the body escaped when it is markup, no sound
    /// hint unless it has the "sound" capability, no more
    /// actions than are drawn (the first ones kept: content lists them by importance), no
    /// `default` that would be a second button with the same label, no `value` where it
    /// hides the text. Every answer dropped here stays reachable through the CLI.
    public func adapt(_ content: NotificationContent) -> NotificationContent {
        var c = content
        if rendersMarkup { c.body = NotificationText.escapeMarkup(c.body) }
        if !drawsProgress { c.progress = nil }
        // Only a server that says it plays sounds gets the hint (the unknown profile does not).
        if !capabilities.contains("sound") { c.sound = nil }
        let clickable = c.actions.filter { $0.key == "default" }
        var others = c.actions.filter { $0.key != "default" }
        // mako draws none, but its menu (`makoctl menu`, `makoctl invoke`) offers them all.
        if kind != .mako, let limit = buttons { others = Array(others.prefix(limit)) }
        var defaults = clickable
        if drawsDefaultAsButton {
            defaults = clickable.filter { d in !others.contains { $0.label == d.label } }
        }
        c.actions = capabilities.contains("actions") ? defaults + others : []
        return c
    }
}

/// Text rules every notification follows, whatever the server.
public enum NotificationText {
    /// The longest summary: GNOME Shell ellipsizes its one title line at about 45
    /// characters in a 1280 px wide screen.
    public static let summaryLimit = 44

    /// The safety line in notifications: short enough to fit one line on every server.
    public static let safetyLine = "Move gently, stop on sharp pain."

    /// `s` with the five characters markup gives meaning to written as entities.
    public static func escapeMarkup(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// `s` cut to at most `limit` characters, ending in "…" when cut; spaces before the cut
    /// are dropped.
    public static func fit(_ s: String, _ limit: Int) -> String {
        guard s.count > limit else { return s }
        guard limit > 1 else { return String(s.prefix(max(0, limit))) }
        var head = String(s.prefix(limit - 1))
        while head.last == " " { head.removeLast() }
        return head + "…"
    }

    /// `head` and `tail` joined by " · ", `head` shortened so the whole fits `limit`.
    public static func summary(_ head: String, _ tail: String, limit: Int = summaryLimit) -> String {
        let sep = " · "
        let room = limit - tail.count - sep.count
        guard room >= 4 else { return fit(head + sep + tail, limit) }
        return fit(head, room) + sep + tail
    }
}

/// How much of a notification each server shows at its defaults, as seen on the real
/// servers (the README's "Notification servers"): the buttons it draws, the summary it
/// keeps on one line, and the body lines visible without scrolling or expanding, at about
/// `lineChars` characters a line. Tests measure every notification limber sends against it.
public struct NotificationBudget: Sendable, Equatable {
    public var kind: ServerProfile.Kind
    /// Non-default actions drawn as buttons; nil when all are (KDE, xfce).
    public var buttons: Int?
    /// Whether every action is offered in a menu too (mako's `makoctl menu`, dunst's
    /// context menu), so none need be dropped.
    public var menu: Bool
    /// Whether `default` is drawn as a button too.
    public var drawsDefault: Bool
    public var summaryChars: Int
    /// Body lines shown under a one-line summary.
    public var bodyLines: Int
    /// Whether a long summary wraps, taking lines from the body (mako, dunst, xfce), rather
    /// than being cut to one line (GNOME, KDE).
    public var summaryWraps: Bool
    public var lineChars: Int

    public static let table: [NotificationBudget] = [
        .init(kind: .gnome, buttons: 3, menu: false, drawsDefault: false, summaryChars: 44, bodyLines: 6, summaryWraps: false, lineChars: 45),
        .init(kind: .kde, buttons: nil, menu: false, drawsDefault: false, summaryChars: 44, bodyLines: 5, summaryWraps: false, lineChars: 45),
        .init(kind: .mako, buttons: 0, menu: true, drawsDefault: false, summaryChars: 44, bodyLines: 3, summaryWraps: true, lineChars: 36),
        .init(kind: .xfce, buttons: nil, menu: false, drawsDefault: true, summaryChars: 44, bodyLines: 6, summaryWraps: true, lineChars: 40),
        .init(kind: .dunst, buttons: 0, menu: true, drawsDefault: false, summaryChars: 44, bodyLines: 10, summaryWraps: true, lineChars: 40),
    ]

    /// The body lines left visible under `summary`.
    public func bodyRoom(under summary: String) -> Int {
        summaryWraps ? bodyLines - (wrappedLines(summary) - 1) : bodyLines
    }

    /// How many lines `text` takes when wrapped at word boundaries to `lineChars`.
    public func wrappedLines(_ text: String) -> Int {
        var total = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var count = 1, width = 0
            for word in line.split(separator: " ") {
                let w = word.count
                if width == 0 {
                    width = w
                } else if width + 1 + w <= lineChars {
                    width += 1 + w
                } else {
                    count += 1
                    width = w
                }
                while width > lineChars {  // a word longer than a line breaks anywhere
                    count += 1
                    width -= lineChars
                }
            }
            total += count
        }
        return total
    }
}
