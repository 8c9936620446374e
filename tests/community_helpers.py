"""Builders shared by the community tests: snapshots, tips, a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from headunit.state import Reading, Snapshot
from headunit.tips import Tip, parse_tip
from vehicle import vss

CHINA = timezone(timedelta(hours=8))
#: A Thursday morning in December, in the demo city's time zone.
NOW = datetime(2026, 12, 10, 9, 30, tzinfo=CHINA)
#: Near West Lake, Hangzhou.
WEST_LAKE = (30.2500, 120.1500)


def snapshot(moving: bool = False, **values: Any) -> Snapshot:
    """Return a snapshot with current values given by short names."""
    names = {
        "speed": vss.SPEED,
        "soc": vss.SOC_DISPLAYED,
        "temperature": vss.OUTSIDE_TEMPERATURE,
        "odometer": vss.ODOMETER,
        "charging": vss.IS_CHARGING,
        "dtcs": vss.DTC_LIST,
        "latitude": vss.LATITUDE,
        "longitude": vss.LONGITUDE,
    }
    readings = {}
    for version, (name, value) in enumerate(values.items(), start=1):
        if value is not None:
            readings[names[name]] = Reading(value, 100.0, version)
    return Snapshot(readings, set(), 100.0, moving, len(readings))


def make_tip(tip_id: str, when: dict[str, Any], helpful: int = 10, **extra: Any) -> Tip:
    """Return a parsed tip with short bilingual text and the given conditions."""
    item = {
        "id": tip_id,
        "updated_at": "2026-11-01T09:00:00+08:00",
        "published": "2026-11-01",
        "title": {"zh": f"提示{tip_id}", "en": f"Tip {tip_id}"},
        "summary": {"zh": "短句", "en": "Short line"},
        "body": {
            "zh": "这是一条完整的提示正文，停车时才会显示全部内容。" * 2,
            "en": "The whole tip, shown only while parked. " * 3,
        },
        "when": when,
        "author": {"name": "测试车主", "role": "experienced_owner", "helpful": 5},
        "votes": {"helpful": helpful, "not_helpful": 1},
    }
    item.update(extra)
    return parse_tip(item)
