// The client generated from plans/ecommerce.yaml, through the real analytics-swift.
import Segment
import Tracking
import XCTest

final class TrackingTests: XCTestCase {
    func testEveryCallReachesTheSdkWithExactNamesAndThePlanStamp() throws {
        let (analytics, capture) = capturingAnalytics("shop")
        let tracking = ProtocolsClient(analytics)
        let product = Product(productId: "p1", sku: "S-1", price: 9.5, quantity: 2)
        tracking.orderCompleted(OrderCompletedProperties(orderId: "o1", currency: "EUR", total: 19, products: [product]))
        tracking.productAdded(ProductAddedProperties(cartId: "c1", productId: "p1", quantity: 1))
        tracking.identify(userId: "u1", traits: IdentifyTraits(email: "ada@example.com", name: "Ada"))
        tracking.group(groupId: "g1", traits: GroupTraits(name: "Acme", industry: "Retail"))

        XCTAssertEqual(capture.events.count, 4)
        let order = capture.events[0]
        XCTAssertEqual(order["event"]?.stringValue, "Order Completed")
        XCTAssertEqual(order["properties"]?["order_id"]?.stringValue, "o1")
        XCTAssertEqual(order["properties"]?["currency"]?.stringValue, "EUR")
        XCTAssertEqual(order["properties"]?["products"]?[0]?["product_id"]?.stringValue, "p1")
        XCTAssertNil(order["properties"]?["coupon"])  // optional and nil: not sent
        XCTAssertEqual(order["context"]?["protocols"]?["plan"]?.stringValue, "ecommerce")
        XCTAssertEqual(order["context"]?["protocols"]?["version"]?.stringValue, "2.0.0")
        XCTAssertEqual(capture.events[2]["traits"]?["email"]?.stringValue, "ada@example.com")
        XCTAssertEqual(capture.events[3]["groupId"]?.stringValue, "g1")
        try save(capture.events, as: "ecommerce")
    }
}
