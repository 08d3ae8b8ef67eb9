// Every call form the scan understands, in Kotlin with analytics-kotlin.
package com.shop

import com.segment.analytics.kotlin.core.Analytics
import com.shop.Events.ORDER_COMPLETED
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put

class Checkout(private val analytics: Analytics) {
    private val viewed = "Product Viewed"

    fun trackEvent(name: String, properties: Map<String, Any>) {
        analytics.track(name, properties) // a declared wrapper's body
    }

    fun done(orderId: String, state: String) {
        analytics.track("Order Completed", buildJsonObject { put("order_id", orderId); put("currency", "EUR"); put("total", 3.5) }) // sends: Order Completed
        analytics.track(ORDER_COMPLETED, buildJsonObject { put("order_id", orderId); put("currency", "Euro"); put("total", 1) }) // sends: Order Completed  expect: PS204
        analytics.track(name = Events.ORDER_COMPLETED, properties = mapOf("order_id" to orderId, "currency" to "USD", "total" to "1")) // sends: Order Completed  expect: PS203
        analytics.track(SIGNED_IN, buildJsonObject { put("method", "sso") }) // sends: Signed In
        analytics.track(Events.SIGNED_IN_IOS) // sends: Signed In  expect: PS103
        analytics.track("Order Completed", mapOf("order_id" to orderId, "total" to 2.0)) // sends: Order Completed  expect: PS205
        analytics.track("Order Completed", buildJsonObject { put("order_id", orderId); put("currency", "EUR"); put("total", 2); put("giftWrap", true) }) // sends: Order Completed  expect: PS201
        analytics.track("Checkout $state") // expect: PS101
        analytics.track("Cart Abandoned") // sends: Cart Abandoned  expect: PS102
        analytics.identify("user-1", buildJsonObject { put("email", "ann@example.com"); put("age", 30) }) // sends: identify
        analytics.group("acme", buildJsonObject { put("Name", "Acme") }) // sends: group  expect: PS202
        analytics.screen(Screen.HOME.title, buildJsonObject { put("tab", "cart") }) // sends: screen "Home"
        trackEvent(viewed, mapOf("product_id" to "p1")) // sends: Product Viewed
        logCheckout(mapOf("order_id" to orderId, "currency" to "GBP", "total" to 3)) // sends: Order Completed
        // analytics.track("Commented Out")
        val text = "analytics.track(\"Inside A String\")"
        println(text)
    }

    fun logCheckout(properties: Map<String, Any>) {
        analytics.track(ORDER_COMPLETED, properties) // sends: Order Completed
    }
}
