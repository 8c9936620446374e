"""Latency from a CAN frame on the bus to the QML speed label changing.

A head unit reads the demo profile's bus on a python-can virtual channel,
with the real UI loaded offscreen and its frame timer running. A sender
thread puts a speed frame with a new value on the bus ten times a second
and notes the time. The speed label's textChanged signal then notes when
the value reached QML. This is measured on an idle bus and again with the bus
at full load: about 4,500 frames/s of the profile's other messages and of
IDs the profile does not use, as a busy powertrain bus carries.

    .venv/bin/python bench/can_latency.py

The last line is the 95th percentile at full load against the 50 ms budget.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import can  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

import assets  # noqa: E402
from headunit.app import HeadUnit, InputConfig  # noqa: E402
from ui import app as ui_app  # noqa: E402
from vehicle.cansource import BusOverride  # noqa: E402

CHANNEL = "bench-latency"
PHASE_S = 8.0
PROBE_INTERVAL_S = 0.1
LOAD_FRAMES_PER_S = 4500
BUDGET_MS = 50.0


class Sender(threading.Thread):
    """Sends the probe frames, and the load frames when ``load`` is set."""

    def __init__(self, headunit: HeadUnit, probes: dict[str, float], load: bool):
        super().__init__(name="bench-sender", daemon=True)
        self.probes = probes
        self.load = load
        self.stop_event = threading.Event()
        self.frames_sent = 0
        self.probes_sent = 0
        database = headunit.decoder.dbcs["powertrain"].database
        self.status = database.get_message_by_name("VCU_Status")
        self.fillers = [
            (message, message.encode(
                {signal.name: _mid_value(signal) for signal in message.signals}
            ))
            for message in database.messages
            if message.name != "VCU_Status"
        ]

    def run(self) -> None:
        with can.Bus(interface="virtual", channel=CHANNEL) as bus:
            next_probe = time.perf_counter()
            speed = 20
            batch_s = 0.01
            per_batch = int(LOAD_FRAMES_PER_S * batch_s)
            next_batch = time.perf_counter()
            filler = 0
            while not self.stop_event.is_set():
                now = time.perf_counter()
                if now >= next_probe:
                    speed = 20 + (speed - 19) % 60
                    values = {sig.name: _mid_value(sig) for sig in self.status.signals}
                    values.update(VehicleSpeed=speed, GearSelected=3)
                    data = self.status.encode(values, strict=False)
                    self.probes[str(speed)] = time.perf_counter()
                    bus.send(can.Message(arbitration_id=self.status.frame_id, data=data,
                                         is_extended_id=False))
                    self.frames_sent += 1
                    self.probes_sent += 1
                    next_probe += PROBE_INTERVAL_S
                if self.load and now >= next_batch:
                    for _ in range(per_batch):
                        if filler % 3 == 0:
                            # An ID the profile does not map, dropped by the filter.
                            bus.send(can.Message(arbitration_id=0x700 + filler % 64,
                                                 data=bytes(8), is_extended_id=False))
                        else:
                            message, data = self.fillers[filler % len(self.fillers)]
                            bus.send(can.Message(arbitration_id=message.frame_id,
                                                 data=data, is_extended_id=False))
                        filler += 1
                    self.frames_sent += per_batch
                    next_batch += batch_s
                time.sleep(0.001)


def _mid_value(signal) -> float:
    low = signal.minimum if signal.minimum is not None else 0
    high = signal.maximum if signal.maximum is not None else low
    return (low + high) / 2


def measure(app, ui, headunit: HeadUnit, load: bool) -> tuple[list[float], int, float]:
    """Run one phase; return latencies in ms, missed probes and frames/s sent."""
    probes: dict[str, float] = {}
    latencies: list[float] = []
    seen: set[str] = set()
    label = _find(ui.window.contentItem(), "speedLabel")

    def on_text() -> None:
        text = label.property("text")
        sent = probes.get(text)
        if sent is not None and text not in seen:
            seen.add(text)
            latencies.append((time.perf_counter() - sent) * 1000)
            # Each value is used again later; forget it once measured.
            del probes[text]
            seen.discard(text)

    label.textChanged.connect(on_text)
    sender = Sender(headunit, probes, load)
    started = time.perf_counter()
    sender.start()
    QTimer.singleShot(int(PHASE_S * 1000), app.quit)
    app.exec()
    sender.stop_event.set()
    sender.join()
    elapsed = time.perf_counter() - started
    label.textChanged.disconnect(on_text)
    # The last probe may still be on its way when the phase ends.
    missed = max(sender.probes_sent - len(latencies) - 1, 0)
    return latencies, missed, sender.frames_sent / elapsed


def _find(root, name):
    stack = [root]
    while stack:
        item = stack.pop()
        if item.objectName() == name:
            return item
        stack.extend(item.childItems())
    raise LookupError(name)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    app = QGuiApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as scratch:
        headunit = HeadUnit(
            assets.DEMO_PROFILE,
            Path(scratch) / "bench.db",
            inputs=InputConfig(kind="bus", bus_override=BusOverride("virtual", CHANNEL)),
        )
        headunit.start()
        ui = ui_app.load_ui(headunit, size=(1280, 720))
        assert ui is not None
        try:
            results = {}
            for name, load in (("idle bus", False), ("full load", True)):
                latencies, missed, rate = measure(app, ui, headunit, load)
                # A probe overtaken by the next one never showed: it counts as
                # at least one probe interval late.
                results[name] = latencies + [PROBE_INTERVAL_S * 1000] * missed
                print(
                    f"{name}: {rate:,.0f} frames/s sent, {len(latencies)} probes, "
                    f"{missed} overtaken; latency median "
                    f"{statistics.median(results[name]):.1f} ms, "
                    f"p95 {percentile(results[name], 0.95):.1f} ms, "
                    f"max {max(latencies):.1f} ms"
                )
        finally:
            ui.close()
            headunit.stop()
    idle = percentile(results["idle bus"], 0.95)
    loaded = percentile(results["full load"], 0.95)
    print(f"p95 full load / idle bus: {loaded / idle:.2f}x")
    print(f"p95 at full load / {BUDGET_MS:.0f} ms budget: {loaded / BUDGET_MS:.2f}x")


if __name__ == "__main__":
    main()
