// swift-tools-version:6.0
import PackageDescription

// Debug builds carry LIMBER_TESTING: a testing aid that scales intervals down for the
// end-to-end tests. Release builds (make run, make install, make bench) do not have it.
let testing: [SwiftSetting] = [.define("LIMBER_TESTING", .when(configuration: .debug))]

let package = Package(
    name: "limber",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "limberd", targets: ["limberd"]),
        .executable(name: "limber", targets: ["limber"]),
        .executable(name: "limber-toml-decode", targets: ["limber-toml-decode"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Pure modules: no IO, no clock reads.
        .target(name: "TOML"),
        .target(name: "LimberCore"),
        // The exercise catalog as values, rotation, the guided walkthrough, small planners.
        .target(name: "LimberCatalog", dependencies: ["LimberCore"]),
        .target(name: "LimberConfig", dependencies: ["TOML", "LimberCore", "LimberCatalog"]),
        // History statistics and their charts: events with local times in, numbers and text out.
        .target(name: "LimberStats", dependencies: ["LimberCore"]),
        // Codable JSON without Foundation, so limberd need not link FoundationEssentials.
        .target(name: "JSON"),
        // Files: state, history and config on disk (Glibc only, so the CLI can use it too).
        .target(name: "LimberFiles"),
        .target(name: "LimberProtocol", dependencies: ["JSON"]),

        // C libraries.
        // No pkgConfig for libnotify: glib's .pc file carries -pthread, which SwiftPM rejects
        // with a warning on every build. CNotify declares the small, ABI-stable subset of
        // glib/gobject/libnotify that limber calls and links the libraries by name.
        .systemLibrary(name: "CNotify", providers: [.apt(["libnotify-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd",
                       providers: [.apt(["libsystemd-dev"])]),
        // Landlock's system calls (no library: the kernel ABI, declared in the header).
        .systemLibrary(name: "CLandlock"),

        // The engine and its adapters.
        .target(name: "LimberDaemon",
                dependencies: ["LimberCore", "LimberCatalog", "LimberConfig", "LimberProtocol", "LimberFiles", "JSON", "CNotify", "CSystemd", "CLandlock",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: testing),

        .executableTarget(name: "limberd", dependencies: ["LimberDaemon", "LimberConfig", "LimberFiles"], swiftSettings: testing),
        .executableTarget(name: "limber",
                          dependencies: ["LimberProtocol", "LimberConfig", "LimberCatalog", "LimberCore", "LimberFiles",
                                         "LimberStats", "JSON",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "limber-toml-decode", dependencies: ["TOML"]),

        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "LimberCoreTests", dependencies: ["LimberCore", "JSON"]),
        .testTarget(name: "LimberConfigTests", dependencies: ["LimberConfig"]),
        .testTarget(name: "LimberCatalogTests", dependencies: ["LimberCatalog", "LimberConfig", "JSON"]),
        .testTarget(name: "LimberStatsTests", dependencies: ["LimberStats", "LimberCore"]),
        .testTarget(name: "LimberFilesTests", dependencies: ["LimberFiles", "LimberCore", "JSON"]),
        .testTarget(name: "LimberProtocolTests", dependencies: ["LimberProtocol", "JSON"]),
        .testTarget(name: "LimberDaemonTests", dependencies: ["LimberDaemon", "LimberFiles", "JSON"], swiftSettings: testing),
        .testTarget(name: "LimberCLITests", dependencies: ["limber", "LimberFiles", "LimberStats", "JSON"]),
    ]
)
