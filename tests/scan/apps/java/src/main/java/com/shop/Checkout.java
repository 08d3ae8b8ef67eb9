// Every call form the scan understands, in Java with analytics-java.
package com.shop;

import static com.shop.Events.SIGNED_IN;

import com.google.common.collect.ImmutableMap;
import com.segment.analytics.Analytics;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.TrackMessage;
import java.util.Map;

public class Checkout {
  private static final String VIEWED = "Product-Viewed";
  private final Analytics analytics;

  Checkout(Analytics analytics) {
    this.analytics = analytics;
  }

  void trackEvent(String name, Map<String, Object> properties) {
    analytics.enqueue(TrackMessage.builder(name).userId("u1").properties(properties)); // a declared wrapper's body
  }

  void done(String orderId, String state) {
    analytics.enqueue(TrackMessage.builder("Order Completed").userId("u1") // sends: Order Completed
        .properties(ImmutableMap.of("order_id", orderId, "currency", "EUR", "total", 3.5)));
    analytics.enqueue(TrackMessage.builder(Events.ORDER_COMPLETED).userId("u1") // sends: Order Completed
        .properties(Map.of("order_id", orderId, "currency", "CHF", "total", 1))); // expect: PS204
    analytics.enqueue(TrackMessage.builder(SIGNED_IN).userId("u1").properties(Map.of("method", "sso"))); // sends: Signed In
    analytics.enqueue(TrackMessage.builder(VIEWED).userId("u1").properties(Map.of("product_id", "p1"))); // sends: Product Viewed  expect: PS103
    analytics.enqueue(TrackMessage.builder("Order Completed").userId("u1").properties(Map.of("order_id", orderId, "currency", "EUR"))); // sends: Order Completed  expect: PS205
    analytics.enqueue(TrackMessage.builder("Order " + state).userId("u1")); // expect: PS101
    analytics.enqueue(TrackMessage.builder("Order Refunded").userId("u1")); // sends: Order Refunded  expect: PS102
    analytics.enqueue(IdentifyMessage.builder().userId("u1") // sends: identify
        .traits(ImmutableMap.<String, Object>builder().put("email", "ann@example.com").put("age", 3.5).build())); // expect: PS203
    analytics.enqueue(GroupMessage.builder("acme").userId("u1").traits(Map.of("name", "Acme"))); // sends: group
    analytics.enqueue(PageMessage.builder(Events.Page.PRICING.title()).userId("u1")); // sends: page "Pricing"
    trackEvent("Product Viewed", Map.of("product_id", "p2", "price", 9.99)); // sends: Product Viewed
    // analytics.enqueue(TrackMessage.builder("Commented Out"));
    String text = "TrackMessage.builder(\"Inside A String\")";
    System.out.println(text);
  }
}
