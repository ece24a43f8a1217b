// swift-tools-version:6.0
// Fathom: an interactive analysis shell for how machine-learning models fail.
import PackageDescription

let package = Package(
    name: "Fathom",
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
        .library(name: "FathomCore", targets: ["FathomCore"]),
        .library(name: "FathomLanguage", targets: ["FathomLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "FathomCore", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "FathomLanguage", dependencies: ["FathomCore"]),
        .target(name: "FathomShell", dependencies: ["FathomLanguage", "FathomCore", "CLibEdit"]),
        .executableTarget(
            name: "fathom",
            dependencies: [
                "FathomShell",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FathomCoreTests", dependencies: ["FathomCore"], exclude: ["Fixtures"]),
        .testTarget(name: "FathomLanguageTests", dependencies: ["FathomLanguage"], exclude: ["Golden"]),
        .testTarget(
            name: "FathomShellTests",
            dependencies: ["FathomShell", "FathomLanguage", "FathomCore"],
            exclude: ["Transcripts", "Golden"]
        ),
    ]
)
