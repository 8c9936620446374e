"""The tips engine: which tips fit the vehicle state now, best first.

The UI requests the best tip on every display refresh while the state
changes many times a second, and the content may hold thousands of tips, so the engine does not
test each tip against each new state. When the tips load it:

- drops the tips whose powertrain or model conditions exclude this car;
- ranks the others once by a fixed score (how closely the conditions
  describe a situation, helpfulness votes, freshness) and gives each tip a
  bit in that order, the best tip the lowest bit;
- turns every condition key into a small table of bit masks: for
  ``soc_below`` the distinct thresholds are sorted, and the mask for the
  interval the current value falls in has the bits of every tip that
  condition lets through (tips without the key included).

A state is then reduced to a signature, the interval or set each key's
value falls in, found by bisection. The same signature gives the same
matches, so most changes (speed moving within one interval) cost only the
signature; a new signature costs one AND of a dozen integers. The best
tip is the lowest set bit of the result, minus the tips the owner's
feedback hides. ``headunit.tips.matches`` is the reference the engine must
agree with, and the tests check that on random states.
"""

from __future__ import annotations

import bisect
import logging
import math
import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Hashable, Iterable

from headunit import tips as tipdefs
from headunit.feedback import HELPFUL, NOT_HELPFUL, TipFeedback, TipFeedbackState
from headunit.geo import distance_km
from headunit.restrictions import restrictions_for, shorten
from headunit.state import Snapshot
from headunit.tips import Tip, TipContext
from vehicle import vss

logger = logging.getLogger(__name__)

#: Ranking weights: a close fit matters most, then helpfulness (0..1, the
#: Wilson lower bound of the helpful share), then freshness (0..1, halving
#: every FRESHNESS_HALF_LIFE_DAYS), less the share of "no longer true" reports.
HELPFULNESS_WEIGHT = 3.0
FRESHNESS_WEIGHT = 1.5
STALE_WEIGHT = 4.0
FRESHNESS_HALF_LIFE_DAYS = 180.0
#: z for a 95 % Wilson interval.
WILSON_Z = 1.96
#: Grid cell edge for finding ``near`` circles around the car, in degrees
#: (about 11 km of latitude): small enough that a cell meets few circles.
GRID_DEGREES = 0.1
#: Circles whose edge is closer than this to the car, in km, are checked
#: again as it moves. The farther ones cannot change side before the car
#: has covered that distance.
ANCHOR_BAND_KM = 3.0


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class CarInfo:
    """The car the tips are chosen for."""

    make: str
    model: str
    powertrain: str


@dataclass(frozen=True)
class TipCard:
    """The tip card as the drive screen shows it in the current driving state.

    While moving, ``text`` is the summary cut to the driving limit and
    ``full`` is False; while parked it is the whole tip.
    """

    tip_id: str
    title: str
    text: str
    full: bool
    author_name: str
    author_role: str
    author_helpful: int
    #: Helpful votes including the owner's own.
    helpful: int
    #: The owner's vote: "helpful", "not_helpful" or None.
    vote: str | None
    can_vote: bool
    can_save_for_later: bool
    can_report_no_longer_true: bool
    #: Tips saved with "Later", waiting to be read while parked.
    saved_count: int


def wilson_lower_bound(positive: int, negative: int, z: float = WILSON_Z) -> float:
    """Return the lower bound of the Wilson interval of the positive share."""
    total = positive + negative
    if total == 0:
        return 0.0
    share = positive / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt((share * (1 - share) + z * z / (4 * total)) / total)
    return (centre - spread) / (1 + z * z / total)


def static_score(tip: Tip, today: date) -> float:
    """Return the tip's rank score apart from the state: fit, helpfulness, freshness."""
    fit = sum(tipdefs.FIT_WEIGHTS.get(key, 1.0) for key in tip.when)
    helpfulness = wilson_lower_bound(tip.helpful, tip.not_helpful)
    newest = max(tip.published, tip.updated_at.date())
    age_days = max(0, (today - newest).days)
    freshness = 0.5 ** (age_days / FRESHNESS_HALF_LIFE_DAYS)
    stale = tip.no_longer_true / (tip.helpful + tip.no_longer_true + 1)
    return (
        fit
        + HELPFULNESS_WEIGHT * helpfulness
        + FRESHNESS_WEIGHT * freshness
        - STALE_WEIGHT * stale
    )


