// Event names as constants and an enum, used by Checkout.java.
package com.shop;

public final class Events {
  public static final String ORDER_COMPLETED = "Order Completed";
  public static final String SIGNED_IN = "Signed In";

  public enum Page {
    PRICING("Pricing"),
    DOCS("Docs");

    private final String title;

    Page(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }
}
