"""CAN sources: a live python-can bus or a recorded log, decoded by profile.

The vehicle bus is read-only for the head unit. Every bus the source opens
is wrapped in ``ReadOnlyBus``, whose send path rejects the frame and logs
it, so no code path of the app can transmit on the car's network.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import can

# Importing the readers registers them in python-can's MESSAGE_READERS.
import vehicle.ascformat  # noqa: F401
import vehicle.gvret  # noqa: F401
import vehicle.logformats  # noqa: F401
from vehicle.busstatus import DEFAULT_LOST_AFTER_S, BusMonitor, worst_status
from vehicle.candecode import EXTENDED_KEY, CanDecoder
from vehicle.errorframes import is_bus_off
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

Sink = Callable[[list[SignalUpdate]], None]


class VehicleBusWriteError(can.CanOperationError):
    """Something tried to send on the vehicle bus, which the head unit never does."""


class ReadOnlyBus(can.BusABC):
    """A python-can bus that receives from ``inner`` and rejects every send.

    ``send``, ``send_periodic`` and python-can's internal periodic path all
    log an error and raise ``VehicleBusWriteError``; nothing reaches
    ``inner``.
    """

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
        self._reject(msg, "send")

    def send_periodic(self, msgs: Any, *args: Any, **kwargs: Any) -> Any:
        self._reject(msgs, "send_periodic")

    def _send_periodic_internal(self, msgs: Any, *args: Any, **kwargs: Any) -> Any:
        self._reject(msgs, "send_periodic")

    def _reject(self, msgs: Any, method: str) -> None:
        self.rejected_sends += 1
        first = msgs[0] if isinstance(msgs, (list, tuple)) and msgs else msgs
        frame_id = getattr(first, "arbitration_id", None)
        logger.error(
            "rejected %s of frame %s on vehicle bus %s: "
            "the head unit never transmits on the vehicle bus",
            method,
            f"{frame_id:#x}" if isinstance(frame_id, int) else "?",
            self.name,
        )
        raise VehicleBusWriteError(f"sending on vehicle bus {self.name} is not allowed")

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


#: Bus options that open an interface in listen-only (silent) mode, for the
#: python-can 4.6 interfaces that have one. SocketCAN has none in python-can:
#: set it on the interface (``ip link set can0 type can listen-only on``).
#: ``virtual``, ``udp_multicast`` and ``serial`` are software links without
#: such a mode; ``ReadOnlyBus`` guards every interface either way.
LISTEN_ONLY_OPTIONS: dict[str, dict[str, Any]] = {
    "slcan": {"listen_only": True},
    "vector": {"listen_only": True},
    "nixnet": {"listen_only": True},
    "cantact": {"monitor": True},
    "kvaser": {"driver_mode": False},
    "seeedstudio": {"operation_mode": "silent"},
    "pcan": {"state": can.BusState.PASSIVE},
    "systec": {"state": can.BusState.PASSIVE},
}

#: First wait before reopening a failed bus, and the longest, in seconds.
RECONNECT_INITIAL_S = 0.5
RECONNECT_MAX_S = 30.0
#: Errors that mean the configuration is wrong, so reopening cannot help.
_CONFIG_ERRORS = (can.CanInterfaceNotImplementedError, TypeError, ValueError)
_CONFIG_FAULT = object()


class CanSource:
    """Read the profile's buses in threads of their own and push updates.

    Each bus gets a reader thread that opens it through ``bus_factory``
    (``can.Bus`` by default) with the profile's interface, channel, options
    and listen-only options, sets ``can_filters`` where the driver filters,
    wraps it in ``ReadOnlyBus`` and reads it. An interface that python-can
    does not know, or options it rejects, leave the bus at "no bus" with
    one error in the log, since reopening cannot help. When opening fails or the open bus raises, the thread logs
    the fault once per kind, marks the bus lost and reopens it with
    exponential backoff. A python-can ``Notifier`` would stop for good at
    the first error, so the threads loop on ``recv`` themselves.

    ``sink`` is called in the reader thread with each frame's updates; it
    must be quick. A fault in decoding or in the sink is logged once per
    kind and never stops the reader thread.
    """

    def __init__(
        self,
        decoder: CanDecoder,
        sink: Sink,
        overrides: dict[str, BusOverride] | None = None,
        bus_factory: Callable[..., can.BusABC] = can.Bus,
        *,
        lost_after_s: float = DEFAULT_LOST_AFTER_S,
        reconnect_initial_s: float = RECONNECT_INITIAL_S,
        reconnect_max_s: float = RECONNECT_MAX_S,
    ) -> None:
        self.decoder = decoder
        self._sink = sink
        self._overrides = overrides or {}
        self._bus_factory = bus_factory
        self._reconnect = (reconnect_initial_s, reconnect_max_s)
        self.monitors = {
            name: BusMonitor(lost_after_s) for name in decoder.profile.buses
        }
        self.buses: dict[str, ReadOnlyBus] = {}
        self.reconnects: dict[str, int] = dict.fromkeys(decoder.profile.buses, 0)
        #: Frames received per bus, error frames included.
        self.frames: dict[str, int] = dict.fromkeys(decoder.profile.buses, 0)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Open every bus once, then start one reader thread per bus.

        The first attempt runs in the caller's thread, so ``buses`` contains
        every bus that opened when this returns; the threads retry the rest.
        """
        self._stop.clear()
        for name in self.decoder.profile.buses:
            bus = self._open(name)
            if bus is _CONFIG_FAULT:
                continue
            thread = threading.Thread(
                target=self._read_bus, args=(name, bus), name=f"can-{name}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def stop(self) -> None:
        """Stop the reader threads; they close their buses."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def status(self) -> str:
        """Return the worst status of the profile's buses (see ``vehicle.busstatus``)."""
        return worst_status(monitor.status() for monitor in self.monitors.values())

    def bus_options(self, name: str) -> dict[str, Any]:
        """Keyword arguments the reader passes to ``bus_factory`` for bus ``name``.

        Filters are not among them: ``_open`` sets them afterwards, and only
        on drivers that filter in the kernel or the adapter.
        """
        config = self.decoder.profile.buses[name]
        override = self._overrides.get(name, BusOverride())
        interface = override.interface or config.interface
        options = dict(LISTEN_ONLY_OPTIONS.get(interface, {}))
        options.update(config.options)
        if config.bitrate is not None:
            options.setdefault("bitrate", config.bitrate)
        return {
            "interface": interface,
            "channel": override.channel or config.channel,
            **options,
        }

    def _open(self, name: str) -> ReadOnlyBus | None | object:
        """Open bus ``name``; None when it failed, ``_CONFIG_FAULT`` when it never can."""
        options = self.bus_options(name)
        try:
            inner = self._bus_factory(**options)
        except _CONFIG_ERRORS as error:
            logger.error(
                "cannot open CAN bus %s (%s channel %s): %s; check the profile",
                name, options["interface"], options["channel"], error,
            )
            return _CONFIG_FAULT
        except (can.CanError, OSError) as error:
            self._report(name, "open", error)
            return None
        if type(inner)._apply_filters is not can.BusABC._apply_filters:
            # The driver filters in the kernel or the adapter, where error
            # frames pass on their own mask (SocketCAN's CAN_RAW_ERR_FILTER).
            # python-can 4.6's software filter would drop error frames, and
            # the decoder's frame-ID lookup filters as cheaply, so software
            # buses get no filters.
            inner.set_filters(self.decoder.can_filters(name))
        bus = ReadOnlyBus(inner, name)
        self.buses[name] = bus
        self.monitors[name].opened()
        logger.info(
            "reading CAN bus %s on %s channel %s",
            name, options["interface"], options["channel"],
        )
        return bus

    def _wait(self, delay_s: float) -> bool:
        """Wait before reopening; return True when the source is stopping."""
        return self._stop.wait(delay_s)

    def _read_bus(self, name: str, bus: ReadOnlyBus | None) -> None:
        monitor = self.monitors[name]
        delay, longest = self._reconnect
        while not self._stop.is_set():
            if bus is None:
                self.reconnects[name] += 1
                # Jitter keeps several buses on one adapter from retrying in step.
                if self._wait(delay * random.uniform(0.8, 1.2)):
                    break
                delay = min(delay * 2, longest)
                opened = self._open(name)
                if opened is _CONFIG_FAULT:
                    return
                bus = opened  # type: ignore[assignment]
                continue
            frames_before = self.frames[name]
            try:
                self._receive(name, bus, monitor)
            except (can.CanError, OSError, ValueError) as error:
                monitor.failed()
                self._report(name, "read", error)
            finally:
                self.buses.pop(name, None)
                try:
                    bus.shutdown()
                except (can.CanError, OSError) as error:
                    self._report(name, "shutdown", error)
            if self.frames[name] > frames_before:
                delay = self._reconnect[0]
            bus = None
        monitor.closed()

    def _receive(self, name: str, bus: ReadOnlyBus, monitor: BusMonitor) -> None:
        """Read frames until stopped, counting them in ``frames``."""
        decode = self.decoder.decode
        sink = self._sink
        frames = self.frames
        while not self._stop.is_set():
            frame = bus.recv(timeout=0.2)
            if frame is None:
                continue
            frames[name] += 1
            if frame.is_error_frame and is_bus_off(frame):
                monitor.bus_off()
            else:
                monitor.frame_received()
            # An exception here must not end the reader.
            try:
                updates = decode(frame, name)
                if updates:
                    sink(updates)
            except Exception as error:  # noqa: BLE001
                self.decoder.faults.report(
                    ("listener", name, type(error).__name__),
                    "failed to process a frame from bus %s: %s",
                    name,
                    error,
                )

    def _report(self, name: str, step: str, error: Exception) -> None:
        self.decoder.faults.report(
            ("bus", name, step, type(error).__name__),
            "CAN bus %s failed to %s: %s; reopening it with backoff",
            name,
            step,
            error,
        )


#: Shortest wait a real-time replay sleeps for, in seconds; frames due
#: sooner are handled at once, so they arrive up to this much early.
REPLAY_SLEEP_MIN_S = 0.005


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
    monitor: BusMonitor | None = None,
    reader_options: dict[str, Any] | None = None,
) -> ReplayResult:
    """Feed a recorded log through ``decoder`` into ``sink``.

    ``speed`` None replays as fast as possible; 1.0 keeps the recorded
    pacing, 10.0 plays ten times faster. ``duration_s`` ends the replay
    after that many seconds of the recording. Frames go to the bus whose
    ``log_channel`` (else ``channel``) equals the frame's channel; a
    profile with one bus and no ``log_channel`` takes every frame.
    ``monitor`` follows the replay as it would a live bus.
    ``reader_options`` go to the log reader (``timezone`` for ASC files).
    """
    result = ReplayResult()
    buses = decoder.profile.buses
    only = next(iter(buses.values()))
    # (bus name, route keys) per recorded channel; None for no bus.
    targets: dict[object, tuple[str, frozenset[int]] | None] = {}
    single = None
    if len(buses) == 1 and only.log_channel is None:
        single = (only.name, decoder.routed_keys(only.name))
    unmapped = 0
    unmapped_ids: set[int] = set()
    frames = 0
    first: float | None = None
    last: float | None = None
    is_stopped = stop.is_set if stop is not None else None
    wall_start = time.monotonic()
    reader = can.LogReader(path, **(reader_options or {}))
    if monitor is not None:
        monitor.opened()
    try:
        for frame in reader:
            if is_stopped is not None and is_stopped():
                break
            timestamp = frame.timestamp
            if first is None:
                first = timestamp
                wall_start = time.monotonic()
            elif duration_s is not None and timestamp - first > duration_s:
                break
            frames += 1
            last = timestamp
            if speed:
                delay = wall_start + (timestamp - first) / speed - time.monotonic()
                # Frames due within REPLAY_SLEEP_MIN_S go out together: one
                # wake-up per frame would cost more CPU than decoding them.
                if delay > REPLAY_SLEEP_MIN_S:
                    time.sleep(delay)
            if monitor is not None:
                if frame.is_error_frame and is_bus_off(frame):
                    monitor.bus_off()
                else:
                    monitor.frame_received()
            target = single
            if target is None:
                channel = frame.channel
                if channel not in targets:
                    name = _bus_for_channel(decoder, channel)
                    targets[channel] = (
                        None if name is None else (name, decoder.routed_keys(name))
                    )
                target = targets[channel]
                if target is None:
                    result.unknown_channel += 1
                    decoder.faults.report(
                        ("channel", channel),
                        "frames on channel %s match no bus of the profile; skipped",
                        channel,
                    )
                    continue
            # Drop unused IDs before calling the decoder: most frames of a
            # recording are not mapped, and the call costs more than the test.
            frame_id = frame.arbitration_id
            key = frame_id | EXTENDED_KEY if frame.is_extended_id else frame_id
            if key not in target[1] and not frame.is_error_frame:
                unmapped += 1
                unmapped_ids.add(frame_id)
                continue
            updates = decoder.decode(frame, target[0])
            if updates:
                sink(updates)
    finally:
        reader.stop()
        decoder.count_unmapped(unmapped, unmapped_ids)
        result.frames = frames
        result.first_timestamp = first
        result.last_timestamp = last
    result.skipped_lines = getattr(reader, "skipped_lines", 0)
    return result


def _bus_for_channel(decoder: CanDecoder, channel: object) -> str | None:
    for name, config in decoder.profile.buses.items():
        if config.matches_log_channel(channel):
            return name
    return None
