// Every call form the scan understands, in TypeScript with JSX and analytics-next.
import { AnalyticsBrowser } from "@segment/analytics-next";
import { ORDER_COMPLETED, Names, Event } from "./events";
import * as events from "./events";
import { ProtocolsClient } from "./tracking";

const analytics = AnalyticsBrowser.load({ writeKey: "key" });
const tracking = new ProtocolsClient(analytics);
const LOCAL = "Product Viewed";

export function trackEvent(name: string, properties: Record<string, unknown>): void {
  analytics.track(name, properties); // a declared wrapper's body: checked at its callers
}

export function logCheckout(properties: Record<string, unknown>): void {
  analytics.track(ORDER_COMPLETED, properties); // sends: Order Completed
}

export function Checkout({ orderId, state }: { orderId: string; state: string }) {
  analytics.track("Order Completed", { order_id: orderId, currency: "EUR", total: 3 }); // sends: Order Completed
  analytics.track(ORDER_COMPLETED, { order_id: orderId, currency: "eur", total: 3 }); // sends: Order Completed  expect: PS204
  analytics.track(Event.ProductViewed, { product_id: 42 }); // sends: Product Viewed  expect: PS203
  analytics.track(events.Names.signedIn, { method: "sso" }); // sends: Signed In
  analytics.track(Names.signedInIos); // sends: Signed In  expect: PS103
  analytics.track(LOCAL, { product_id: "p1", productPrice: 3 }); // sends: Product Viewed  expect: PS201
  analytics.track("Order Completed", { orderId, currency: "EUR", total: 1 }); // sends: Order Completed  expect: PS202
  analytics.track("Order Completed", { order_id: orderId, total: 1 }); // sends: Order Completed  expect: PS205
  analytics.track("Order Completed", { order_id: orderId, ...rest() }); // sends: Order Completed
  analytics.track("Cart Abandoned"); // sends: Cart Abandoned  expect: PS102
  analytics.track(`Order ${state}`); // expect: PS101
  analytics.identify("user-1", { email: "ann@example.com", age: 4.5 }); // sends: identify  expect: PS203
  analytics.group("acme", { name: "Acme" }); // sends: group
  analytics.page("Docs", "Pricing", { path: "/pricing" }); // sends: page "Pricing"
  trackEvent("Signed In", { method: "password" }); // sends: Signed In
  logCheckout({ order_id: orderId, currency: "GBP", total: 3 }); // sends: Order Completed
  tracking.orderCompleted({ order_id: orderId, currency: "USD", total: 9.5 }); // sends: Order Completed
  tracking.screenHome({ tab: true }, { userId: "u1" }); // sends: screen "Home"  expect: PS203
  // analytics.track("Commented Out")
  const text = 'analytics.track("Inside A String")';
  return (
    <button onClick={() => analytics.track(Event.ProductViewed, { product_id: orderId })}> {/* sends: Product Viewed */}
      {text}
    </button>
  );
}

function rest(): Record<string, unknown> {
  return {};
}
