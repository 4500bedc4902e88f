/// A fingerprint of a configuration file's bytes: limberd reports the one of the file it
/// read, so `limber config show` can tell whether the file changed since (FNV-1a, 64 bits;
/// it tells versions of one file apart, it is no defence against anyone).
public enum ConfigDigest {
    /// 16 lowercase hex digits.
    public static func of(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
