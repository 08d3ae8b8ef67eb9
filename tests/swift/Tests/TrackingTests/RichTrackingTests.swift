// The client generated from tests/golden/generate/plans/rich.yaml: named, recursive, nullable,
// map and enum-array types, a screen and free-form group traits.
import RichTracking
import Segment
import XCTest

final class RichTrackingTests: XCTestCase {
    func testEveryShapeEncodesAsPlanned() throws {
        let (analytics, capture) = capturingAnalytics("rich")
        let tracking = ProtocolsClient(analytics)
        let tree = Category(name: "root", children: [Category(name: "leaf")])
        let done = ThingDoneProperties(currency: .usd, category: tree, tags: [.a, .b], meta: ["m": 1.5],
                                       exact: ThingDonePropertiesExact(x: 1))
        tracking.thingDone(done)
        tracking.screenHome(ScreenHomeProperties(x: "y"), category: "Settings")
        tracking.group(groupId: "g1")

        XCTAssertEqual(capture.events.count, 3)
        let thing = capture.events[0]
        XCTAssertEqual(thing["properties"]?["category"]?["children"]?[0]?["name"]?.stringValue, "leaf")
        XCTAssertEqual(thing["properties"]?["tags"]?[1]?.stringValue, "b")
        XCTAssertEqual(thing["context"]?["protocols"]?["version"], JSON.null)
        XCTAssertEqual(capture.events[1]["name"]?.stringValue, "Home")
        XCTAssertEqual(capture.events[1]["category"]?.stringValue, "Settings")
        try save(capture.events, as: "rich")
    }
}