class TipsEngine:
    """Ranks the tips that fit the current state; safe to call from any thread."""

    def __init__(
        self,
        tips: Iterable[Tip],
        car: CarInfo,
        *,
        feedback: TipFeedback | None = None,
        delivery_date: date | None = None,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        self.car = car
        self.feedback = feedback
        self.delivery_date = delivery_date
        self.clock = clock
        self._lock = threading.Lock()
        self._tips = list(tips)
        self._built_on: date | None = None
        self._build(clock().date())

    # -- queries ---------------------------------------------------------

    def context(self, now: datetime | None = None) -> TipContext:
        """Return the context that conditions are evaluated in."""
        return TipContext(
            self.car.make,
            self.car.model,
            self.car.powertrain,
            self.delivery_date,
            now or self.clock(),
        )

    def ranked(self, snapshot: Snapshot, limit: int | None = None) -> list[Tip]:
        """Return the fitting tips not hidden by feedback, best first."""
        with self._lock:
            context = self.context()
            if context.now.date() != self._built_on:
                self._build(context.now.date())
            mask = self._match_mask(snapshot, context)
            mask &= ~self._hidden_mask(context.now.timestamp(), snapshot.moving)
            found: list[Tip] = []
            while mask and (limit is None or len(found) < limit):
                lowest = mask & -mask
                found.append(self._ranked[lowest.bit_length() - 1])
                mask ^= lowest
            return found

    def best(self, snapshot: Snapshot) -> Tip | None:
        """Return the tip that fits best now, or None."""
        found = self.ranked(snapshot, limit=1)
        return found[0] if found else None

    def card(self, snapshot: Snapshot, language: str) -> TipCard | None:
        """Return the drive screen's tip card for the current state, or None."""
        tip = self.best(snapshot)
        if tip is None:
            return None
        return self.card_for(tip, snapshot.moving, language)

    def card_for(self, tip: Tip, moving: bool, language: str) -> TipCard:
        """Return ``tip`` as a card within the limits of the driving state."""
        limit = restrictions_for(moving, language).max_text_chars
        part = "summary" if moving else "body"
        state = self.feedback.state(tip.id) if self.feedback else None
        vote = state.vote if state else None
        return TipCard(
            tip_id=tip.id,
            title=shorten(tip.text("title", language), limit),
            text=shorten(tip.text(part, language), limit),
            full=not moving,
            author_name=shorten(tip.author_name, limit),
            author_role=tip.author_role,
            author_helpful=tip.author_helpful,
            helpful=tip.helpful + (1 if vote == HELPFUL else 0),
            vote=vote,
            can_vote=vote is None,
            can_save_for_later=moving and not (state and state.later),
            can_report_no_longer_true=not moving
            and not (state and state.no_longer_true),
            saved_count=self.saved_count(),
        )

    def saved_for_later(self) -> list[Tip]:
        """Return the tips the owner kept with "Later", in rank order."""
        if self.feedback is None:
            return []
        states = self.feedback.states()
        with self._lock:
            return [
                tip
                for tip in self._ranked
                if (state := states.get(tip.id)) is not None and _saved(state)
            ]

    def saved_count(self) -> int:
        """Return the number of tips waiting in "Later", without ranking them."""
        if self.feedback is None:
            return 0
        return sum(
            1
            for tip_id, state in self.feedback.states().items()
            if tip_id in self._position and _saved(state)
        )

    def tip(self, tip_id: str) -> Tip | None:
        """Return a tip by id, whether or not it fits now."""
        with self._lock:
            index = self._position.get(tip_id)
            return None if index is None else self._ranked[index]

    @property
    def tip_count(self) -> int:
        """Number of tips that fit this car's powertrain and model."""
        return len(self._ranked)

    # -- changes ---------------------------------------------------------

    def replace_tips(self, tips: Iterable[Tip]) -> None:
        """Use a new set of tips, as after a content pull."""
        with self._lock:
            self._tips = list(tips)
            self._build(self.clock().date())

    def set_delivery_date(self, delivery_date: date | None) -> None:
        with self._lock:
            self.delivery_date = delivery_date

    # -- index -----------------------------------------------------------

    def _build(self, today: date) -> None:
        context = self.context()
        fitting = [tip for tip in self._tips if tipdefs.fits_car(tip, context)]
        fitting.sort(key=lambda tip: (-static_score(tip, today), tip.id))
        self._ranked = fitting
        self._position = {tip.id: index for index, tip in enumerate(fitting)}
        self._all = (1 << len(fitting)) - 1
        self._features = _build_features(fitting, self._all)
        self._built_on = today
        self._signature: tuple[Hashable, ...] | None = None
        self._signature_mask = 0
        self._hidden_version = -1
        self._hidden_expiry = math.inf
        self._hidden = 0
        self._hidden_moving = 0
        logger.debug("tips engine indexed %d of %d tips", len(fitting), len(self._tips))

    def _match_mask(self, snapshot: Snapshot, context: TipContext) -> int:
        signature = tuple(feature.key(snapshot, context) for feature in self._features)
        if signature != self._signature:
            mask = self._all
            for feature, key in zip(self._features, signature):
                mask &= feature.mask(key)
            self._signature = signature
            self._signature_mask = mask
        return self._signature_mask

    def _hidden_mask(self, now_s: float, moving: bool) -> int:
        if self.feedback is None:
            return 0
        if (
            self.feedback.version != self._hidden_version
            or now_s >= self._hidden_expiry
        ):
            self._hidden_version = self.feedback.version
            hidden = 0
            later = 0
            expiry = math.inf
            for tip_id, state in self.feedback.states().items():
                index = self._position.get(tip_id)
                if index is None:
                    continue
                until = state.hidden_until
                if until is not None and until > now_s:
                    hidden |= 1 << index
                    expiry = min(expiry, until)
                if state.later:
                    later |= 1 << index
            self._hidden = hidden
            self._hidden_moving = later
            self._hidden_expiry = expiry
        return self._hidden | (self._hidden_moving if moving else 0)


def _saved(state: TipFeedbackState) -> bool:
    return state.later and state.vote != NOT_HELPFUL and not state.no_longer_true


# -- features: one per condition key in use ------------------------------


class _ThresholdFeature:
    """A strict comparison with a number: masks per interval between thresholds."""

    def __init__(self, key: str, tips: list[Tip], all_bits: int) -> None:
        self.name, self.comparison = tipdefs.THRESHOLDS[key]
        by_threshold: dict[float, int] = {}
        constrained = 0
        for index, tip in enumerate(tips):
            if key in tip.when:
                bit = 1 << index
                by_threshold[tip.when[key]] = by_threshold.get(tip.when[key], 0) | bit
                constrained |= bit
        self.thresholds = sorted(by_threshold)
        self.unconstrained = all_bits & ~constrained
        bits = [by_threshold[t] for t in self.thresholds]
        count = len(bits)
        # masks[i] lets through the tips whose condition holds for a value
        # in interval i, as found by the bisection in key().
        self.masks = [self.unconstrained] * (count + 1)
        if self.comparison == "below":
            # value < t holds for the thresholds at and after bisect_right.
            running = self.unconstrained
            for i in range(count, -1, -1):
                if i < count:
                    running |= bits[i]
                self.masks[i] = running
        else:
            # value > t holds for the thresholds before bisect_left.
            running = self.unconstrained
            for i in range(count + 1):
                self.masks[i] = running
                if i < count:
                    running |= bits[i]

    def key(self, snapshot: Snapshot, context: TipContext) -> int:
        value = tipdefs.state_value(self.name, snapshot, context)
        if value is None:
            return -1
        if self.comparison == "below":
            return bisect.bisect_right(self.thresholds, value)
        return bisect.bisect_left(self.thresholds, value)

    def mask(self, key: int) -> int:
        return self.unconstrained if key < 0 else self.masks[key]


class _FlagFeature:
    def __init__(self, key: str, tips: list[Tip], all_bits: int) -> None:
        self.name = key
        on = off = 0
        for index, tip in enumerate(tips):
            if key in tip.when:
                if tip.when[key]:
                    on |= 1 << index
                else:
                    off |= 1 << index
        self.unconstrained = all_bits & ~(on | off)
        self.masks = {
            True: self.unconstrained | on,
            False: self.unconstrained | off,
            None: self.unconstrained,
        }

    def key(self, snapshot: Snapshot, context: TipContext) -> bool | None:
        if self.name == "moving":
            return snapshot.moving
        value = snapshot.value(vss.IS_CHARGING)
        return value if isinstance(value, bool) else None

    def mask(self, key: bool | None) -> int:
        return self.masks[key]


class _CalendarFeature:
    """Local hour of day (24 buckets) or month (12 buckets)."""

    def __init__(self, key: str, tips: list[Tip], all_bits: int) -> None:
        self.name = key
        buckets = range(24) if key == "hours" else range(1, 13)
        constrained = 0
        self.masks: dict[int, int] = {bucket: 0 for bucket in buckets}
        for index, tip in enumerate(tips):
            if key not in tip.when:
                continue
            constrained |= 1 << index
            for bucket in buckets:
                holds = (
                    tipdefs.hour_in(tip.when[key], bucket)
                    if key == "hours"
                    else bucket in tip.when[key]
                )
                if holds:
                    self.masks[bucket] |= 1 << index
        unconstrained = all_bits & ~constrained
        for bucket in self.masks:
            self.masks[bucket] |= unconstrained

    def key(self, snapshot: Snapshot, context: TipContext) -> int:
        return context.now.hour if self.name == "hours" else context.now.month

    def mask(self, key: int) -> int:
        return self.masks[key]


class _DtcFeature:
    """Trouble codes: a mask per exact code and per ``PREFIX*`` pattern."""

    def __init__(self, tips: list[Tip], all_bits: int) -> None:
        self.exact: dict[str, int] = {}
        self.prefixes: dict[str, int] = {}
        constrained = 0
        for index, tip in enumerate(tips):
            if "dtc_any" not in tip.when:
                continue
            bit = 1 << index
            constrained |= bit
            for pattern in tip.when["dtc_any"]:
                if pattern.endswith("*"):
                    self.prefixes[pattern[:-1]] = (
                        self.prefixes.get(pattern[:-1], 0) | bit
                    )
                else:
                    self.exact[pattern] = self.exact.get(pattern, 0) | bit
        self.prefix_lengths = sorted({len(prefix) for prefix in self.prefixes})
        self.unconstrained = all_bits & ~constrained

    def key(self, snapshot: Snapshot, context: TipContext) -> frozenset[str]:
        codes = snapshot.value(vss.DTC_LIST)
        if not codes:
            return frozenset()
        found = set()
        for code in tipdefs.present_dtcs(snapshot):
            if code in self.exact:
                found.add(code)
            for length in self.prefix_lengths:
                if code[:length] in self.prefixes:
                    found.add(code[:length] + "*")
        return frozenset(found)

    def mask(self, key: frozenset[str]) -> int:
        mask = self.unconstrained
        for name in key:
            if name.endswith("*"):
                mask |= self.prefixes[name[:-1]]
            else:
                mask |= self.exact[name]
        return mask


class _NearFeature:
    """``near`` circles, found around the car through a grid of whole degrees."""

    def __init__(self, tips: list[Tip], all_bits: int) -> None:
        circles: dict[tuple[float, float, float], int] = {}
        constrained = 0
        for index, tip in enumerate(tips):
            if "near" in tip.when:
                circle = tip.when["near"]
                circles[circle] = circles.get(circle, 0) | (1 << index)
                constrained |= 1 << index
        self.circles = list(circles.items())
        self.unconstrained = all_bits & ~constrained
        self._last: tuple[float, float] | None = None
        self._key: tuple[int, ...] = ()
        self._margin_km = 0.0
        self._anchor = (0.0, 0.0)
        self._anchor_margin_km = 0.0
        self._close: list[int] = []
        self._far_inside: tuple[int, ...] = ()
        self.grid: dict[tuple[int, int], list[int]] = {}
        for number, ((latitude, longitude, radius_km), _) in enumerate(self.circles):
            for cell in _cells_around(latitude, longitude, radius_km):
                self.grid.setdefault(cell, []).append(number)

    def key(self, snapshot: Snapshot, context: TipContext) -> tuple[int, ...]:
        position = tipdefs.position_of(snapshot)
        if position is None:
            return ()
        latitude, longitude = position
        # A circle can only be entered or left after the car moved at least
        # as far as it was from the circle's edge (triangle inequality), so
        # the set found at the last check stays valid while the car is within
        # the smallest such distance of where it was found.
        if self._last is not None:
            if distance_km(latitude, longitude, *self._last) < self._margin_km:
                return self._key
            from_anchor = distance_km(latitude, longitude, *self._anchor)
            if from_anchor < self._anchor_margin_km:
                # Circles far from the anchor keep their side: check the others.
                inside = set(self._far_inside)
                margin = self._anchor_margin_km - from_anchor
                for number in self._close:
                    margin = min(
                        margin, self._check(number, latitude, longitude, inside)
                    )
                return self._remember(position, inside, margin)
        self._rebuild_anchor(latitude, longitude)
        inside = set(self._far_inside)
        margin = self._anchor_margin_km
        for number in self._close:
            margin = min(margin, self._check(number, latitude, longitude, inside))
        return self._remember(position, inside, margin)

    def _check(
        self, number: int, latitude: float, longitude: float, inside: set[int]
    ) -> float:
        """Add circle ``number`` to ``inside`` if it contains the point; return the edge distance."""
        (lat, lon, radius_km), _ = self.circles[number]
        distance = distance_km(latitude, longitude, lat, lon)
        if distance <= radius_km:
            inside.add(number)
        return abs(distance - radius_km)

    def _rebuild_anchor(self, latitude: float, longitude: float) -> None:
        """Split the circles of the point's cell into close and far from their edges."""
        self._anchor = (latitude, longitude)
        self._close = []
        far_inside = []
        margin = _km_to_cell_edge(latitude, longitude)
        for number in self.grid.get(_cell_of(latitude, longitude), ()):
            (lat, lon, radius_km), _ = self.circles[number]
            distance = distance_km(latitude, longitude, lat, lon)
            edge = abs(distance - radius_km)
            if edge < ANCHOR_BAND_KM:
                self._close.append(number)
            else:
                margin = min(margin, edge)
                if distance <= radius_km:
                    far_inside.append(number)
        self._far_inside = tuple(far_inside)
        self._anchor_margin_km = margin

    def _remember(
        self, position: tuple[float, float], inside: set[int], margin: float
    ) -> tuple[int, ...]:
        self._last = position
        self._key = tuple(sorted(inside))
        # Shrunk a little so rounding in the distances cannot flip a side.
        self._margin_km = margin - 1e-6
        return self._key

    def mask(self, key: tuple[int, ...]) -> int:
        mask = self.unconstrained
        for number in key:
            mask |= self.circles[number][1]
        return mask


_LON_CELLS = int(round(360 / GRID_DEGREES))


def _cell_of(latitude: float, longitude: float) -> tuple[int, int]:
    return (
        math.floor(latitude / GRID_DEGREES),
        math.floor(longitude / GRID_DEGREES) % _LON_CELLS,
    )


def _km_to_cell_edge(latitude: float, longitude: float) -> float:
    """Return a lower bound of the distance to the edge of the point's cell, in km."""
    row, column = (
        math.floor(latitude / GRID_DEGREES),
        math.floor(longitude / GRID_DEGREES),
    )
    to_latitude_edge = min(
        latitude - row * GRID_DEGREES, (row + 1) * GRID_DEGREES - latitude
    )
    to_longitude_edge = min(
        longitude - column * GRID_DEGREES, (column + 1) * GRID_DEGREES - longitude
    )
    # A degree of longitude is shortest at the cell's edge nearer the pole.
    widest = max(abs(row * GRID_DEGREES), abs((row + 1) * GRID_DEGREES))
    cosine = math.cos(math.radians(min(widest, 90.0)))
    return min(
        to_latitude_edge * _KM_PER_DEGREE, to_longitude_edge * _KM_PER_DEGREE * cosine
    )


#: A lower bound of the km in a degree of latitude, so the grid errs wide.
_KM_PER_DEGREE = 110.0


def _cells_around(
    latitude: float, longitude: float, radius_km: float
) -> list[tuple[int, int]]:
    """Return every grid cell a circle may reach, with one cell to spare."""
    dlat = radius_km / _KM_PER_DEGREE
    low_row = math.floor((latitude - dlat) / GRID_DEGREES) - 1
    high_row = math.floor((latitude + dlat) / GRID_DEGREES) + 1
    widest = max(abs(latitude - dlat), abs(latitude + dlat))
    cosine = math.cos(math.radians(min(widest, 90.0)))
    if cosine < 0.01:
        columns = range(_LON_CELLS)
    else:
        dlon = radius_km / (_KM_PER_DEGREE * cosine)
        if dlon >= 180:
            columns = range(_LON_CELLS)
        else:
            first = math.floor((longitude - dlon) / GRID_DEGREES) - 1
            last = math.floor((longitude + dlon) / GRID_DEGREES) + 1
            columns = [column % _LON_CELLS for column in range(first, last + 1)]
    return [(row, column) for row in range(low_row, high_row + 1) for column in columns]


def _build_features(tips: list[Tip], all_bits: int) -> list[Any]:
    used = set()
    for tip in tips:
        used.update(tip.when)
    features: list[Any] = []
    for key in tipdefs.THRESHOLDS:
        if key in used:
            features.append(_ThresholdFeature(key, tips, all_bits))
    for key in sorted(tipdefs.FLAGS & used):
        features.append(_FlagFeature(key, tips, all_bits))
    for key in ("hours", "months"):
        if key in used:
            features.append(_CalendarFeature(key, tips, all_bits))
    if "dtc_any" in used:
        features.append(_DtcFeature(tips, all_bits))
    if "near" in used:
        features.append(_NearFeature(tips, all_bits))
    return features
