// Valid calls through the generated client; CI replaces this file by each of mistakes/*.swift
// in turn and expects `swift build` to fail with the message the mistake's first line names.
import Segment
import Tracking

let analytics = Analytics(configuration: Configuration(writeKey: "usage").autoAddSegmentDestination(false))
let tracking = ProtocolsClient(analytics)
let product = Product(productId: "p1", price: 9.5, quantity: 2)
tracking.orderCompleted(OrderCompletedProperties(orderId: "o1", currency: "EUR", total: 19, products: [product]))
tracking.productAdded(ProductAddedProperties(cartId: "c1", productId: "p1", quantity: 1))
tracking.identify(userId: "u1", traits: IdentifyTraits(email: "ada@example.com"))
