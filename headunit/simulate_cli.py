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
    parser.add_argument("--nmea-udp", type=_udp_address, default=None, metavar="HOST:PORT",
                          help="also send the drive's GPS track as NMEA datagrams to this "
                               "address, for gpsd -n -b udp://HOST:PORT (such as "
                               "127.0.0.1:29470); tunnel phases send no fix")
    parser.add_argument("--obd-link", type=Path, default=None, metavar="PATH",
                          help="also run the ELM327 emulator on a pty reached through a "
                               "symbolic link at PATH; adapter_unplugged phases unplug it")
    parser.set_defaults(handler=lambda args: run_simulation(args, resolve_profile))


def add_demo_scenario_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--scenario`` to ``headunit run``: the drive the built-in demo plays."""
    parser.add_argument(
        "--scenario", type=_scenario, default=None, metavar="NAME|FILE",
        help="demo only: play this bundled scenario or TOML file instead of the "
             "built-in stop-and-go drive, such as highway for a tunnel without GPS",
    )


def _scenario(text: str) -> Any:
    from vehicle.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(text)
    except ScenarioError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _udp_address(text: str) -> tuple[str, int]:
    host, separator, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not separator or not host or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise argparse.ArgumentTypeError(
            f"invalid UDP address {text!r}: expected HOST:PORT, such as 127.0.0.1:29470"
        )
    return host, int(port_text)


def run_simulation(args: argparse.Namespace, resolve_profile: Callable[[Path | None], Path]) -> int:
    """Play the scenario and print each phase as it begins; return the exit code."""
    import can

    from vehicle.candecode import CanDecoder
    from vehicle.dbc import DbcError
    from vehicle.profile import ProfileError, load_profile
    from vehicle.scenario import ScenarioError, load_scenario
    from vehicle.emulated_adapter import AdapterError, EmulatedAdapter
    from vehicle.nmea import NmeaUdpFeed
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

    feed = NmeaUdpFeed(*args.nmea_udp) if args.nmea_udp is not None else None
    adapter = EmulatedAdapter(args.obd_link) if args.obd_link is not None else None
    try:
        simulator = Simulator(decoder, time_scale=args.time_scale, loop=args.loop,
                              scenario=scenario, bus_factory=open_bus,
                              position_sinks=[feed] if feed is not None else [],
                              adapter=adapter)
        if adapter is not None:
            adapter.plug_in()
            print(f"ELM327 emulator at {adapter.link}", flush=True)
    except (ScenarioError, AdapterError) as error:
        print(f"headunit: {error}", file=sys.stderr)
        if feed is not None:
            feed.close()
        return EXIT_CONFIG_ERROR
    if feed is not None:
        print(f"GPS track as NMEA to udp://{args.nmea_udp[0]}:{args.nmea_udp[1]}", flush=True)
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
        if adapter is not None:
            adapter.close()
        if feed is not None:
            feed.close()
    print(f"frames sent: {simulator.frames_sent}", flush=True)
    return 1 if simulator.failed else 0


def _describe(phase: Any) -> str:
    notes = []
    if phase.charging_type != "NONE":
        notes.append(f"{phase.charging_type} charging to {phase.target_soc_percent:.0f} %")
    if phase.gps_lost:
        notes.append("no GPS fix")
    if phase.kind == "adapter_unplugged":
        notes.append("OBD-II adapter unplugged")
    if phase.bus_silent:
        notes.append("bus silent")
    if phase.dtc:
        notes.append(f"DTC {phase.dtc} appears")
    if phase.dtc_clear:
        notes.append("all DTCs cleared" if phase.dtc_clear == "*" else f"DTC {phase.dtc_clear} cleared")
    if phase.set_soc_percent is not None:
        notes.append(f"state of charge set to {phase.set_soc_percent:.0f} %")
    text = f"phase {phase.name} ({phase.kind}): {phase.duration_s:.1f} s to {phase.end_speed_kmh:.0f} km/h"
    return text + "".join(f", {note}" for note in notes)
