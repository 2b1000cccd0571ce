"""What one delivery did: every event handler returns an Outcome, which the
delivery's DiscourseEvent records and the forum gets back in the answer."""
from typing import NamedTuple


class Outcome(NamedTuple):
    status: str  # paid, below_threshold, clawed_back, member_created, ignored, ...
    coins: int = 0  # moved by this delivery: positive paid, negative clawed back
    user_id: int | None = None  # the member concerned
    object_key: str = ""  # the cause, e.g. discourse:post:501
    detail: str = ""  # a line for the admin
