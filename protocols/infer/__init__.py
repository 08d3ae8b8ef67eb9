"""``protocols infer``: draft a plan from sample message logs (streamed, memory bounded)."""

from protocols.infer.draft import Collector, Draft, draft_from, infer_plan
from protocols.infer.reader import BrokenLine, Message, read_messages

__all__ = ["BrokenLine", "Collector", "Draft", "Message", "draft_from", "infer_plan",
           "read_messages"]
