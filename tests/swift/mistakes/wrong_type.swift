// expect: cannot convert value of type 'String' to expected argument type 'Double
import Segment
import Tracking

let tracking = ProtocolsClient(Analytics(configuration: Configuration(writeKey: "usage")))
tracking.productAdded(ProductAddedProperties(cartId: "c1", productId: "p1", quantity: "2"))
