"""The ``headunit simulate`` command: play a scenario onto a CAN bus.

The simulated car transmits, so the command is for test benches and
must not be pointed at a car's bus.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

EXIT_CONFIG_ERROR = 2


def add_simulate_parser(
    commands: argparse._SubParsersAction, resolve_profile: Callable[[Path | None], Path]
) -> None:
    parser = commands.add_parser(
        "simulate",
        help="send a scenario's CAN traffic on a bus for another process to read",
    )
    parser.add_argument(
        "--scenario", required=True, metavar="NAME|FILE",
        help="bundled scenario name (stop-and-go, highway, winter-cold-start, "
             "fast-charge, harsh-braking, low-battery, rush-hour) or a TOML file",
    )
    parser.add_argument("--profile", type=Path, default=None,
                          help="vehicle profile whose frames are sent (default: the demo car)")
    parser.add_argument("--dbc-path", type=Path, action="append", default=[],
                          metavar="DIR", help="folder to search for DBC files (repeatable)")
    parser.add_argument("--interface", default=None,
                          help="python-can interface for every bus of the profile, "
                               "such as virtual, udp_multicast or socketcan "
                               "(default: the profile's)")
    parser.add_argument("--channel", default=None,
                          help="channel for every bus of the profile, such as a "
                               "multicast group or can0 (default: the profile's)")
    parser.add_argument("--time-scale", type=float, default=1.0,
                          help="simulated seconds per real second (default: 1)")
    parser.add_argument("--loop", action="store_true",
                          help="repeat the scenario until interrupted")
    parser.set_defaults(handler=lambda args: run_simulation(args, resolve_profile))


def run_simulation(args: argparse.Namespace, resolve_profile: Callable[[Path | None], Path]) -> int:
    """Play the scenario and print each phase as it begins; return the exit code."""
    import can

    from vehicle.candecode import CanDecoder
    from vehicle.dbc import DbcError
    from vehicle.profile import ProfileError, load_profile
    from vehicle.scenario import ScenarioError, load_scenario
    from vehicle.simulator import Simulator

    if args.time_scale <= 0:
        print(f"headunit: --time-scale must be above 0, got {args.time_scale}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        scenario = load_scenario(args.scenario)
        profile = load_profile(resolve_profile(args.profile))
        decoder = CanDecoder(profile, tuple(args.dbc_path))
    except (ScenarioError, ProfileError, DbcError) as error:
        print(f"headunit: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR

    def open_bus(**options: Any) -> can.BusABC:
        if args.interface is not None:
            options["interface"] = args.interface
        if args.channel is not None:
            options["channel"] = args.channel
        return can.Bus(**options)

    simulator = Simulator(decoder, time_scale=args.time_scale, loop=args.loop,
                          scenario=scenario, bus_factory=open_bus)
    print(f"scenario {scenario.name}: {len(scenario.phases)} phases, "
          f"{scenario.duration_s:.0f} s simulated", flush=True)
    simulator.start()
    shown = None
    try:
        while not (simulator.cycle_done.is_set() and not args.loop):
            car = simulator.car
            if car is not None and car.phase is not None and car.phase is not shown:
                shown = car.phase
                print(_describe(shown), flush=True)
            if simulator.stopped.wait(0.05):
                break
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    print(f"frames sent: {simulator.frames_sent}", flush=True)
    return 1 if simulator.failed else 0


def _describe(phase: Any) -> str:
    notes = []
    if phase.charging_type != "NONE":
        notes.append(f"{phase.charging_type} charging to {phase.target_soc_percent:.0f} %")
    if phase.gps_lost:
        notes.append("GPS lost (not simulated: the head unit keeps its gpsd input)")
    if phase.bus_silent:
        notes.append("bus silent")
    if phase.dtc:
        notes.append(f"DTC {phase.dtc} (OBD side, not sent on CAN)")
    if phase.set_soc_percent is not None:
        notes.append(f"state of charge set to {phase.set_soc_percent:.0f} %")
    text = f"phase {phase.name} ({phase.kind}): {phase.duration_s:.1f} s to {phase.end_speed_kmh:.0f} km/h"
    return text + "".join(f", {note}" for note in notes)
