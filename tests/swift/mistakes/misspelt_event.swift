// expect: has no member 'orderComplete'
import Segment
import Tracking

let tracking = ProtocolsClient(Analytics(configuration: Configuration(writeKey: "usage")))
tracking.orderComplete(OrderCompletedProperties(orderId: "o1", currency: "EUR", total: 19, products: []))
