// swift-tools-version: 6.2
import PackageDescription

/// The two routes `../shared/notes/MACHINE.md` measured on the issues' reference machine, rebuilt here so that
/// `Benchmarks/calibrate` can measure them on this machine in the same run as `mediaflow bench jobs`.
let package = Package(
    name: "reference-server",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "reference-server",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
