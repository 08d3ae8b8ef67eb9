// Event names as an object of constants and an enum, used by Checkout.kt.
package com.shop

const val SIGNED_IN = "Signed In"

object Events {
    const val ORDER_COMPLETED = "Order Completed"
    const val SIGNED_IN_IOS = "Signed-In"
}

enum class Screen(val title: String) {
    HOME("Home"),
    SETTINGS("Settings"),
}
