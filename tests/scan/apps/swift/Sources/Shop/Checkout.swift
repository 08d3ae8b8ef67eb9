// Every call form the scan understands, in Swift with analytics-swift.
import Segment

let signedIn = "Signed In"

func trackEvent(_ name: String, _ properties: [String: Any]) {
    Analytics.main.track(name: name, properties: properties) // a declared wrapper's body
}

final class Checkout {
    let analytics: Analytics

    init(analytics: Analytics) {
        self.analytics = analytics
    }

    func done(orderId: String, state: String) {
        analytics.track(name: "Order Completed", properties: ["order_id": orderId, "currency": "EUR", "total": 3.5]) // sends: Order Completed
        analytics.track(name: Event.orderCompleted.rawValue, properties: ["order_id": orderId, "currency": "USD", "total": "3.50"]) // sends: Order Completed  expect: PS203
        analytics.track(name: Event.signedIn.rawValue) // sends: Signed In  expect: PS103
        analytics.track(name: signedIn, properties: ["method": "faceid"]) // sends: Signed In  expect: PS204
        analytics.track(name: Names.productViewed, properties: ["product_id": "p1", "productId": "p1"]) // sends: Product Viewed  expect: PS202
        analytics.track(name: "Order Completed", properties: ["order_id": orderId]) // sends: Order Completed  expect: PS205 PS205
        analytics.track(name: "Checkout \(state)") // expect: PS101
        analytics.track(name: "Wishlist Opened") // sends: Wishlist Opened  expect: PS102
        analytics.identify(userId: "u1", traits: ["email": "ann@example.com", "age": 30]) // sends: identify
        analytics.group(groupId: "acme", traits: ["name": "Acme"]) // sends: group
        analytics.screen(title: "Home", properties: ["tab": "cart"]) // sends: screen "Home"
        trackEvent("Product Viewed", ["product_id": "p2"]) // sends: Product Viewed
        // analytics.track(name: "Commented Out")
        let text = "analytics.track(name: \"Inside A String\")"
        print(text)
    }
}
