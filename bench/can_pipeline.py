"""Measure the CAN pipeline on real recordings against bare python-can.

    .venv/bin/python bench/can_pipeline.py [--data ../shared/data] [--load-seconds 10]

Throughput: each recording is replayed as fast as possible through the
log reader, the profile's decoder and ``VehicleState``, and compared with
a loop that only reads the same frames through ``can.LogReader``. The
ratio is bare time over pipeline time, so 1.00x means decoding costs
nothing. Each is the least CPU time of seven alternating runs.

CPU at full load: frames of the Kona Electric recording, retimed to 4,500
frames a second (a 500 kbit/s bus filled with 8-byte frames), replay in
real time through the whole head unit (decoder, vehicle state, trip
recorder, SQLite). The process's CPU time over the wall time is printed as
a share of one core; the goal is at most 0.10x.

The last line is the throughput ratio of the Genesis recording.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import can  # noqa: E402

from headunit.app import HeadUnit, InputConfig  # noqa: E402
from headunit.state import VehicleState  # noqa: E402
from vehicle.candecode import CanDecoder  # noqa: E402
from vehicle.cansource import replay_log  # noqa: E402
from vehicle.profile import load_profile  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PROFILES = REPO / "assets" / "profiles"
DEFAULT_DATA = Path(os.environ.get("HEADUNIT_SHARED_DATA", REPO.parent / "shared" / "data"))
#: 500 kbit/s filled with 8-byte standard frames of about 111 bits each
#: (with stuffing) gives about 4,500 frames a second.
FULL_LOAD_FRAMES_PER_S = 4500
RUNS = 7


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Return the least CPU time of ``runs`` calls to ``work``.

    CPU time of this process, not wall time, because the other processes
    of a busy build machine would otherwise decide the ratio.
    """
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def bare_read(log: Path) -> int:
    """Read every frame with python-can's own reader where it has one.

    python-can has no GVRET reader, so GVRET files go through this
    project's, which is what ``can.LogReader`` returns for them.
    """
    reader = can.io.CanutilsLogReader if log.suffix == ".log" else can.LogReader
    count = 0
    for _ in reader(log):
        count += 1
    return count


def pipeline(log: Path, profile: Path, dbc_dir: Path) -> Callable[[], object]:
    decoder = CanDecoder(load_profile(profile), (dbc_dir,))

    def work() -> object:
        state = VehicleState()
        return replay_log(log, decoder, state.update)

    return work


def throughput(name: str, log: Path, profile: Path, dbc_dir: Path) -> float:
    frames = bare_read(log)
    work = pipeline(log, profile, dbc_dir)
    bare = full = float("inf")
    # Alternate the two so that warm-up and clock changes hit both alike.
    for _ in range(RUNS):
        bare = min(bare, best_of(1, lambda: bare_read(log)))
        full = min(full, best_of(1, work))
    ratio = bare / full
    print(f"{name}: {frames} frames; bare read {frames / bare:,.0f} frames/s, "
          f"pipeline {frames / full:,.0f} frames/s, {full / frames * 1e6:.1f} µs a frame")
    print(f"{name}: pipeline speed against bare python-can read: {ratio:.2f}x")
    return ratio


def retimed_log(source: Path, folder: Path, seconds: float) -> Path:
    """Write the frames of ``source`` as a candump log at full-load pacing."""
    path = folder / "full-load.log"
    step = 1.0 / FULL_LOAD_FRAMES_PER_S
    frame_count = int(seconds * FULL_LOAD_FRAMES_PER_S)
    start = time.time()
    lines = []
    frames = list(can.LogReader(source))
    for index in range(frame_count):
        frame = frames[index % len(frames)]
        lines.append(
            f"({start + index * step:.6f}) {frame.channel} "
            f"{frame.arbitration_id:03X}#{bytes(frame.data).hex().upper()}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def full_load_cpu(kona_dir: Path, seconds: float) -> float:
    with tempfile.TemporaryDirectory(prefix="headunit-bench-") as name:
        folder = Path(name)
        log = retimed_log(
            kona_dir / "230112-7-2019-pcan-ccan-power-off-on-ready-off.csv",
            folder, seconds,
        )
        headunit = HeadUnit(
            PROFILES / "hyundai-kona-electric.toml",
            folder / "bench.db",
            inputs=InputConfig(kind="replay", replay_path=log, replay_speed=1.0),
            dbc_search_path=(kona_dir,),
        )
        cpu_start = time.process_time()
        wall_start = time.perf_counter()
        headunit.start()
        headunit.input_done.wait()
        wall = time.perf_counter() - wall_start
        cpu = time.process_time() - cpu_start
        frames = headunit.replay_result.frames if headunit.replay_result else 0
        headunit.stop()
    share = cpu / wall
    print(f"full load: {frames} frames in {wall:.1f} s ({frames / wall:,.0f} frames/s), "
          f"CPU {cpu:.2f} s")
    print(f"full load: CPU against one core: {share:.3f}x (goal: at most 0.10x)")
    return share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="shared data folder with can/ recordings")
    parser.add_argument("--load-seconds", type=float, default=10.0,
                        help="length of the full-load replay in seconds (default: 10)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    genesis = args.data / "can" / "hyundai-genesis"
    kona = args.data / "can" / "hyundai-kona-ev"
    if not (genesis / "mphloggenesis.log").is_file() or not (kona / "pcan.dbc").is_file():
        print(f"recordings not found under {args.data}; pass --data", file=sys.stderr)
        return 2

    kona_ratio = throughput(
        "kona gvret", kona / "230112-7-2019-pcan-ccan-power-off-on-ready-off.csv",
        PROFILES / "hyundai-kona-electric.toml", kona,
    )
    full_load_cpu(kona, args.load_seconds)
    genesis_ratio = throughput(
        "genesis candump", genesis / "mphloggenesis.log",
        PROFILES / "hyundai-genesis-coupe.toml", genesis,
    )
    print(f"kona gvret ratio {kona_ratio:.2f}x; genesis candump ratio follows")
    print(f"{genesis_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
