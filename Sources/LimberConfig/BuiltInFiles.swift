// The files of the top-level config folder that the binaries carry. The build embeds them
// (Package.swift: resources of this target, through the symlink Sources/LimberConfig/config),
// so there is no copy to keep in step; PackageResources is the code SwiftPM generates.

/// The documented default configuration file, config/limber.toml, for 'limber config init'.
public enum DefaultConfigFile {
    /// The file's bytes.
    public static var bytes: [UInt8] { PackageResources.limber_toml }
    /// The file's text: every setting at its default, with a line on each.
    public static var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// The built-in exercise catalog file, config/catalog.toml.
public enum CatalogFile {
    /// The file's bytes.
    public static var bytes: [UInt8] { PackageResources.catalog_toml }
    /// The file's text.
    public static var text: String { String(decoding: bytes, as: UTF8.self) }
}
