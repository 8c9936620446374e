"""Cost of the community screen's store in each display frame.

Run: .venv/bin/python bench/community_frame.py [--frames N]

A demo head unit drives north through Hangzhou at 60 km/h with a trouble
code present, one reading a display frame at 60 frames a second, while
the community screen shows its clubs section. Every kilometre or so the
section is built again, because the store rounds the position. Two frame pumps share the same UI: one updates every
store, community store included, and the baseline one updates every
store except it. They take turns frame by frame on the same snapshots.
The last line is the baseline's time as a ratio of the full pump's, so
1.00x means the community store costs nothing and 0.50x that it doubles
the frame's cost.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from PySide6.QtGui import QGuiApplication  # noqa: E402

from ui import app as ui_app  # noqa: E402
from ui import gallery  # noqa: E402
from vehicle import vss  # noqa: E402
from vehicle.signals import SignalUpdate  # noqa: E402

#: Start of the drive, near West Lake.
START = (30.25, 120.15)
#: Display frames a second, and how far north the car moves in one frame:
#: at 60 km/h, 0.28 m or about 2.5e-6 degrees of latitude.
FRAME_RATE = 60
STEP_DEG = 2.5e-6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=6000,
                        help="frames each pump updates (default 6000)")
    args = parser.parse_args()
    application = QGuiApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as scratch:
        scene = gallery.Scene(Path(scratch) / "bench.db")
        ui = ui_app.load_ui(scene.headunit, size=(1280, 720), language="en")
        if ui is None:
            print("the QML did not load")
            return 1
        ui.pump.stop()

        ui.shell.showScreen("community")
        ui.community.showTab("clubs")
        baseline = ui_app.FramePump(
            scene.headunit, ui.shell, ui.drive_store, ui.trip_model, ui.tip_model,
            account=ui.account,
        )

        full_s = baseline_s = 0.0
        t = scene.t
        for frame in range(args.frames * 2):
            t += 1 / FRAME_RATE
            latitude = START[0] + STEP_DEG * frame
            scene.headunit.state.update(
                [
                    SignalUpdate(vss.SPEED, 50.0 + frame % 7, t),
                    SignalUpdate(vss.SELECTED_GEAR, vss.GEAR_DRIVE, t),
                    SignalUpdate(vss.LATITUDE, latitude, t),
                    SignalUpdate(vss.LONGITUDE, START[1], t),
                    SignalUpdate(vss.DTC_LIST, ["P0A80"], t),
                ]
            )
            pump = ui.pump if frame % 2 == 0 else baseline
            started = time.perf_counter()
            pump.tick()
            elapsed = time.perf_counter() - started
            if pump is ui.pump:
                full_s += elapsed
            else:
                baseline_s += elapsed

        failures = dict(ui.pump.failure_counts)
        ui.close()
        scene.close()
    del application
    if failures:
        print(f"frame updates failed: {failures}")
        return 1
    print(f"frames per pump: {args.frames}")
    print(f"every store:            {full_s / args.frames * 1e6:8.1f} µs a frame")
    print(f"without community store: {baseline_s / args.frames * 1e6:8.1f} µs a frame")
    print(f"{baseline_s / full_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
