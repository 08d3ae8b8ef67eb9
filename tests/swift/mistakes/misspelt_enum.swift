// expect: has no member 'eurr'
import Segment
import Tracking

let tracking = ProtocolsClient(Analytics(configuration: Configuration(writeKey: "usage")))
tracking.orderCompleted(OrderCompletedProperties(orderId: "o1", currency: .eurr, total: 19, products: []))
