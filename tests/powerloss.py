"""Power-loss harness: SIGKILL the recording process at random points of a drive.

A replayed drive (the demo car's stop-and-go cycle without its final
park, repeated) is fed through the real recorder and store in a child
process forked from this one, many times faster than real time. The
parent kills the child with SIGKILL after a random delay and checks the
database with ``PRAGMA integrity_check``. It measures how many seconds
of fed input are missing from the stored samples. Then it starts the
next child a few simulated seconds later, as a head unit that restarts
while the car drives on. After the last kill a final child parks the car so the trip
closes. The drive must come out as one trip with an ``app_not_running``
gap per restart.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from headunit.recorder import TripRecorder
from headunit.state import VehicleState
from headunit.tripconfig import TripSettings
from sync.store import Store
from sync.triplog import TripLog
from tests.conftest import DEMO_PROFILE
from vehicle import vss
from vehicle.profile import load_profile
from vehicle.signals import SignalUpdate
from vehicle.simulator import STOP_AND_GO, speed_at

#: The cycle without its parked phases, so it repeats as one drive.
DRIVE_CYCLE = tuple(phase for phase in STOP_AND_GO if phase.gear != vss.GEAR_PARK)
CYCLE_S = sum(phase.duration_s for phase in DRIVE_CYCLE)
START_T = 1_750_000_000.0
UPDATE_STEP_S = 0.1
#: Simulated seconds the car drives on while the app restarts.
RESTART_GAP_S = 2.0
#: Simulated seconds per wall-clock second in a child.
DEFAULT_PACE = 100.0


@dataclass
class KillReport:
    """Figures of one harness run."""

    kills: int = 0
    integrity_failures: int = 0
    losses_s: list[float] = field(default_factory=list)
    trips: list[dict] = field(default_factory=list)
    gaps: int = 0
    wall_s: float = 0.0

    @property
    def max_loss_s(self) -> float:
        return max(self.losses_s, default=0.0)

    @property
    def mean_loss_s(self) -> float:
        return sum(self.losses_s) / len(self.losses_s) if self.losses_s else 0.0


def drive_updates(t: float) -> list[SignalUpdate]:
    """Return the signals of the replayed drive at simulated time ``t``."""
    elapsed = t - START_T
    speed, _, _ = speed_at(DRIVE_CYCLE, elapsed % CYCLE_S)
    odometer = 20_000.0 + elapsed * 0.011  # about 40 km/h on average
    return [
        SignalUpdate(vss.SPEED, speed, t),
        SignalUpdate(vss.BATTERY_POWER, 2_000.0 + speed * 150.0, t),
        SignalUpdate(vss.ODOMETER, odometer, t),
        SignalUpdate(vss.LATITUDE, 48.0 + elapsed * 1e-5, t),
        SignalUpdate(vss.LONGITUDE, 11.0, t),
        SignalUpdate(vss.LOW_VOLTAGE_SYSTEM_STATE, "ON", t),
    ]


def run_child(db_path: str, start_t: float, end_t: float, pace: float,
              fed, park_s: float = 0.0) -> None:
    """Record the drive from ``start_t`` to ``end_t``; ``fed`` tracks the input.

    ``fed.value`` is set to a batch's time before the batch is fed, so
    after a kill it bounds what the recorder may have seen.
    """
    profile = load_profile(DEMO_PROFILE)
    store = Store(db_path)
    log = TripLog(store)
    state = VehicleState()
    recorder = TripRecorder(state, log, profile,
                            settings=TripSettings(parked_timeout_s=60))
    recorder.adopt_open_trips(log.open_trips())
    state.add_observer(recorder.on_updates)
    wall_start = time.monotonic()
    t = start_t
    while t < end_t:
        delay = wall_start + (t - start_t) / pace - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        fed.value = t
        state.update(drive_updates(t))
        t += UPDATE_STEP_S
    parked_until = t + park_s
    while t < parked_until:
        state.update([SignalUpdate(vss.SPEED, 0.0, t),
                      SignalUpdate(vss.LOW_VOLTAGE_SYSTEM_STATE, "ON", t)])
        t += UPDATE_STEP_S
    recorder.finish("end of input")
    store.close()


def run_kills(db_path: Path, kills: int, seed: int = 1,
              pace: float = DEFAULT_PACE, max_delay_s: float = 0.25) -> KillReport:
    """Kill ``kills`` recording children at random moments; return the figures."""
    context = multiprocessing.get_context("fork")
    rng = random.Random(seed)
    report = KillReport()
    started = time.monotonic()
    position = START_T
    for _ in range(kills):
        fed = context.Value("d", -1.0, lock=False)
        child = context.Process(
            target=run_child, args=(str(db_path), position, float("inf"), pace, fed)
        )
        child.start()
        time.sleep(rng.uniform(0.02, max_delay_s))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        report.kills += 1
        if db_path.exists() and _integrity(db_path) != "ok":
            report.integrity_failures += 1
        if fed.value > 0:
            # Input this child fed that no stored sample covers. Samples
            # older than the child's first input belong to earlier runs.
            last = _last_sample_t(db_path)
            covered = position if last is None else max(last, position)
            report.losses_s.append(max(fed.value - covered, 0.0))
            position = fed.value + RESTART_GAP_S
    # The last run parks the car, so the trip closes in order.
    fed = context.Value("d", -1.0, lock=False)
    final = context.Process(
        target=run_child,
        args=(str(db_path), position, position + 30, 1e9, fed, 90.0),
    )
    final.start()
    final.join()
    report.wall_s = time.monotonic() - started
    with sqlite3.connect(db_path) as connection:
        connection.row_factory = sqlite3.Row
        report.trips = [dict(row) for row in connection.execute(
            "select * from trips order by started_at")]
        report.gaps = connection.execute("select count(*) from gaps").fetchone()[0]
    if _integrity(db_path) != "ok":
        report.integrity_failures += 1
    return report


def _integrity(db_path: Path) -> str:
    connection = sqlite3.connect(db_path, timeout=10)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def _last_sample_t(db_path: Path) -> float | None:
    connection = sqlite3.connect(db_path, timeout=10)
    try:
        return connection.execute("select max(t) from samples").fetchone()[0]
    except sqlite3.OperationalError:
        return None  # killed before the schema existed
    finally:
        connection.close()
