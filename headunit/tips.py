"""Community tips and the conditions under which each one fits.

A tip is data: its text per language, its author, the votes it got, and a
``when`` table of conditions on the vehicle state and its context, such as
``{"soc_below": 20, "outside_temperature_below": 0, "moving": false}``.
Every condition of a tip must hold for the tip to fit; a condition on a
value that is missing or stale fails. ``matches`` is the plain reference
evaluation of one tip; ``headunit.tips_engine`` evaluates thousands of
tips at once and must agree with it.

Condition keys (numbers in VSS units: percent, celsius, km/h, km):

- ``powertrain``: list of "BEV", "PHEV", "ICE"; ``models``: list of
  "Make Model" names, compared without case.
- ``moving``, ``charging``: true or false.
- ``soc_below``/``soc_above``, ``outside_temperature_below``/``_above``,
  ``speed_below``/``speed_above``, ``odometer_below``/``_above``: strict
  comparisons with the current value.
- ``ownership_days_below``/``_above``: days since the delivery date in the
  settings; fails while no delivery date is set.
- ``dtc_any``: codes from ``Vehicle.OBD.DTCList``, one of which must be
  present; a code ending in ``*`` matches every code it begins, as "P0AA*".
- ``near``: ``{"latitude", "longitude", "radius_km"}`` around a point.
- ``hours``: ``[from, to]`` local hours, the end excluded; ``[22, 6]``
  wraps past midnight. ``months``: list of month numbers, 1 to 12.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from headunit import content
from headunit.content import ContentError
from headunit.geo import distance_km
from headunit.state import Snapshot
from vehicle import vss

logger = logging.getLogger(__name__)

#: Maximum text length kept per part of a tip, in characters.
MAX_TITLE_CHARS = 40
MAX_SUMMARY_CHARS = 80
MAX_BODY_CHARS = 600
MAX_AUTHOR_CHARS = 40
#: Largest radius of a ``near`` condition, in km; also bounds the engine's grid.
MAX_NEAR_RADIUS_KM = 100.0

#: Author roles the platform assigns; any other role is shown as an owner.
AUTHOR_ROLES = ("club_president", "experienced_owner", "workshop", "owner", "editor")

#: Threshold conditions: key -> (VSS path or context value, comparison).
THRESHOLDS: dict[str, tuple[str, str]] = {
    "soc_below": (vss.SOC_DISPLAYED, "below"),
    "soc_above": (vss.SOC_DISPLAYED, "above"),
    "outside_temperature_below": (vss.OUTSIDE_TEMPERATURE, "below"),
    "outside_temperature_above": (vss.OUTSIDE_TEMPERATURE, "above"),
    "speed_below": (vss.SPEED, "below"),
    "speed_above": (vss.SPEED, "above"),
    "odometer_below": (vss.ODOMETER, "below"),
    "odometer_above": (vss.ODOMETER, "above"),
    "ownership_days_below": ("ownership_days", "below"),
    "ownership_days_above": ("ownership_days", "above"),
}
FLAGS = {"moving", "charging"}
#: Conditions that depend only on the car, decided once when tips load.
STATIC = {"powertrain", "models"}
KNOWN_CONDITIONS = (
    set(THRESHOLDS) | FLAGS | STATIC | {"dtc_any", "near", "hours", "months"}
)

#: How much each condition adds to a tip's fit: a tip about a trouble code
#: that is present fits better than one about driving in general.
FIT_WEIGHTS = {
    "dtc_any": 6.0,
    "near": 3.0,
    "models": 2.0,
    "ownership_days_below": 2.0,
    "ownership_days_above": 2.0,
    "odometer_below": 1.5,
    "odometer_above": 1.5,
    "charging": 1.5,
    "soc_below": 1.5,
    "soc_above": 1.0,
    "outside_temperature_below": 1.5,
    "outside_temperature_above": 1.5,
    "speed_above": 1.0,
    "speed_below": 1.0,
    "hours": 1.0,
    "months": 1.0,
    "moving": 0.5,
    "powertrain": 0.5,
}


@dataclass(frozen=True)
class TipContext:
    """Context of the tips besides the vehicle state: the car and the local time."""

    make: str
    model: str
    powertrain: str
    delivery_date: date | None
    now: datetime

    @property
    def model_name(self) -> str:
        return f"{self.make} {self.model}"

    @property
    def ownership_days(self) -> int | None:
        if self.delivery_date is None:
            return None
        return (self.now.date() - self.delivery_date).days


@dataclass(frozen=True)
class Tip:
    """One piece of community advice with its text per language."""

    id: str
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    when: dict[str, Any]
    author_name: str
    author_role: str
    #: Helpful votes on all of the author's tips, as the platform counts them.
    author_helpful: int
    helpful: int
    not_helpful: int
    no_longer_true: int
    published: date
    updated_at: datetime
    topics: tuple[str, ...] = ()
    specificity: int = field(init=False)

    def __post_init__(self) -> None:
        # A tip with more conditions describes the situation more closely.
        object.__setattr__(self, "specificity", len(self.when))

    def text(self, part: str, language: str) -> str:
        """Return ``part`` (title, summary or body) in ``language``, else English."""
        return content.pick_language(getattr(self, part), language)


def parse_tip(item: dict[str, Any]) -> Tip:
    """Build a tip from one content item; raise ``ContentError`` naming the field."""
    tip_id = content.required_str(item, "id")
    when = parse_conditions(item.get("when", {}))
    author = item.get("author") or {}
    if not isinstance(author, dict):
        raise ContentError("author: expected an object")
    role = author.get("role", "owner")
    votes = item.get("votes") or {}
    if not isinstance(votes, dict):
        raise ContentError("votes: expected an object")
    topics = item.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise ContentError("topics: expected a list of names")
    return Tip(
        id=tip_id,
        title=content.localized(item.get("title"), MAX_TITLE_CHARS, "title"),
        summary=content.localized(item.get("summary"), MAX_SUMMARY_CHARS, "summary"),
        body=content.localized(item.get("body"), MAX_BODY_CHARS, "body"),
        when=when,
        author_name=content.plain_text(
            author.get("name"), MAX_AUTHOR_CHARS, "author.name"
        ),
        author_role=role if role in AUTHOR_ROLES else "owner",
        author_helpful=int(content.number(author, "helpful", 0, 1e9, default=0)),
        helpful=int(content.number(votes, "helpful", 0, 1e9, default=0)),
        not_helpful=int(content.number(votes, "not_helpful", 0, 1e9, default=0)),
        no_longer_true=int(content.number(votes, "no_longer_true", 0, 1e9, default=0)),
        published=content.calendar_date(item, "published"),
        updated_at=content.timestamp(item, "updated_at"),
        topics=tuple(topics[:8]),
    )


def parse_conditions(when: Any) -> dict[str, Any]:
    """Check a ``when`` table and return it with values in canonical form."""
    if not isinstance(when, dict):
        raise ContentError("when: expected an object")
    checked: dict[str, Any] = {}
    for key, value in when.items():
        if key not in KNOWN_CONDITIONS:
            raise ContentError(f"when: unknown condition {key!r}")
        checked[key] = _parse_condition(key, value)
    return checked


def _parse_condition(key: str, value: Any) -> Any:
    if key in THRESHOLDS:
        return content.number({key: value}, key, -1e7, 1e7)
    if key in FLAGS:
        if not isinstance(value, bool):
            raise ContentError(f"when.{key}: expected true or false")
        return value
    if key in ("powertrain", "models", "dtc_any"):
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise ContentError(f"when.{key}: expected a list of names")
        if key == "models":
            return tuple(v.strip().casefold() for v in value)
        return tuple(v.strip().upper() for v in value)
    if key == "near":
        if not isinstance(value, dict):
            raise ContentError("when.near: expected latitude, longitude and radius_km")
        return (
            content.number(value, "latitude", -90, 90),
            content.number(value, "longitude", -180, 180),
            content.number(value, "radius_km", 0.01, MAX_NEAR_RADIUS_KM),
        )
    if key == "hours":
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(h, int) and 0 <= h <= 24 for h in value)
            or value[0] == value[1]
        ):
            raise ContentError("when.hours: expected [from, to] in whole hours 0..24")
        return (value[0] % 24, value[1] % 24)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(m, int) and 1 <= m <= 12 for m in value)
    ):
        raise ContentError("when.months: expected a list of months 1..12")
    return tuple(sorted(set(value)))


def load_tips(source: content.ContentSource) -> list[Tip]:
    """Read and check every tip of a content source; a malformed one is skipped."""
    return content.parse_items("tips", source.items("tips"), parse_tip)


def fits_car(tip: Tip, context: TipContext) -> bool:
    """Return whether the tip's conditions on the car itself (powertrain, model) are met."""
    powertrains = tip.when.get("powertrain")
    if powertrains is not None and context.powertrain.upper() not in powertrains:
        return False
    models = tip.when.get("models")
    if models is not None and context.model_name.casefold() not in models:
        return False
    return True


