// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "mediaflow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mediaflow", targets: ["mediaflow"]),
        .library(name: "MediaflowServer", targets: ["MediaflowServer"]),
        .library(name: "MediaflowTesting", targets: ["MediaflowTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    ],
    targets: [
        .target(name: "MediaflowModel", swiftSettings: strict),
        .target(name: "MediaflowStore", dependencies: ["MediaflowModel"], swiftSettings: strict),
        .target(
            name: "MediaflowStates",
            dependencies: ["MediaflowModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "MediaflowSQLite",
            dependencies: ["MediaflowStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "MediaflowPostgres",
            dependencies: [
                "MediaflowStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // For the pool's own error, which PostgresNIO's client throws when it cannot connect.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MediaflowMedia",
            dependencies: [
                "MediaflowModel",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MediaflowServer",
            dependencies: [
                "MediaflowModel", "MediaflowStore", "MediaflowSQLite", "MediaflowPostgres", "MediaflowMedia", "MediaflowStates",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MediaflowTesting",
            dependencies: [
                "MediaflowModel", "MediaflowServer", "MediaflowPostgres",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "mediaflow",
            dependencies: [
                "MediaflowServer", "MediaflowModel", "MediaflowPostgres", "MediaflowSQLite", "MediaflowStates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            // tcmalloc serves the many small, short-lived allocations of a request's path (Swift's
            // boxes, closures, strings) with less CPU than glibc's malloc: about a tenth less per job.
            linkerSettings: [.linkedLibrary(":libtcmalloc_minimal.so.4", .when(platforms: [.linux]))]
        ),
        .testTarget(name: "MediaflowModelTests", dependencies: ["MediaflowModel"], swiftSettings: strict),
        .testTarget(name: "MediaflowStatesTests", dependencies: ["MediaflowStates"], swiftSettings: strict),
        .testTarget(
            name: "MediaflowStoreTests",
            dependencies: [
                "MediaflowStore", "MediaflowSQLite", "MediaflowPostgres", "MediaflowTesting",
                .product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MediaflowMediaTests",
            dependencies: ["MediaflowMedia", "MediaflowModel", "MediaflowTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MediaflowServerTests",
            dependencies: [
                "MediaflowServer", "MediaflowTesting", "MediaflowStates", "mediaflow",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Golden")],
            swiftSettings: strict
        ),
    ]
)
