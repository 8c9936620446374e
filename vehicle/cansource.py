"""CAN sources: a live python-can bus or a recorded log, decoded by profile.

The vehicle bus is read-only for the head unit. Every bus the source opens
is wrapped in ``ReadOnlyBus``, whose send path rejects the frame and logs
it, so no code path of the app can transmit on the car's network.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import can

import vehicle.logformats  # noqa: F401  (registers the candump reader)
from vehicle.candecode import CanDecoder
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

Sink = Callable[[list[SignalUpdate]], None]


class VehicleBusWriteError(can.CanOperationError):
    """Something tried to send on the vehicle bus, which the head unit never does."""


class ReadOnlyBus(can.BusABC):
    """A python-can bus that receives from ``inner`` and rejects every send."""

    def __init__(self, inner: can.BusABC, name: str) -> None:
        self._inner = inner
        self.name = name
        self.rejected_sends = 0
        super().__init__(channel=inner.channel_info)
        self.channel_info = inner.channel_info

    def _recv_internal(self, timeout: float | None) -> tuple[can.Message | None, bool]:
        # The inner bus has already applied the filters.
        return self._inner.recv(timeout), True

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        self.rejected_sends += 1
        logger.error(
            "rejected a frame %#x that was to be sent on vehicle bus %s: "
            "the head unit never transmits on the vehicle bus",
            msg.arbitration_id,
            self.name,
        )
        raise VehicleBusWriteError(f"sending on vehicle bus {self.name} is not allowed")

    def send_periodic(self, *args: Any, **kwargs: Any) -> Any:
        self.send(args[0] if args else kwargs["msgs"])

    def fileno(self) -> int:
        return self._inner.fileno()

    def shutdown(self) -> None:
        super().shutdown()
        self._inner.shutdown()


@dataclass
class BusOverride:
    """Interface and channel given on the command line instead of the profile's."""

    interface: str | None = None
    channel: str | None = None


class CanSource:
    """Read the profile's buses with python-can Notifiers and push updates.

    ``sink`` is called in the notifier thread with each frame's updates; it
    must be quick. A fault in decoding or in the sink is logged once per
    kind and never stops the reader thread.
    """

    def __init__(
        self,
        decoder: CanDecoder,
        sink: Sink,
        overrides: dict[str, BusOverride] | None = None,
        bus_factory: Callable[..., can.BusABC] = can.Bus,
    ) -> None:
        self.decoder = decoder
        self._sink = sink
        self._overrides = overrides or {}
        self._bus_factory = bus_factory
        self.buses: dict[str, ReadOnlyBus] = {}
        self._notifiers: list[can.Notifier] = []

    def start(self) -> None:
        """Open every bus of the profile and start reading."""
        for name, config in self.decoder.profile.buses.items():
            override = self._overrides.get(name, BusOverride())
            interface = override.interface or config.interface
            channel = override.channel or config.channel
            options = dict(config.options)
            if config.bitrate is not None:
                options.setdefault("bitrate", config.bitrate)
            inner = self._bus_factory(
                interface=interface,
                channel=channel,
                can_filters=self.decoder.can_filters(name),
                **options,
            )
            bus = ReadOnlyBus(inner, name)
            self.buses[name] = bus
            listener = _DecodingListener(self.decoder, name, self._sink)
            self._notifiers.append(can.Notifier(bus, [listener], timeout=0.2))
            logger.info("reading CAN bus %s on %s channel %s", name, interface, channel)

    def stop(self) -> None:
        """Stop the reader threads and close the buses."""
        for notifier in self._notifiers:
            notifier.stop()
        self._notifiers.clear()
        for bus in self.buses.values():
            bus.shutdown()
        self.buses.clear()


class _DecodingListener(can.Listener):
    def __init__(self, decoder: CanDecoder, bus: str, sink: Sink) -> None:
        self._decoder = decoder
        self._bus = bus
        self._sink = sink

    def on_message_received(self, msg: can.Message) -> None:
        # An exception here would stop the Notifier's thread for good.
        try:
            updates = self._decoder.decode(msg, self._bus)
            if updates:
                self._sink(updates)
        except Exception as error:  # noqa: BLE001
            self._decoder.faults.report(
                ("listener", self._bus, type(error).__name__),
                "failed to process a frame from bus %s: %s",
                self._bus,
                error,
            )

    def on_error(self, exc: Exception) -> None:
        self._decoder.faults.report(
            ("bus", self._bus, type(exc).__name__),
            "CAN bus %s reported an error: %s",
            self._bus,
            exc,
        )


@dataclass
class ReplayResult:
    """Counts of a finished replay: frames, unreadable lines, first and last timestamps."""

    frames: int = 0
    skipped_lines: int = 0
    unknown_channel: int = 0
    first_timestamp: float | None = None
    last_timestamp: float | None = None


def replay_log(
    path: Path,
    decoder: CanDecoder,
    sink: Sink,
    *,
    speed: float | None = None,
    stop: threading.Event | None = None,
    duration_s: float | None = None,
) -> ReplayResult:
    """Feed a recorded log through ``decoder`` into ``sink``.

    ``speed`` None replays as fast as possible; 1.0 keeps the recorded
    pacing, 10.0 plays ten times faster. ``duration_s`` ends the replay
    after that many seconds of the recording. Frames are matched to the
    profile's buses by channel name; a single-bus profile takes all.
    """
    result = ReplayResult()
    buses = decoder.profile.buses
    single_bus = next(iter(buses)) if len(buses) == 1 else None
    by_channel = {config.channel: name for name, config in buses.items()}
    wall_start = time.monotonic()
    reader = can.LogReader(path)
    try:
        for frame in reader:
            if stop is not None and stop.is_set():
                break
            if result.first_timestamp is None:
                result.first_timestamp = frame.timestamp
            elif duration_s is not None and (
                frame.timestamp - result.first_timestamp > duration_s
            ):
                break
            result.frames += 1
            result.last_timestamp = frame.timestamp
            if speed:
                due = wall_start + (frame.timestamp - result.first_timestamp) / speed
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            bus = single_bus or by_channel.get(str(frame.channel))
            if bus is None:
                result.unknown_channel += 1
                decoder.faults.report(
                    ("channel", frame.channel),
                    "frames on channel %s match no bus of the profile; skipped",
                    frame.channel,
                )
                continue
            updates = decoder.decode(frame, bus)
            if updates:
                sink(updates)
    finally:
        reader.stop()
    result.skipped_lines = getattr(reader, "skipped_lines", 0)
    return result

