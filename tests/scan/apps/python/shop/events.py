"""Event names as constants and enums, imported by views.py."""

from enum import StrEnum

ORDER_COMPLETED = "Order Completed"
SIGNED_IN_IOS = "Signed-In"


class Event(StrEnum):
    PRODUCT_VIEWED = "Product Viewed"
    SIGNED_IN = "Signed In"
