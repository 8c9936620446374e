"""Decoding of CAN frames into VSS signal updates, as a profile maps them.

The decoder is built once from a profile and its DBCs: every mapped frame
ID is resolved to its cantools message and the list of (signal, VSS path,
conversion) it feeds. Frames with other IDs are dropped before any
decoding, and error frames never reach the DBC.

cantools decodes every signal of a message. A message in a real DBC often
has ten or more signals of which the profile maps one or two, so each
route decodes with a reduced copy of the message that holds only the
mapped signals and the multiplexers they depend on; on the Genesis
``EMS11`` message (13 signals, 2 mapped) that takes 1.3 µs instead of
3.1 µs a frame (cantools 45.1, this project's 2-core build machine).

A decoded value outside the signal's DBC range, or a float that is NaN or
infinite, is not a measurement: it is dropped and logged once per signal,
and the previous value stays in the vehicle state until it goes stale.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import can
import cantools

from vehicle.dbc import DbcError, LoadedDbc, load_dbc
from vehicle.errorframes import describe_error_frame
from vehicle.faults import FaultLog
from vehicle.profile import ProfileError, SignalMapping, VehicleProfile
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

Convert = Callable[[Any], Any]


#: Bit that marks an extended frame ID in route keys.
EXTENDED_KEY = 1 << 31


def route_key(frame_id: int, extended: bool) -> int:
    """Key of a frame ID in the routing table; 0x100 and 0x100x differ."""
    return frame_id | EXTENDED_KEY if extended else frame_id


@dataclass
class _Output:
    """One mapped signal of a route and the range its values must lie in."""

    signal: str
    path: str
    convert: Convert
    minimum: float | None
    maximum: float | None
    scale: float
    offset: float

    def __post_init__(self) -> None:
        # Bounds for the fast range test; NaN fails every comparison, and
        # finite bounds make infinities fail it too. The bounds are widened by
        # a rounding margin because raw * scale is inexact in binary floating
        # point: raw 0x3ff at scale 0.1 decodes to 102.30000000000001, above
        # a DBC maximum of 102.3.
        if self.minimum is None:
            self.low = -sys.float_info.max
        else:
            self.low = self.minimum - _rounding_margin(self.minimum)
        if self.maximum is None:
            self.high = sys.float_info.max
        else:
            self.high = self.maximum + _rounding_margin(self.maximum)


def _rounding_margin(bound: float) -> float:
    return 1e-9 * max(1.0, abs(bound))


@dataclass
class _Route:
    """Decoding plan for one frame ID on one bus."""

    message: cantools.database.Message
    outputs: list[_Output]
    #: ``message`` reduced to the mapped signals; built by ``_finish_routes``.
    reduced: cantools.database.Message | None = None


@dataclass
class DecodeStats:
    """Counts of what the decoder did with the frames it saw.

    NOTE: the reader threads of several buses add to one instance without a
    lock, so with two or more live buses a count may miss a few frames.
    """

    frames: int = 0
    decoded: int = 0
    unmapped: int = 0
    error_frames: int = 0
    remote_frames: int = 0
    faults: int = 0
    updates: int = 0
    #: Values dropped because they lay outside the DBC range or were NaN.
    rejected_values: int = 0
    unmapped_ids: set[int] = field(default_factory=set)
    #: Error frames per reported fault, such as "controller warning: RX errors".
    bus_errors: Counter[str] = field(default_factory=Counter)


def find_dbc(name: str, search_path: Sequence[Path], profile_dir: Path) -> Path:
    """Return the first existing ``name`` in ``search_path``, then beside the profile."""
    candidate = Path(name)
    if candidate.is_absolute():
        return candidate
    for folder in [*search_path, profile_dir]:
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    return profile_dir / name


class CanDecoder:
    """Decode frames of one profile's buses into ``SignalUpdate``s.

    Raises ``DbcError`` when a DBC does not load and ``ProfileError`` when
    the profile names a message or signal its DBC lacks. With
    ``skip_broken_buses`` it leaves such a bus out instead, keeps the error
    in ``errors``, and ``profile`` lists only the buses that work. ``decode`` never
    raises: bad frames are skipped, counted and logged once per kind.
    """

    def __init__(
        self,
        profile: VehicleProfile,
        dbc_search_path: Sequence[Path] = (),
        *,
        skip_broken_buses: bool = False,
    ) -> None:
        self.profile = profile
        #: Configuration errors of the buses left out (``skip_broken_buses``).
        self.errors: list[DbcError | ProfileError] = []
        self.dbcs: dict[str, LoadedDbc] = {}
        broken: set[str] = set()
        for bus in profile.buses.values():
            path = find_dbc(bus.dbc, dbc_search_path, profile.source.parent)
            try:
                self.dbcs[bus.name] = load_dbc(path)
            except DbcError as error:
                if not skip_broken_buses:
                    raise
                self.errors.append(error)
                broken.add(bus.name)
        self._routes: dict[str, dict[int, _Route]] = {name: {} for name in profile.buses}
        for mapping in profile.signals.values():
            if mapping.bus in broken:
                continue
            try:
                self._add_route(mapping)
            except ProfileError as error:
                if not skip_broken_buses:
                    raise
                self.errors.append(error)
                broken.add(mapping.bus)
        if broken:
            self._drop_buses(broken)
        for routes in self._routes.values():
            for route in routes.values():
                route.reduced = _reduced_message(route)
        self.stats = DecodeStats()
        self.faults = FaultLog(logger)

    def _drop_buses(self, names: set[str]) -> None:
        """Leave buses out, so the others run while their errors are shown."""
        logger.error(
            "CAN buses left out because of configuration errors: %s",
            ", ".join(sorted(names)),
        )
        for name in names:
            self.dbcs.pop(name, None)
            self._routes.pop(name, None)
        profile = self.profile
        self.profile = dataclasses.replace(
            profile,
            buses={n: b for n, b in profile.buses.items() if n not in names},
            signals={p: m for p, m in profile.signals.items() if m.bus not in names},
        )

    def frame_ids(self, bus: str) -> set[int]:
        """Frame IDs the profile uses on ``bus``."""
        return {route.message.frame_id for route in self._routes[bus].values()}

    def routed_keys(self, bus: str) -> frozenset[int]:
        """Route keys (see ``route_key``) of the frames ``decode`` uses on ``bus``.

        A caller with many frames may drop the others itself and report
        them through ``count_unmapped``, which skips a call per frame.
        """
        return frozenset(self._routes[bus])

    def count_unmapped(self, frames: int, frame_ids: set[int]) -> None:
        """Count frames a caller dropped because no route uses their ID."""
        self.stats.frames += frames
        self.stats.unmapped += frames
        self.stats.unmapped_ids.update(frame_ids)

    def message_for(self, bus: str, frame_id: int, extended: bool = False) -> Any:
        """Return the full cantools message routed for a frame ID, or None."""
        route = self._routes[bus].get(route_key(frame_id, extended))
        return None if route is None else route.message

    def can_filters(self, bus: str) -> list[dict[str, Any]]:
        """python-can filters that pass only the frame IDs in use on ``bus``."""
        filters = []
        for _, route in sorted(self._routes[bus].items()):
            extended = route.message.is_extended_frame
            filters.append(
                {
                    "can_id": route.message.frame_id,
                    "can_mask": 0x1FFFFFFF if extended else 0x7FF,
                    "extended": extended,
                }
            )
        return filters

    def decode(self, frame: can.Message, bus: str) -> list[SignalUpdate]:
        """Return the updates carried by one frame.

        A frame that fails to decode is counted and skipped, not raised.
        """
        stats = self.stats
        stats.frames += 1
        if frame.is_error_frame:
            self._count_error_frame(frame, bus)
            return []
        key = frame.arbitration_id | EXTENDED_KEY if frame.is_extended_id else (
            frame.arbitration_id
        )
        route = self._routes[bus].get(key)
        if route is None:
            stats.unmapped += 1
            stats.unmapped_ids.add(frame.arbitration_id)
            return []
        if frame.is_remote_frame:
            stats.remote_frames += 1
            return []
        data = bytes(frame.data)
        try:
            decoded = route.reduced.decode(data, decode_choices=False)  # type: ignore[union-attr]
        except (cantools.database.DecodeError, ValueError, KeyError) as error:
            decoded = self._decode_full(route, data, error, frame, bus)
            if decoded is None:
                return []
        stats.decoded += 1
        updates = []
        timestamp = frame.timestamp
        for output in route.outputs:
            raw = decoded.get(output.signal)
            if raw is None:
                # A multiplexed signal that this frame's multiplexer value omits.
                continue
            # The range test runs inline; _valid then separates NaN from out of range.
            if not (output.low <= raw <= output.high) and not self._valid(
                route, output, raw
            ):
                continue
            value = output.convert(raw)
            if value is None:
                stats.faults += 1
                self.faults.report(
                    (frame.arbitration_id, output.signal, "value"),
                    "signal %s.%s has value %r, which the profile does not map",
                    route.message.name,
                    output.signal,
                    raw,
                )
                continue
            updates.append(SignalUpdate(output.path, value, timestamp))
        stats.updates += len(updates)
        return updates

    def _decode_full(
        self,
        route: _Route,
        data: bytes,
        error: Exception,
        frame: can.Message,
        bus: str,
    ) -> dict[str, Any] | None:
        """Decode a frame that the reduced message rejected with the full message.

        The reduced message contains only the multiplexer values of mapped
        signals, so a frame with another value fails there. The full message
        decides whether the frame is valid and decodes the signals outside
        the multiplexer; a frame it rejects too is counted and logged.
        """
        if route.reduced is not route.message:
            try:
                return route.message.decode(data, decode_choices=False)
            except (cantools.database.DecodeError, ValueError, KeyError) as full_error:
                error = full_error
        self.stats.faults += 1
        self.faults.report(
            (frame.arbitration_id, type(error).__name__),
            "cannot decode frame %#x (%s, %d bytes) on bus %s: %s",
            frame.arbitration_id,
            route.message.name,
            len(data),
            bus,
            error,
        )
        return None

    def _valid(self, route: _Route, output: _Output, value: Any) -> bool:
        """Check that a decoded value is a measurement, and log it once if not."""
        if isinstance(value, float) and not math.isfinite(value):
            problem = "is not a finite number"
        elif not output.low <= value <= output.high:
            problem = f"is outside its range [{output.minimum:g}, {output.maximum:g}]"
        else:
            return True
        self.stats.rejected_values += 1
        if isinstance(value, float) and not math.isfinite(value):
            raw_text = ""
        else:
            raw_text = f" (raw {round((value - output.offset) / output.scale):#x})"
        self.faults.report(
            (route.message.frame_id, output.signal, problem),
            "signal %s.%s value %r%s %s; not used",
            route.message.name,
            output.signal,
            value,
            raw_text,
            problem,
        )
        return False

    def _count_error_frame(self, frame: can.Message, bus: str) -> None:
        self.stats.error_frames += 1
        kinds = describe_error_frame(frame)
        for kind in kinds:
            self.stats.bus_errors[kind] += 1
        self.faults.report(
            ("error frame", bus, kinds),
            "error frame on bus %s at %.6f: %s",
            bus,
            frame.timestamp,
            ", ".join(kinds),
        )

    def decode_all(self, frames: Iterable[tuple[can.Message, str]]) -> list[SignalUpdate]:
        """Decode a batch of (frame, bus) pairs."""
        updates: list[SignalUpdate] = []
        for frame, bus in frames:
            updates.extend(self.decode(frame, bus))
        return updates

    def _add_route(self, mapping: SignalMapping) -> None:
        loaded = self.dbcs[mapping.bus]
        key = mapping.key()
        try:
            message = loaded.database.get_message_by_name(mapping.message)
        except KeyError:
            raise ProfileError(
                self.profile.source,
                f"{key}.message",
                f"message {mapping.message!r} not found in {loaded.path.name}",
            ) from None
        try:
            signal = message.get_signal_by_name(mapping.signal)
        except KeyError:
            raise ProfileError(
                self.profile.source,
                f"{key}.signal",
                f"signal {mapping.signal!r} not found in message "
                f"{message.name} of {loaded.path.name}",
            ) from None
        convert = _converter(self.profile.source, key, mapping, signal)
        route = self._routes[mapping.bus].setdefault(
            route_key(message.frame_id, message.is_extended_frame), _Route(message, [])
        )
        minimum, maximum = signal.minimum, signal.maximum
        if minimum == maximum == 0:
            # DBC writers put [0|0] for "no range given".
            minimum = maximum = None
        route.outputs.append(
            _Output(signal.name, mapping.path, convert, minimum, maximum,
                    signal.scale, signal.offset)
        )


def _reduced_message(route: _Route) -> cantools.database.Message:
    """Build a copy of the route's message with only the signals it needs."""
    message = route.message
    needed: dict[str, cantools.database.Signal] = {}
    for output in route.outputs:
        signal = message.get_signal_by_name(output.signal)
        while signal is not None and signal.name not in needed:
            needed[signal.name] = signal
            parent = signal.multiplexer_signal
            signal = message.get_signal_by_name(parent) if parent else None
    if len(needed) == len(message.signals):
        return message
    return cantools.database.can.Message(
        frame_id=message.frame_id,
        name=message.name,
        length=message.length,
        signals=list(needed.values()),
        is_extended_frame=message.is_extended_frame,
        is_fd=message.is_fd,
        strict=False,
    )


def _converter(
    source: Path, key: str, mapping: SignalMapping, signal: cantools.database.Signal
) -> Convert:
    if mapping.values is not None:
        choices = signal.choices or {}
        by_name = {str(name): number for number, name in choices.items()}
        table: dict[float, Any] = {}
        for name, vss_value in mapping.values.items():
            if name not in by_name:
                raise ProfileError(
                    source, f"{key}.values.{name}",
                    f"signal {signal.name} has no value named {name!r}",
                )
            table[float(by_name[name])] = vss_value
        return lambda raw: table.get(float(raw))
    factor, offset = mapping.factor, mapping.offset
    if factor == 1.0 and offset == 0.0:
        return lambda raw: raw
    return lambda raw: raw * factor + offset
