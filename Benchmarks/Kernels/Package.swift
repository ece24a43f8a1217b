// swift-tools-version:6.1
// Kernel-level benchmarks of Fathom's hot loops, with allocation counts, by
// ordo-one/package-benchmark. Run with `./Scripts/bench --kernels` (or
// `swift package --package-path Benchmarks/Kernels benchmark`). The side-by-side ratios against
// Python live in Benchmarks/bench.py; these track each kernel's own time and allocations.
import PackageDescription

let package = Package(
    name: "FathomKernelBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Fathom", path: "../.."),
        // The malloc interposer counts allocations without jemalloc.
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "FathomKernels",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "FathomCore", package: "Fathom"),
            ],
            path: "Benchmarks/FathomKernels",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
