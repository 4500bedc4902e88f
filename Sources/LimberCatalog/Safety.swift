/// What limber says about safety: with every routine, on first start, in `limber about` and in
/// the README. Our own words for the red flags both sources list.
public enum Safety {
    /// Said with every routine and every guided step.
    public static let gentle = "Move slowly and only into a comfortable stretch; stop at once if anything hurts sharply."

    /// The heading of the red flags.
    public static let heading = "When to see a professional instead"

    /// Before the list.
    public static let intro = "limber is for the everyday stiffness that comes from sitting. Some back pain needs a "
        + "doctor or a physiotherapist, not a reminder. Get it checked first if you have any of these:"

    /// The red flags, one sentence each.
    public static let redFlags = [
        "pain that began with a fall, an accident or another injury;",
        "numbness, tingling or weakness in an arm or a leg, or a feeling that runs down into your fingers;",
        "fever or chills, weight loss you cannot explain, or pain that gets worse at night;",
        "any change in bladder or bowel control;",
        "pain that is severe, or that has not eased after a few weeks of gentle care.",
    ]

    /// After the list.
    public static let outro = "Until someone has looked at it, leave the routines aside."

    /// The notice on one line, for the log at the first start. One literal, so logging it
    /// costs no string building at start-up; a test keeps it equal to the parts above.
    public static let logLine = """
        When to see a professional instead. limber is for the everyday stiffness that comes from sitting. \
        Some back pain needs a doctor or a physiotherapist, not a reminder. Get it checked first if you have any \
        of these: pain that began with a fall, an accident or another injury; numbness, tingling or weakness in an \
        arm or a leg, or a feeling that runs down into your fingers; fever or chills, weight loss you cannot \
        explain, or pain that gets worse at night; any change in bladder or bowel control; pain that is severe, or \
        that has not eased after a few weeks of gentle care. Until someone has looked at it, leave the routines aside.
        """

    /// The whole notice as plain text: heading, intro, the flags as a list, outro.
    public static var notice: String {
        ([heading + ".", intro] + redFlags.map { "  - " + $0 } + [outro]).joined(separator: "\n")
    }

    /// The notice for a notification body: intro, flags, outro (the heading is its summary).
    public static var notificationBody: String {
        ([intro] + redFlags.map { "• " + $0 } + [outro]).joined(separator: "\n")
    }
}
