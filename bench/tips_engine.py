"""Cost of the tips engine per vehicle state change, with 10,000 tips.

Run: .venv/bin/python bench/tips_engine.py [--tips N] [--changes N]

A simulated drive gives a sequence of snapshots: speed changes on every
step, charge and temperature drift, the car moves through the demo city,
a trouble code appears, and there are stops and a charging session. The
engine picks the best tip for each snapshot. Two baselines run in the same process
on the same tips: a plain Python loop that visits every tip and evaluates
nothing, and the naive evaluation of every tip with ``tips.matches``.
The last line is the engine's cost as a ratio of the plain loop's.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from headunit.state import Reading, Snapshot  # noqa: E402
from headunit.tips import Tip, matches, parse_tip  # noqa: E402
from headunit.tips_engine import CarInfo, TipsEngine  # noqa: E402
from vehicle import vss  # noqa: E402

NOW = datetime(2026, 12, 10, 9, 30, tzinfo=timezone(timedelta(hours=8)))
CAR = CarInfo("Aurora", "E5", "BEV")
CODES = [f"P0{n:03X}" for n in range(0xA00, 0xA00 + 150)] + [
    f"U0{n:03d}" for n in range(100, 150)
]


def synthetic_tips(count: int, rng: random.Random) -> list[Tip]:
    """Return ``count`` tips with one to four conditions drawn like real ones."""
    makers = [
        ("powertrain", lambda: rng.choice([["BEV"], ["BEV", "PHEV"], ["ICE"]])),
        ("moving", lambda: rng.random() < 0.5),
        ("charging", lambda: rng.random() < 0.7),
        ("soc_below", lambda: rng.choice([5, 10, 15, 20, 25, 30, 40])),
        ("soc_above", lambda: rng.choice([50, 70, 80, 90])),
        ("outside_temperature_below", lambda: rng.choice([-10, -5, 0, 3, 5, 10])),
        ("outside_temperature_above", lambda: rng.choice([25, 30, 35])),
        ("speed_above", lambda: rng.choice([60, 80, 90, 100, 120])),
        ("speed_below", lambda: rng.choice([10, 30, 50])),
        ("odometer_above", lambda: rng.choice([1000, 10000, 20000, 50000])),
        ("ownership_days_below", lambda: rng.choice([7, 14, 30, 90])),
        ("dtc_any", lambda: rng.sample(CODES, rng.randint(1, 3))),
        (
            "near",
            lambda: {
                "latitude": 30.0 + rng.random() * 0.6,
                "longitude": 119.8 + rng.random() * 0.8,
                "radius_km": rng.choice([1, 3, 5, 10, 20]),
            },
        ),
        ("hours", lambda: rng.choice([[7, 10], [17, 20], [22, 6]])),
        ("months", lambda: rng.choice([[12, 1, 2], [6, 7, 8]])),
    ]
    tips = []
    for index in range(count):
        when = {}
        for key, make in rng.sample(makers, rng.randint(1, 4)):
            when[key] = make()
        tips.append(
            parse_tip(
                {
                    "id": f"bench-{index}",
                    "updated_at": "2026-11-01T09:00:00+08:00",
                    "published": f"2026-{rng.randint(1, 11):02d}-01",
                    "title": {"zh": "提示", "en": "Tip"},
                    "summary": {"zh": "摘要", "en": "Summary"},
                    "body": {"zh": "正文", "en": "Body"},
                    "when": when,
                    "author": {"name": "车主", "role": "owner"},
                    "votes": {
                        "helpful": rng.randint(0, 500),
                        "not_helpful": rng.randint(0, 50),
                    },
                }
            )
        )
    return tips


def drive(changes: int, rng: random.Random) -> list[Snapshot]:
    """Return the snapshots of a simulated drive, one per state change."""
    snapshots = []
    speed, soc, temperature = 0.0, 62.0, 2.0
    latitude, longitude = 30.25, 120.15
    for step in range(changes):
        phase = step % 600
        parked = phase < 60
        speed = 0.0 if parked else max(0.0, min(130.0, speed + rng.uniform(-3, 3.2)))
        soc = max(3.0, soc - 0.004)
        temperature += rng.uniform(-0.01, 0.01)
        latitude += speed * 2e-7
        longitude += speed * 3e-7
        values = {
            vss.SPEED: speed,
            vss.SOC_DISPLAYED: round(soc, 1),
            vss.OUTSIDE_TEMPERATURE: round(temperature, 1),
            vss.ODOMETER: 12000.0 + step * 0.01,
            vss.IS_CHARGING: step > changes * 0.9 and parked,
            vss.DTC_LIST: [CODES[7]] if step > changes // 2 else [],
            vss.LATITUDE: latitude,
            vss.LONGITUDE: longitude,
        }
        readings = {
            path: Reading(value, float(step), step) for path, value in values.items()
        }
        snapshots.append(Snapshot(readings, set(), float(step), not parked, step))
    return snapshots


def per_change_s(function, snapshots: list[Snapshot], repeats: int = 3) -> float:
    """Return the best mean time of ``function`` per snapshot over ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for snapshot in snapshots:
            function(snapshot)
        best = min(best, (time.perf_counter() - start) / len(snapshots))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tips", type=int, default=10_000, help="number of synthetic tips"
    )
    parser.add_argument(
        "--changes", type=int, default=5_000, help="state changes in the drive"
    )
    args = parser.parse_args()

    rng = random.Random(20261204)
    tips = synthetic_tips(args.tips, rng)
    snapshots = drive(args.changes, rng)

    start = time.perf_counter()
    engine = TipsEngine(
        tips, CAR, delivery_date=NOW.date() - timedelta(days=20), clock=lambda: NOW
    )
    build_s = time.perf_counter() - start
    context = engine.context(NOW)

    def plain_loop(snapshot: Snapshot) -> None:
        for tip in tips:
            pass

    def naive(snapshot: Snapshot) -> None:
        fitting = [tip for tip in tips if matches(tip, snapshot, context)]
        if fitting:
            max(fitting, key=lambda tip: (tip.specificity, tip.helpful))

    # Alternating between two states of different signatures makes every
    # call recompute the match mask: the engine's worst case.
    low, high = snapshots[args.changes // 2], snapshots[-1]
    alternating = [low if i % 2 else high for i in range(2_000)]

    engine_s = per_change_s(engine.best, snapshots)
    worst_s = per_change_s(engine.best, alternating)
    loop_s = per_change_s(plain_loop, snapshots[:500])
    naive_s = per_change_s(naive, snapshots[:: max(1, args.changes // 100)], repeats=1)

    print(
        f"tips: {len(tips)} ({engine.tip_count} fit the car), state changes: {len(snapshots)}"
    )
    print(f"engine index build: {build_s * 1000:.1f} ms")
    print(f"engine per change (drive):          {engine_s * 1e6:9.1f} us")
    print(f"engine per change (new signature):  {worst_s * 1e6:9.1f} us")
    print(f"plain loop over the tips:           {loop_s * 1e6:9.1f} us")
    print(f"naive evaluation of every tip:      {naive_s * 1e6:9.1f} us")
    print(
        f"engine / naive evaluation: {engine_s / naive_s:.4f}x (new signature {worst_s / naive_s:.4f}x)"
    )
    print(f"engine (new signature) / plain loop: {worst_s / loop_s:.3f}x")
    print(f"engine / plain loop: {engine_s / loop_s:.3f}x")


if __name__ == "__main__":
    main()
