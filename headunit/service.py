"""Owners' experience with a trouble code on the same model.

When a DTC appears in ``Vehicle.OBD.DTCList``, the head unit shows what
other owners of the model found: the usual cause, the fix, what they paid,
warnings about bad service, and rated workshops nearby. While the car
moves only a one-line notice is returned; the whole report waits until it
is parked. Experiences and workshops are community content (kinds
``dtc_experiences`` and ``workshops``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from headunit import content
from headunit.content import ContentError
from headunit.geo import distance_km
from headunit.restrictions import restrictions_for, shorten
from headunit.state import Snapshot
from headunit.tips import position_of, present_dtcs

logger = logging.getLogger(__name__)

MAX_NAME_CHARS = 60
MAX_TEXT_CHARS = 400
MAX_WARNINGS = 5
#: Workshops shown with one report, nearest first.
MAX_WORKSHOPS = 3
#: Workshops farther from the car than this are not offered, in km.
WORKSHOP_RADIUS_KM = 50.0

# Short enough for the moving text limit (restrictions.MAX_MOVING_TEXT_CHARS)
# up to 9999 reports, so the advice to park is never cut off.
_NOTICE = {
    "zh": "{code}：{reports}位车主经验，停车后看",
    "en": "{code}: {reports} owner reports. Park to read",
}
_NOTICE_MANY = {
    "zh": "{count}个故障码有车主经验，停车后看",
    "en": "{count} codes have owner reports. Park to read",
}


@dataclass(frozen=True)
class Workshop:
    id: str
    name: dict[str, str]
    address: dict[str, str]
    latitude: float
    longitude: float
    #: Mean owner rating, 0 to 5 stars.
    rating: float
    ratings: int
    specialties: tuple[str, ...]


@dataclass(frozen=True)
class DtcExperience:
    """Owners' reports on one trouble code of one or more models."""

    id: str
    dtc: str
    #: Model names compared without case; empty means any model.
    models: tuple[str, ...]
    title: dict[str, str]
    cause: dict[str, str]
    fix: dict[str, str]
    #: Amounts owners paid, in ``currency``: lowest, median and highest reported.
    cost_low: float
    cost_median: float
    cost_high: float
    currency: str
    reports: int
    warnings: tuple[dict[str, str], ...]
    workshop_ids: tuple[str, ...]
    updated_at: datetime


@dataclass(frozen=True)
class WorkshopRow:
    workshop_id: str
    name: str
    address: str
    #: None without a position fix.
    distance_km: float | None
    rating: float
    ratings: int
    #: Owners reporting on this code recommended this workshop.
    recommended: bool


@dataclass(frozen=True)
class ServiceReport:
    """The whole experience for one code, shown while parked."""

    dtc: str
    title: str
    cause: str
    fix: str
    cost_low: float
    cost_median: float
    cost_high: float
    currency: str
    reports: int
    warnings: tuple[str, ...]
    workshops: tuple[WorkshopRow, ...]


@dataclass(frozen=True)
class ServiceView:
    """The service screen's content now: always a notice, reports only when parked."""

    moving: bool
    codes: tuple[str, ...]
    notice: str
    reports: tuple[ServiceReport, ...]


def parse_workshop(item: dict[str, Any]) -> Workshop:
    specialties = item.get("specialties", [])
    if not isinstance(specialties, list) or not all(
        isinstance(s, str) for s in specialties
    ):
        raise ContentError("specialties: expected a list of names")
    return Workshop(
        id=content.required_str(item, "id"),
        name=content.localized(item.get("name"), MAX_NAME_CHARS, "name"),
        address=content.localized(item.get("address"), MAX_NAME_CHARS * 2, "address"),
        latitude=content.number(item, "latitude", -90, 90),
        longitude=content.number(item, "longitude", -180, 180),
        rating=content.number(item, "rating", 0, 5),
        ratings=int(content.number(item, "ratings", 0, 1e7)),
        specialties=tuple(specialties[:8]),
    )


