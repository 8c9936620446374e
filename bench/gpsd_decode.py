"""Benchmark: decoding gpsd JSON reports, against json.loads of the same lines.

    .venv/bin/python bench/gpsd_decode.py

Reads gpsd's expected output for the public NMEA recordings (the
``*.log.chk`` files under ``$HEADUNIT_SHARED_DATA/nmea``), repeats their
JSON lines to about 50,000 reports, and times ``GpsdDecoder.decode``
against plain ``json.loads`` in the same run. The last line is the
decoder's speed as a multiple of the baseline's.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vehicle.gpsd_reports import GpsdDecoder  # noqa: E402

REPORTS = 50_000


def load_lines() -> list[str]:
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    folder = Path(os.environ.get("HEADUNIT_SHARED_DATA", default)) / "nmea"
    lines = [
        line
        for path in sorted(folder.glob("*.log.chk"))
        for line in path.read_text().splitlines()
        if line.startswith("{")
    ]
    if not lines:
        sys.exit(f"no gpsd check files in {folder}: set HEADUNIT_SHARED_DATA")
    return (lines * (REPORTS // len(lines) + 1))[:REPORTS]


def best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    lines = load_lines()

    def baseline() -> None:
        for line in lines:
            json.loads(line)

    def decode() -> None:
        decoder = GpsdDecoder()
        for line in lines:
            decoder.decode(line, 0.0)

    baseline_s = best_of(5, baseline)
    decode_s = best_of(5, decode)
    print(f"reports: {len(lines)}")
    print(f"json.loads: {len(lines) / baseline_s:,.0f} reports/s")
    print(f"GpsdDecoder.decode: {len(lines) / decode_s:,.0f} reports/s")
    print(f"decoder speed relative to json.loads: {baseline_s / decode_s:.2f}x")


if __name__ == "__main__":
    main()
