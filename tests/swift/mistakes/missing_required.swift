// expect: missing argument for parameter 'products'
import Segment
import Tracking

let tracking = ProtocolsClient(Analytics(configuration: Configuration(writeKey: "usage")))
tracking.orderCompleted(OrderCompletedProperties(orderId: "o1", currency: "EUR", total: 19))
