// Event names as constants and an enum, imported by Checkout.tsx.
export const ORDER_COMPLETED = "Order Completed";
export const Names = { signedIn: "Signed In", signedInIos: "Signed-In" } as const;

export enum Event {
  ProductViewed = "Product Viewed",
}
