"""Driving restrictions: what the UI may show while the car moves.

Every number of the policy lives here, so screens ask this module instead
of carrying their own limits. The rules follow Android Automotive's UX
restrictions: while moving there is no keyboard, no video, no scrolling
content, and string length, list length and navigation depth are limited.
They also follow NHTSA's visual-manual driver distraction guidelines, with
tasks done in glances of about two seconds and large targets and text at
all times.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Minimum touch target edge, in dp, at all times (Android for Cars sizing).
MIN_TOUCH_TARGET_DP = 76
#: Minimum body text size, in dp, at all times.
MIN_BODY_TEXT_DP = 24
#: Minimum contrast ratio of text against its background (WCAG 2 level AA).
MIN_TEXT_CONTRAST = 4.5
#: Maximum length of community text shown while moving, in characters.
#: Chinese carries more meaning per character, so it gets fewer.
MAX_MOVING_TEXT_CHARS = {"zh": 20, "en": 40}
#: Most list rows shown while moving.
MAX_MOVING_LIST_ITEMS = 3
#: Deepest navigation level at any time: the shell is level 1, a screen
#: level 2, a section opened from a screen level 3.
MAX_NAVIGATION_DEPTH = 3
#: Deepest navigation level while moving: a screen of the shell, no deeper.
MAX_MOVING_NAVIGATION_DEPTH = 2

#: Screens of the shell, in the order of the navigation rail.
SCREENS = ("drive", "trips", "community", "settings")


@dataclass(frozen=True)
class Restrictions:
    """Permissions and limits of the current driving state."""

    moving: bool
    max_text_chars: int | None
    max_list_items: int | None
    max_navigation_depth: int
    allow_text_entry: bool
    allow_video: bool
    allow_scrolling: bool
    #: Lists of community text (tips, comments) may be read.
    allow_community_list: bool
    #: Settings may be changed; while moving they are shown but locked.
    allow_settings_changes: bool
    #: Charts and drawn tracks of recorded data may be shown. Reading a
    #: curve takes longer than a glance, so they are hidden while moving.
    allow_charts: bool = True
    #: Tasks of several steps on a recorded trip: rating, tags, purpose,
    #: export to USB.
    allow_trip_actions: bool = True
    #: One-tap feedback on the drive screen's tip card: helpful, not
    #: helpful and "Later". Each is a single tap on a large target with no
    #: follow-up step, so it stays allowed while moving.
    allow_tip_card_actions: bool = True

    @property
    def allow_keyboard(self) -> bool:
        """An on-screen keyboard may open; the same rule as text entry."""
        return self.allow_text_entry


def restrictions_for(moving: bool, language: str = "zh") -> Restrictions:
    """Return the restrictions in force for the driving state and UI language."""
    if not moving:
        return Restrictions(
            moving=False,
            max_text_chars=None,
            max_list_items=None,
            max_navigation_depth=MAX_NAVIGATION_DEPTH,
            allow_text_entry=True,
            allow_video=True,
            allow_scrolling=True,
            allow_community_list=True,
            allow_settings_changes=True,
        )
    limit = MAX_MOVING_TEXT_CHARS.get(language[:2], MAX_MOVING_TEXT_CHARS["en"])
    return Restrictions(
        moving=True,
        max_text_chars=limit,
        max_list_items=MAX_MOVING_LIST_ITEMS,
        max_navigation_depth=MAX_MOVING_NAVIGATION_DEPTH,
        allow_text_entry=False,
        allow_video=False,
        allow_scrolling=False,
        allow_community_list=False,
        allow_settings_changes=False,
        allow_charts=False,
        allow_trip_actions=False,
        allow_tip_card_actions=True,
    )


def shorten(text: str, limit: int | None) -> str:
    """Cut ``text`` to ``limit`` characters with an ellipsis; None keeps it whole."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def limit_rows(rows: list, restrictions: Restrictions) -> list:
    """Return the rows a list may show: all while parked, a few while moving."""
    if restrictions.max_list_items is None:
        return list(rows)
    return list(rows[: restrictions.max_list_items])
