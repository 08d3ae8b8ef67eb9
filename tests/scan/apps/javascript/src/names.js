// Event names for the server, as a frozen object.
export const EVENTS = Object.freeze({ ORDER: "Order Completed" });
export const SIGNED_IN = "Signed In";
export default { viewed: "Product Viewed" };
