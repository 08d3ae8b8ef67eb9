// Every call form the scan understands, in JavaScript with JSX and analytics-node.
const { Analytics } = require("@segment/analytics-node");
import { SIGNED_IN } from "./names";
import Names from "./names.js";

const analytics = new Analytics({ writeKey: "key" });
const LOCAL = "Signed-In";

function trackEvent(name, properties) {
  analytics.track({ userId: "u1", event: name, properties }); // a declared wrapper's body
}

export function handler(req) {
  analytics.track({ userId: req.user, event: "Order Completed", properties: { order_id: "o1", currency: "USD", total: 10 } }); // sends: Order Completed
  analytics.track({ userId: req.user, event: SIGNED_IN, properties: { method: "passkey" } }); // sends: Signed In  expect: PS204
  analytics.track({ anonymousId: "a1", event: Names.viewed, properties: { product_id: "p", price: "9.99" } }); // sends: Product Viewed  expect: PS203
  analytics.track({ userId: req.user, event: LOCAL }); // sends: Signed In  expect: PS103
  analytics.track({ userId: req.user, event: `Signed ${req.how}` }); // expect: PS101
  analytics.track({ userId: req.user, event: "Order Shipped" }); // sends: Order Shipped  expect: PS102
  analytics.identify({ userId: req.user, traits: { email: "ann@example.com" } }); // sends: identify
  analytics.group({ userId: req.user, groupId: "g1", traits: { plan: "pro" } }); // sends: group  expect: PS205 PS201
  analytics.screen({ userId: req.user, name: "Home", properties: { tab: "cart" } }); // sends: screen "Home"
  trackEvent("Product Viewed", { product_id: "p2" }); // sends: Product Viewed
  // analytics.track({ userId: "u", event: "Commented Out" });
  const help = "call analytics.track({ event: 'In A String' })";
  return <p title={help}>ok</p>;
}
