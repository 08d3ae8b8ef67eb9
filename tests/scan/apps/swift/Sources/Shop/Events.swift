// Event names as an enum with raw values and static constants, used by Checkout.swift.
enum Event: String {
    case orderCompleted = "Order Completed"
    case signedIn = "Signed-In"
}

struct Names {
    static let productViewed = "Product Viewed"
}
