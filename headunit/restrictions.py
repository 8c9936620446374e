"""Driving restrictions: what the UI may show while the car moves.

Every number of the policy lives here, so screens ask this module instead
of carrying their own limits. The figures follow the spirit of Android
Automotive's UX restrictions (no keyboard, no video, limited strings and
list lengths while moving) and NHTSA's visual-manual guidelines (glances
of about two seconds, large targets).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Minimum touch target edge, in dp, at all times.
MIN_TOUCH_TARGET_DP = 76
#: Minimum body text size, in dp, at all times.
MIN_BODY_TEXT_DP = 24
#: Longest string of community text shown while moving, in characters.
#: Chinese carries more meaning per character, so it gets fewer.
MAX_MOVING_TEXT_CHARS = {"zh": 20, "en": 40}
#: Most list rows shown while moving.
MAX_MOVING_LIST_ITEMS = 3


@dataclass(frozen=True)
class Restrictions:
    """What the current driving state allows."""

    moving: bool
    max_text_chars: int | None
    max_list_items: int | None
    allow_text_entry: bool
    allow_video: bool
    allow_scrolling: bool


def restrictions_for(moving: bool, language: str = "zh") -> Restrictions:
    """Return the restrictions in force for the driving state and UI language."""
    if not moving:
        return Restrictions(False, None, None, True, True, True)
    limit = MAX_MOVING_TEXT_CHARS.get(language[:2], MAX_MOVING_TEXT_CHARS["en"])
    return Restrictions(True, limit, MAX_MOVING_LIST_ITEMS, False, False, False)


def shorten(text: str, limit: int | None) -> str:
    """Cut ``text`` to ``limit`` characters with an ellipsis; None keeps it whole."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"
