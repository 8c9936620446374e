"""Power-loss harness: SIGKILL the recording process at random points of a drive.

A replayed drive (the demo car's stop-and-go cycle, repeated, either
without its parked phases as one endless drive or whole as a trip per
lap) is fed through the real recorder and store in a child
process forked from this one, many times faster than real time. The
parent kills the child with SIGKILL after a random delay and checks the
database with ``PRAGMA integrity_check``. It measures how many seconds
of fed input are missing from the stored samples. Then it starts the
next child a few simulated seconds later, as a head unit that restarts
while the car drives on. After the last kill a final child parks the car so the trip
closes.
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
from vehicle.simulator import STOP_AND_GO, Phase, phase_at, speed_at

START_T = 1_750_000_000.0
UPDATE_STEP_S = 0.1


class Drive:
    """A cycle repeated without end, with the odometer as the integral of speed."""

    def __init__(self, cycle: tuple[Phase, ...]) -> None:
        self.cycle = cycle
        self.cycle_s = sum(phase.duration_s for phase in cycle)
        steps = round(self.cycle_s / UPDATE_STEP_S)
        self._distance_km = [0.0]
        for step in range(steps):
            speed, _, _ = speed_at(cycle, step * UPDATE_STEP_S)
            self._distance_km.append(
                self._distance_km[-1] + speed / 3600 * UPDATE_STEP_S
            )

    def odometer_km(self, elapsed: float) -> float:
        laps, within = divmod(elapsed, self.cycle_s)
        index = min(round(within / UPDATE_STEP_S), len(self._distance_km) - 1)
        return 20_000.0 + laps * self._distance_km[-1] + self._distance_km[index]


#: The demo cycle without its parked phases: one drive that never ends.
ONE_DRIVE = Drive(tuple(phase for phase in STOP_AND_GO if phase.gear != vss.GEAR_PARK))
#: The whole demo cycle: a trip per lap, each ending when the car is switched off.
MANY_TRIPS = Drive(STOP_AND_GO)
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
    #: Odometer distance of the whole replayed drive, restarts included.
    driven_km: float = 0.0

    @property
    def max_loss_s(self) -> float:
        return max(self.losses_s, default=0.0)

    @property
    def mean_loss_s(self) -> float:
        return sum(self.losses_s) / len(self.losses_s) if self.losses_s else 0.0


def drive_updates(drive: Drive, t: float) -> list[SignalUpdate]:
    """Return the signals of the replayed drive at simulated time ``t``."""
    elapsed = t - START_T
    within = elapsed % drive.cycle_s
    speed, gear, _ = speed_at(drive.cycle, within)
    return [
        SignalUpdate(vss.SPEED, speed, t),
        SignalUpdate(vss.BATTERY_POWER, 2_000.0 + speed * 150.0, t),
        SignalUpdate(vss.ODOMETER, drive.odometer_km(elapsed), t),
        SignalUpdate(vss.LATITUDE, 48.0 + elapsed * 1e-5, t),
        SignalUpdate(vss.LONGITUDE, 11.0, t),
        SignalUpdate(vss.SELECTED_GEAR, gear, t),
        SignalUpdate(vss.LOW_VOLTAGE_SYSTEM_STATE,
                     phase_at(drive.cycle, within).power_state, t),
    ]


def run_child(db_path: str, drive: Drive, start_t: float, end_t: float, pace: float,
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
                            settings=TripSettings(parked_timeout_s=30))
    recorder.adopt_open_trips(log.open_trips())
    state.add_observer(recorder.on_updates)
    wall_start = time.monotonic()
    t = start_t
    while t < end_t:
        delay = wall_start + (t - start_t) / pace - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        fed.value = t
        state.update(drive_updates(drive, t))
        t += UPDATE_STEP_S
    parked_until = t + park_s
    while t < parked_until:
        state.update([SignalUpdate(vss.SPEED, 0.0, t),
                      SignalUpdate(vss.SELECTED_GEAR, vss.GEAR_PARK, t),
                      SignalUpdate(vss.LOW_VOLTAGE_SYSTEM_STATE, "ON", t)])
        t += UPDATE_STEP_S
    recorder.finish("end of input")
    store.close()


def run_kills(db_path: Path, kills: int, seed: int = 1, drive: Drive = ONE_DRIVE,
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
            target=run_child,
            args=(str(db_path), drive, position, float("inf"), pace, fed),
        )
        child.start()
        time.sleep(rng.uniform(0.02, max_delay_s))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        report.kills += 1
        if db_path.exists() and _integrity(db_path) != "ok":
            report.integrity_failures += 1
        if fed.value > 0:
            # Input this child fed that no stored sample of the open trip
            # covers. Samples older than the child's first input belong to
            # earlier runs. With no open trip the car was parked and no
            # sample was due.
            recording, last = _open_trip_last_sample(db_path)
            if recording:
                covered = position if last is None else max(last, position)
                report.losses_s.append(max(fed.value - covered, 0.0))
            position = fed.value + RESTART_GAP_S
    # The last run parks the car, so the trip closes in order.
    fed = context.Value("d", -1.0, lock=False)
    final = context.Process(
        target=run_child,
        args=(str(db_path), drive, position, position + 30, 1e9, fed, 90.0),
    )
    final.start()
    final.join()
    report.wall_s = time.monotonic() - started
    report.driven_km = drive.odometer_km(position + 30 - START_T) - drive.odometer_km(0)
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


def _open_trip_last_sample(db_path: Path) -> tuple[bool, float | None]:
    """Return whether a trip is recording, and the time of its last sample."""
    connection = sqlite3.connect(db_path, timeout=10)
    try:
        row = connection.execute(
            "select count(*), max(s.t) from trips left join samples s "
            "on s.trip_id = trips.id where trips.status = 'recording'"
        ).fetchone()
    except sqlite3.OperationalError:
        return False, None  # killed before the schema existed
    finally:
        connection.close()
    return row[0] > 0, row[1]
