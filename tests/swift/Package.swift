// swift-tools-version:5.9
// Builds the Swift that `protocols generate --lang swift` writes against the real analytics-swift.
// CI's swift job (.github/workflows/ci.yml) generates Sources/Tracking (plans/ecommerce.yaml) and
// Sources/RichTracking (tests/golden/generate/plans/rich.yaml) first; they are not committed.

import PackageDescription

let package = Package(
    name: "ProtocolsSwiftCheck",
    platforms: [.macOS("10.15"), .iOS("13.0")],
    dependencies: [
        .package(url: "https://github.com/segmentio/analytics-swift.git", from: "1.6.0"),
    ],
    targets: [
        .target(name: "Tracking", dependencies: [.product(name: "Segment", package: "analytics-swift")]),
        .target(name: "RichTracking", dependencies: [.product(name: "Segment", package: "analytics-swift")]),
        // Valid use of the generated API; CI swaps in each file of mistakes/ and expects an error.
        .executableTarget(
            name: "Usage",
            dependencies: ["Tracking", "RichTracking", .product(name: "Segment", package: "analytics-swift")]
        ),
        .testTarget(
            name: "TrackingTests",
            dependencies: ["Tracking", "RichTracking", .product(name: "Segment", package: "analytics-swift")]
        ),
    ]
)