def parse_experience(item: dict[str, Any]) -> DtcExperience:
    cost = item.get("cost")
    if not isinstance(cost, dict):
        raise ContentError("cost: expected low, median, high and currency")
    low = content.number(cost, "low", 0, 1e7)
    median = content.number(cost, "median", 0, 1e7)
    high = content.number(cost, "high", 0, 1e7)
    if not low <= median <= high:
        raise ContentError("cost: expected low <= median <= high")
    models = item.get("models", [])
    warnings = item.get("warnings", [])
    workshops = item.get("workshop_ids", [])
    for key, value in (
        ("models", models),
        ("warnings", warnings),
        ("workshop_ids", workshops),
    ):
        if not isinstance(value, list):
            raise ContentError(f"{key}: expected a list")
    return DtcExperience(
        id=content.required_str(item, "id"),
        dtc=content.required_str(item, "dtc", 8).upper(),
        models=tuple(str(model).strip().casefold() for model in models),
        title=content.localized(item.get("title"), MAX_NAME_CHARS, "title"),
        cause=content.localized(item.get("cause"), MAX_TEXT_CHARS, "cause"),
        fix=content.localized(item.get("fix"), MAX_TEXT_CHARS, "fix"),
        cost_low=low,
        cost_median=median,
        cost_high=high,
        currency=content.required_str(cost, "currency", 3),
        reports=int(content.number(item, "reports", 0, 1e7)),
        warnings=tuple(
            content.localized(text, MAX_TEXT_CHARS, f"warnings[{index}]")
            for index, text in enumerate(warnings[:MAX_WARNINGS])
        ),
        workshop_ids=tuple(str(w) for w in workshops),
        updated_at=content.timestamp(item, "updated_at"),
    )


class ServiceAdvisor:
    """Owners' experience with trouble codes, for the model of this car."""

    def __init__(self, source: content.ContentSource, model_name: str) -> None:
        self.source = source
        self.model_name = model_name.casefold()
        self.reload()

    def reload(self) -> None:
        """Read experiences and workshops again, as after a content pull."""
        experiences = content.parse_items(
            "dtc_experiences", self.source.items("dtc_experiences"), parse_experience
        )
        workshops = content.parse_items(
            "workshops", self.source.items("workshops"), parse_workshop
        )
        self.workshops = {workshop.id: workshop for workshop in workshops}
        self.experiences: dict[str, DtcExperience] = {}
        # An experience of this model wins over one that applies to any model.
        for experience in sorted(experiences, key=lambda e: not e.models):
            if experience.models and self.model_name not in experience.models:
                continue
            self.experiences.setdefault(experience.dtc, experience)

    def view(self, snapshot: Snapshot, language: str) -> ServiceView | None:
        """Return the notice, and while parked the reports, for the codes present.

        None when no present code has owners' experience for this model.
        """
        codes = sorted(
            code for code in present_dtcs(snapshot) if code in self.experiences
        )
        if not codes:
            return None
        moving = snapshot.moving
        limit = restrictions_for(moving, language).max_text_chars
        notice = shorten(self._notice(codes, language), limit)
        if moving:
            return ServiceView(True, tuple(codes), notice, ())
        position = position_of(snapshot)
        reports = tuple(self.report(code, position, language) for code in codes)
        return ServiceView(False, tuple(codes), notice, reports)

    def report(
        self, code: str, position: tuple[float, float] | None, language: str
    ) -> ServiceReport:
        """Return the whole report for ``code``; ``KeyError`` if there is none."""
        experience = self.experiences[code.upper()]
        return ServiceReport(
            dtc=experience.dtc,
            title=content.pick_language(experience.title, language),
            cause=content.pick_language(experience.cause, language),
            fix=content.pick_language(experience.fix, language),
            cost_low=experience.cost_low,
            cost_median=experience.cost_median,
            cost_high=experience.cost_high,
            currency=experience.currency,
            reports=experience.reports,
            warnings=tuple(
                content.pick_language(w, language) for w in experience.warnings
            ),
            workshops=self._workshops(experience, position, language),
        )

    def _notice(self, codes: list[str], language: str) -> str:
        templates = _NOTICE if len(codes) == 1 else _NOTICE_MANY
        template = templates.get(language[:2], templates["en"])
        return template.format(
            code=codes[0], reports=self.experiences[codes[0]].reports, count=len(codes)
        )

    def _workshops(
        self,
        experience: DtcExperience,
        position: tuple[float, float] | None,
        language: str,
    ) -> tuple[WorkshopRow, ...]:
        rows = []
        for workshop in self.workshops.values():
            recommended = workshop.id in experience.workshop_ids
            distance = None
            if position is not None:
                distance = distance_km(
                    position[0], position[1], workshop.latitude, workshop.longitude
                )
                if distance > WORKSHOP_RADIUS_KM:
                    continue
            elif not recommended:
                continue
            rows.append(
                WorkshopRow(
                    workshop.id,
                    content.pick_language(workshop.name, language),
                    content.pick_language(workshop.address, language),
                    distance,
                    workshop.rating,
                    workshop.ratings,
                    recommended,
                )
            )
        # Recommended first, then the nearest, then the best rated.
        rows.sort(
            key=lambda row: (
                not row.recommended,
                row.distance_km if row.distance_km is not None else 0.0,
                -row.rating,
            )
        )
        return tuple(rows[:MAX_WORKSHOPS])
