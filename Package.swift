// swift-tools-version:6.0
// Fathom: an interactive analysis shell for how machine-learning models fail.
import PackageDescription

let strictImports: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "Fathom",
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
        .library(name: "FathomCore", targets: ["FathomCore"]),
        .library(name: "FathomLanguage", targets: ["FathomLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // HMAC-SHA256 signatures of Jupyter messages (Sources/FathomShell/Kernel).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // zlib inflates the members of .npz archives (Sources/FathomCore/IO/NumPy/ZipArchive.swift).
        .systemLibrary(
            name: "CFathomZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // ZeroMQ carries the Jupyter kernel's messages (Sources/FathomShell/Kernel).
        .systemLibrary(
            name: "CFathomZmq",
            path: "Sources/CZmq",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        // Imports are explicit: a member is visible only in a file that imports its module.
        .target(name: "FathomCore", dependencies: ["CFathomZlib"], swiftSettings: strictImports),
        .target(name: "FathomLanguage", dependencies: ["FathomCore"], swiftSettings: strictImports),
        .target(
            name: "FathomShell",
            dependencies: ["FathomLanguage", "FathomCore", "CLibEdit", "CFathomZmq", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictImports
        ),
        .executableTarget(
            name: "fathom",
            dependencies: [
                "FathomShell",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictImports
        ),
        // What the test targets share: fixture loading and the tolerance comparison.
        .target(name: "FathomTestSupport", dependencies: ["FathomCore"], path: "Tests/Support"),
        .testTarget(name: "FathomCoreTests", dependencies: ["FathomCore", "FathomTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "FathomLanguageTests", dependencies: ["FathomLanguage", "FathomTestSupport"], exclude: ["Golden"]),
        .testTarget(
            name: "FathomShellTests",
            dependencies: ["FathomShell", "FathomLanguage", "FathomCore", "FathomTestSupport"],
            exclude: ["Transcripts", "Golden"]
        ),
    ]
)
