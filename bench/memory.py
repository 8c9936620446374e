"""Resident memory after 10 simulated hours against after 10 minutes.

The demo head unit runs with its UI loaded offscreen and its frame timer
running. The simulated demo car feeds it at a high time scale, so ten
hours of stop-and-go driving (several hundred recorded trips, because a
20 s standstill ends a trip) pass in a few minutes.
Resident set size is read from /proc at 10 simulated minutes and again at
10 simulated hours.

    .venv/bin/python bench/memory.py

The last line is the ratio of the two.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

from headunit.app import HeadUnit  # noqa: E402
from ui import app as ui_app  # noqa: E402
from vehicle.simulator import DemoCar  # noqa: E402

#: Simulated seconds per real second; the simulator sends as fast as the
#: bus and decoder take frames when it cannot keep this pace.
TIME_SCALE = 2000.0
EARLY_S = 10 * 60
LATE_S = 10 * 3600
#: A trip ends after this much standstill, so each drive cycle is one trip.
PARKED_TIMEOUT_S = 20.0


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("VmRSS missing from /proc/self/status")


def main() -> None:
    app = QGuiApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as scratch:
        headunit = HeadUnit.demo(
            Path(scratch) / "bench.db", time_scale=TIME_SCALE,
            parked_timeout_s=PARKED_TIMEOUT_S,
        )
        car = DemoCar(headunit.decoder)
        frames_per_cycle = sum(1 for _ in car.frames(0.0))
        seconds_per_frame = car.duration_s / frames_per_cycle
        ui = ui_app.load_ui(headunit, size=(1280, 720))
        assert ui is not None
        headunit.start()
        samples: dict[str, tuple[int, float]] = {}
        started = time.perf_counter()

        def check() -> None:
            simulator = headunit._simulator
            simulated_s = simulator.frames_sent * seconds_per_frame if simulator else 0
            for name, mark in (("early", EARLY_S), ("late", LATE_S)):
                if name not in samples and simulated_s >= mark:
                    gc.collect()
                    samples[name] = (rss_kib(), time.perf_counter() - started)
                    print(f"after {mark / 3600:5.2f} simulated h: "
                          f"RSS {samples[name][0] / 1024:.1f} MiB, "
                          f"{samples[name][1]:.0f} s real, "
                          f"{len(headunit.trip_log.recent(1000))} trips", flush=True)
            if "late" in samples:
                app.quit()

        timer = QTimer()
        timer.timeout.connect(check)
        timer.start(200)
        app.exec()
        ui.close()
        headunit.stop()
    early, late = samples["early"][0], samples["late"][0]
    print(f"RSS after 10 simulated hours / after 10 minutes: {late / early:.3f}x")


if __name__ == "__main__":
    main()
