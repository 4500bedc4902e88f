/// The version of limber; the CLI and the daemon report it.
public enum LimberVersion {
    public static let current = "0.1.0"
}