def state_value(name: str, snapshot: Snapshot, context: TipContext) -> Any:
    """Return the value a threshold condition compares, or None if unknown."""
    if name == "ownership_days":
        return context.ownership_days
    value = snapshot.value(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if math.isnan(value):
        return None
    return value


def present_dtcs(snapshot: Snapshot) -> set[str]:
    """Return the trouble codes present, upper-case; none if the list is unknown."""
    codes = snapshot.value(vss.DTC_LIST)
    if not isinstance(codes, (list, tuple, set, frozenset)):
        return set()
    return {code.strip().upper() for code in codes if isinstance(code, str)}


def dtc_matches(patterns: tuple[str, ...], codes: set[str]) -> bool:
    for pattern in patterns:
        if pattern.endswith("*"):
            if any(code.startswith(pattern[:-1]) for code in codes):
                return True
        elif pattern in codes:
            return True
    return False


def hour_in(window: tuple[int, int], hour: int) -> bool:
    start, end = window
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def matches(tip: Tip, snapshot: Snapshot, context: TipContext) -> bool:
    """Return whether every condition of ``tip`` is met; one on a missing value fails.

    This is the reference evaluation, one tip and one condition at a time.
    """
    if not fits_car(tip, context):
        return False
    for key, expected in tip.when.items():
        if key in STATIC:
            continue
        if key in THRESHOLDS:
            name, comparison = THRESHOLDS[key]
            value = state_value(name, snapshot, context)
            if value is None:
                return False
            if comparison == "below" and not value < expected:
                return False
            if comparison == "above" and not value > expected:
                return False
        elif key == "moving":
            if snapshot.moving != expected:
                return False
        elif key == "charging":
            charging = snapshot.value(vss.IS_CHARGING)
            if not isinstance(charging, bool) or charging != expected:
                return False
        elif key == "dtc_any":
            if not dtc_matches(expected, present_dtcs(snapshot)):
                return False
        elif key == "near":
            position = position_of(snapshot)
            if position is None:
                return False
            latitude, longitude, radius_km = expected
            if distance_km(position[0], position[1], latitude, longitude) > radius_km:
                return False
        elif key == "hours":
            if not hour_in(expected, context.now.hour):
                return False
        elif key == "months":
            if context.now.month not in expected:
                return False
    return True


def position_of(snapshot: Snapshot) -> tuple[float, float] | None:
    """Return the car's (latitude, longitude), or None without a current fix."""
    latitude = snapshot.value(vss.LATITUDE)
    longitude = snapshot.value(vss.LONGITUDE)
    if not isinstance(latitude, (int, float)) or not isinstance(
        longitude, (int, float)
    ):
        return None
    if isinstance(latitude, bool) or isinstance(longitude, bool):
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return float(latitude), float(longitude)
