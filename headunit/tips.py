"""Community tips that fit the car's situation right now.

Tips are data: each carries its text in several languages and a ``when``
table of conditions on the vehicle state. The bundled starter content is
read from ``assets``; a malformed tip is skipped with one log line and the
others are kept.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from headunit.state import Snapshot
from vehicle import vss

logger = logging.getLogger(__name__)

#: Condition keys a tip may use, each tested against a snapshot.
KNOWN_CONDITIONS = {
    "powertrain",
    "moving",
    "soc_below",
    "outside_temperature_below",
    "speed_above",
}


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
    helpful: int
    published: date
    specificity: int = field(init=False)

    def __post_init__(self) -> None:
        # A tip with more conditions describes the situation more closely.
        object.__setattr__(self, "specificity", len(self.when))

    def text(self, part: str, language: str) -> str:
        """Return ``part`` (title, summary or body) in ``language``, else English."""
        texts: dict[str, str] = getattr(self, part)
        return texts.get(language[:2]) or texts.get("en") or next(iter(texts.values()))


def load_tips(path: Path) -> list[Tip]:
    """Read tips from a JSON file, skipping malformed entries with a warning each."""
    document = json.loads(path.read_text(encoding="utf-8"))
    tips = []
    for index, item in enumerate(document.get("tips", [])):
        try:
            tips.append(_parse_tip(item))
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("skipped tip %d in %s: %s", index, path, error)
    return tips


def _parse_tip(item: dict[str, Any]) -> Tip:
    when = dict(item.get("when", {}))
    unknown = set(when) - KNOWN_CONDITIONS
    if unknown:
        raise ValueError(f"unknown condition {sorted(unknown)[0]!r}")
    for part in ("title", "summary", "body"):
        if not isinstance(item[part], dict) or not item[part]:
            raise ValueError(f"{part} must map languages to text")
    author = item.get("author", {})
    return Tip(
        id=str(item["id"]),
        title=item["title"],
        summary=item["summary"],
        body=item["body"],
        when=when,
        author_name=str(author.get("name", "")),
        author_role=str(author.get("role", "owner")),
        helpful=int(item.get("helpful", 0)),
        published=date.fromisoformat(item["published"]),
    )


def matches(tip: Tip, snapshot: Snapshot, powertrain: str) -> bool:
    """Whether every condition of ``tip`` holds; a condition on a missing value fails."""
    for key, expected in tip.when.items():
        if key == "powertrain":
            if powertrain not in expected:
                return False
        elif key == "moving":
            if snapshot.moving != bool(expected):
                return False
        elif key == "soc_below":
            soc = snapshot.value(vss.SOC_DISPLAYED)
            if soc is None or soc >= expected:
                return False
        elif key == "outside_temperature_below":
            temperature = snapshot.value(vss.OUTSIDE_TEMPERATURE)
            if temperature is None or temperature >= expected:
                return False
        elif key == "speed_above":
            speed = snapshot.value(vss.SPEED)
            if speed is None or speed <= expected:
                return False
    return True


def best_tip(tips: list[Tip], snapshot: Snapshot, powertrain: str) -> Tip | None:
    """Return the matching tip that fits most closely, then the most helpful."""
    candidates = [tip for tip in tips if matches(tip, snapshot, powertrain)]
    if not candidates:
        return None
    return max(candidates, key=lambda tip: (tip.specificity, tip.helpful, tip.published))
