// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Roster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "roster", targets: ["roster"]),
        .library(name: "Roster", targets: ["Roster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "CRosterShims"),
        .target(
            name: "Roster",
            dependencies: [
                "CCmarkGFM",
                "CRosterShims",
                .product(name: "Yams", package: "Yams"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        .executableTarget(
            name: "roster",
            dependencies: [
                "Roster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc instead of glibc's malloc: a build allocates and frees millions of small strings, arrays and
            // view models from two threads at once, and spends a tenth less CPU with it (Benchmarks/README.md,
            // seventh round). Debian's libjemalloc-dev; scripts/install.sh installs it.
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "RosterTests",
            dependencies: ["Roster"],
            exclude: ["Fixtures"]
        ),
    ]
)

// libFuzzer targets, declared only when ROSTER_FUZZ is set: they call into libFuzzer, which only `-sanitize=fuzzer`
// links, so a normal `swift build` must not see them. scripts/fuzz.sh builds and runs them.
if Context.environment["ROSTER_FUZZ"] != nil {
    for name in ["FuzzFrontMatter", "FuzzContentDecoder", "FuzzMarkdownPage"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["Roster"], path: "Fuzz/\(name)"))
    }
}
