"""Turning CAN frames into VSS signal updates, as a profile says.

The decoder is built once from a profile and its DBCs: every mapped frame
ID is resolved to its cantools message and the list of (signal, VSS path,
conversion) it feeds. Frames with other IDs are dropped before any
decoding, and error frames never reach the DBC.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import can
import cantools

from vehicle.dbc import LoadedDbc, load_dbc
from vehicle.faults import FaultLog
from vehicle.profile import ProfileError, SignalMapping, VehicleProfile
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

Convert = Callable[[Any], Any]


@dataclass
class _Route:
    """What to do with one frame ID on one bus."""

    message: cantools.database.Message
    outputs: list[tuple[str, str, Convert]]  # (DBC signal name, VSS path, convert)


@dataclass
class DecodeStats:
    """Counts of what the decoder did with the frames it saw."""

    frames: int = 0
    decoded: int = 0
    unmapped: int = 0
    error_frames: int = 0
    remote_frames: int = 0
    faults: int = 0
    updates: int = 0
    unmapped_ids: set[int] = field(default_factory=set)


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
    the profile names a message or signal its DBC lacks. ``decode`` never
    raises: bad frames are skipped, counted and logged once per kind.
    """

    def __init__(
        self, profile: VehicleProfile, dbc_search_path: Sequence[Path] = ()
    ) -> None:
        self.profile = profile
        self.dbcs: dict[str, LoadedDbc] = {}
        for bus in profile.buses.values():
            path = find_dbc(bus.dbc, dbc_search_path, profile.source.parent)
            self.dbcs[bus.name] = load_dbc(path)
        self._routes: dict[str, dict[int, _Route]] = {name: {} for name in profile.buses}
        for mapping in profile.signals.values():
            self._add_route(mapping)
        self.stats = DecodeStats()
        self.faults = FaultLog(logger)

    def frame_ids(self, bus: str) -> set[int]:
        """Frame IDs the profile uses on ``bus``."""
        return set(self._routes[bus])

    def can_filters(self, bus: str) -> list[dict[str, Any]]:
        """python-can filters that pass only the frame IDs in use on ``bus``."""
        filters = []
        for frame_id, route in sorted(self._routes[bus].items()):
            extended = route.message.is_extended_frame
            filters.append(
                {
                    "can_id": frame_id,
                    "can_mask": 0x1FFFFFFF if extended else 0x7FF,
                    "extended": extended,
                }
            )
        return filters

    def decode(self, frame: can.Message, bus: str) -> list[SignalUpdate]:
        """Return the updates carried by one frame; never raises."""
        stats = self.stats
        stats.frames += 1
        if frame.is_error_frame:
            stats.error_frames += 1
            self.faults.report(
                ("error frame", bus), "error frame on bus %s at %.6f", bus, frame.timestamp
            )
            return []
        route = self._routes[bus].get(frame.arbitration_id)
        if route is None:
            stats.unmapped += 1
            stats.unmapped_ids.add(frame.arbitration_id)
            return []
        if frame.is_remote_frame:
            stats.remote_frames += 1
            return []
        try:
            decoded = route.message.decode(
                bytes(frame.data), decode_choices=False, scaling=True
            )
        except (cantools.database.DecodeError, ValueError, KeyError) as error:
            stats.faults += 1
            self.faults.report(
                (frame.arbitration_id, type(error).__name__),
                "cannot decode frame %#x (%s, %d bytes) on bus %s: %s",
                frame.arbitration_id,
                route.message.name,
                len(frame.data),
                bus,
                error,
            )
            return []
        stats.decoded += 1
        updates = []
        for signal_name, path, convert in route.outputs:
            raw = decoded.get(signal_name)
            if raw is None:
                # A multiplexed signal that this frame's multiplexer value omits.
                continue
            value = convert(raw)
            if value is None:
                stats.faults += 1
                self.faults.report(
                    (frame.arbitration_id, signal_name, "value"),
                    "signal %s.%s has value %r, which the profile does not map",
                    route.message.name,
                    signal_name,
                    raw,
                )
                continue
            updates.append(SignalUpdate(path, value, frame.timestamp))
        stats.updates += len(updates)
        return updates

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
            message.frame_id, _Route(message, [])
        )
        route.outputs.append((signal.name, mapping.path, convert))


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
