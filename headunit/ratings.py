"""The model's satisfaction index and a trip's consumption against other owners.

Both come from per-model figures (content kind ``model_stats``) that the
platform aggregates from owners' ratings and trip summaries. Until the
platform serves them, the bundled figures are shown. A trip's consumption is placed
among the owners' trips by interpolating between the published
percentiles, and said in plain words in Chinese and English.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from headunit import content
from headunit.content import ContentError
from sync.triplog import TripSummary

logger = logging.getLogger(__name__)

#: Percentiles a ``model_stats`` item must give for consumption.
PERCENTILES = (10, 25, 50, 75, 90)
#: Trips shorter than this are not compared, in km: a cold start or a
#: climb weighs too much on a short trip for the figure to mean anything.
MIN_COMPARED_KM = 3.0
#: Within this many percentile points of the median, a trip reads as typical.
TYPICAL_BAND = 10.0
UNITS = {"energy": "kWh/100 km", "fuel": "L/100 km"}


@dataclass(frozen=True)
class ModelStats:
    id: str
    #: "Make Model", compared without case.
    model: str
    #: Satisfaction index, 0 to 100.
    satisfaction: float
    ratings: int
    #: "energy" (kWh/100 km) or "fuel" (L/100 km).
    consumption_kind: str
    #: Consumption at each of PERCENTILES over ``trips`` owners' trips.
    percentiles: tuple[float, ...]
    trips: int
    updated_at: datetime


@dataclass(frozen=True)
class SatisfactionIndex:
    model: str
    score: float
    ratings: int
    updated_at: datetime


@dataclass(frozen=True)
class ConsumptionChart:
    """Data for a small chart: the owners' percentiles and this trip's mark."""

    unit: str
    #: (percentile, consumption) pairs, lowest percentile first.
    percentiles: tuple[tuple[int, float], ...]
    trip_value: float
    trip_percentile: float


@dataclass(frozen=True)
class ConsumptionComparison:
    """A trip's consumption among owners of the same model."""

    trip_id: str
    consumption: float
    unit: str
    #: Share of owners' trips that used less, in percent (0 to 100).
    percentile: float
    #: Owners' trips the percentiles are drawn from.
    trips: int
    #: The sentence in each language: {"zh": ..., "en": ...}.
    texts: dict[str, str]
    chart: ConsumptionChart

    def text(self, language: str) -> str:
        return content.pick_language(self.texts, language)


def parse_model_stats(item: dict[str, Any]) -> ModelStats:
    consumption = item.get("consumption")
    if not isinstance(consumption, dict):
        raise ContentError("consumption: expected kind, percentiles and trips")
    kind = consumption.get("kind")
    if kind not in UNITS:
        raise ContentError(f"consumption.kind: expected one of {sorted(UNITS)}")
    values = tuple(content.number(consumption, f"p{p}", 0.1, 200) for p in PERCENTILES)
    if any(later < earlier for earlier, later in zip(values, values[1:])):
        raise ContentError("consumption: percentiles must not decrease")
    return ModelStats(
        id=content.required_str(item, "id"),
        model=content.required_str(item, "model").casefold(),
        satisfaction=content.number(item, "satisfaction", 0, 100),
        ratings=int(content.number(item, "ratings", 0, 1e9)),
        consumption_kind=kind,
        percentiles=values,
        trips=int(content.number(consumption, "trips", 1, 1e9)),
        updated_at=content.timestamp(item, "updated_at"),
    )


class Ratings:
    """Per-model figures for this car's model."""

    def __init__(self, source: content.ContentSource, model_name: str) -> None:
        self.source = source
        self.model_name = model_name
        self.reload()

    def reload(self) -> None:
        items = content.parse_items(
            "model_stats", self.source.items("model_stats"), parse_model_stats
        )
        self.stats = next(
            (stats for stats in items if stats.model == self.model_name.casefold()),
            None,
        )

    def satisfaction(self) -> SatisfactionIndex | None:
        """Return the model's satisfaction index, or None if it has no figures."""
        if self.stats is None:
            return None
        return SatisfactionIndex(
            self.model_name,
            self.stats.satisfaction,
            self.stats.ratings,
            self.stats.updated_at,
        )

    def compare_trip(self, trip: TripSummary) -> ConsumptionComparison | None:
        """Place a closed trip's consumption among owners' trips of this model.

        None when the model has no figures, the trip is shorter than
        ``MIN_COMPARED_KM``, or its energy or fuel use is unknown.
        """
        stats = self.stats
        if stats is None:
            return None
        distance_km = trip.distance_m / 1000
        used = (
            trip.energy_used_kwh
            if stats.consumption_kind == "energy"
            else trip.fuel_used_l
        )
        if distance_km < MIN_COMPARED_KM or used is None or used <= 0:
            return None
        consumption = used / distance_km * 100
        percentile = percentile_of(consumption, stats.percentiles)
        unit = UNITS[stats.consumption_kind]
        texts = describe(consumption, percentile, unit, self.model_name)
        chart = ConsumptionChart(
            unit, tuple(zip(PERCENTILES, stats.percentiles)), consumption, percentile
        )
        return ConsumptionComparison(
            trip.id, consumption, unit, percentile, stats.trips, texts, chart
        )


def percentile_of(value: float, values: tuple[float, ...]) -> float:
    """Return the percentile rank of ``value`` between the known percentiles.

    Linear between neighbours; beyond the outer ones it is clamped to the
    range 0..10 and 90..100, halfway inside, since the tails are unknown.
    """
    if value <= values[0]:
        return PERCENTILES[0] / 2 if value < values[0] else float(PERCENTILES[0])
    if value >= values[-1]:
        return (
            (PERCENTILES[-1] + 100) / 2
            if value > values[-1]
            else float(PERCENTILES[-1])
        )
    index = bisect.bisect_right(values, value)
    low, high = values[index - 1], values[index]
    p_low, p_high = PERCENTILES[index - 1], PERCENTILES[index]
    if high == low:
        return float(p_high)
    return p_low + (value - low) / (high - low) * (p_high - p_low)


def describe(
    consumption: float, percentile: float, unit: str, model: str
) -> dict[str, str]:
    """Say in Chinese and English how the trip compares, in whole percent."""
    figure = f"{consumption:.1f} {unit}"
    if abs(percentile - 50) <= TYPICAL_BAND:
        return {
            "zh": f"本次 {figure}，和多数 {model} 车主的行程差不多。",
            "en": f"This trip used {figure}, about the same as most {model} owners' trips.",
        }
    if percentile < 50:
        share = round(100 - percentile)
        return {
            "zh": f"本次 {figure}，比约 {share}% 的 {model} 车主行程更省。",
            "en": f"This trip used {figure}, less than about {share}% of {model} owners' trips.",
        }
    share = round(percentile)
    return {
        "zh": f"本次 {figure}，比约 {share}% 的 {model} 车主行程用得多。",
        "en": f"This trip used {figure}, more than about {share}% of {model} owners' trips.",
    }
