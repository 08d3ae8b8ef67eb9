// expect: has no member 'usdd'
import RichTracking
import Segment

let tracking = ProtocolsClient(Analytics(configuration: Configuration(writeKey: "usage")))
tracking.thingDone(ThingDoneProperties(currency: .usdd))
