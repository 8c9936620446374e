"""A simulated car that drives the demo profile's CAN bus.

The simulator follows a drive cycle of phases (parked, accelerate, cruise,
brake, charge and more) read from a scenario file; see ``vehicle.scenario``. A simple longitudinal model of a battery-electric car
turns the speed into battery power and state of charge. Frames are encoded
with the same profile and DBC that decode them. The simulator is a separate
node on the bus, because the head unit's own bus object never sends.

Besides CAN frames, the simulator hands a position of the drive's GPS
track (``vehicle.gps_track``) once a second to its position sinks (an
NMEA feed for gpsd, or the demo's simulated GPS), and plugs an emulated
OBD-II adapter out and back in for ``adapter_unplugged`` phases.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol, Sequence

import can
import cantools

from vehicle import vss
from vehicle.candecode import CanDecoder
from vehicle.profile import SignalMapping
from vehicle.gps_track import GpsTrack, TrackPoint
from vehicle.scenario import (
    ALL_DTCS, CarStart, GpsStart, Phase, Scenario, ScenarioError, load_scenario,
)

__all__ = [
    "STOP_AND_GO", "DemoCar", "ElectricCarModel", "Phase", "Simulator",
    "encode_frame", "phase_at", "speed_at",
]

logger = logging.getLogger(__name__)

#: A receiver of track points: called with the point and its Unix timestamp.
PositionSink = Callable[[TrackPoint, float], None]
#: Interval between two positions of the GPS track, in simulated seconds.
GPS_PERIOD_S = 1.0


class AdapterControl(Protocol):
    """An OBD-II adapter the simulator can unplug, such as ``EmulatedAdapter``."""

    def request(self, plugged: bool) -> None:
        """Plug the adapter in (True) or out (False) without blocking the caller."""


#: About four minutes of town driving with queues and red lights.
STOP_AND_GO: tuple[Phase, ...] = load_scenario("stop-and-go").phases


@dataclass
class ElectricCarModel:
    """Longitudinal model of a compact battery-electric car.

    Figures are typical for the class, not any real car: 1,750 kg, drag area
    0.62 m², rolling resistance 0.011, 90 % drive efficiency, 65 % of braking
    power recovered, 600 W for climate and electronics.
    """

    capacity_kwh: float = 64.0
    soc_percent: float = 68.0
    odometer_km: float = 12_480.0
    outside_temperature_c: float = 12.0
    mass_kg: float = 1750.0
    drag_area_m2: float = 0.62
    rolling_resistance: float = 0.011
    drive_efficiency: float = 0.90
    regen_efficiency: float = 0.65
    auxiliary_w: float = 600.0
    climate_w: float = 400.0
    consumption_kwh_per_km: float = 0.155
    speed_kmh: float = 0.0
    power_w: float = 0.0
    trip_energy_kwh: float = 0.0
    trip_distance_km: float = 0.0

    def step(self, speed_kmh: float, dt: float, charge_w: float = 0.0) -> None:
        """Advance the model by ``dt`` seconds to the new ``speed_kmh``.

        ``charge_w`` is the power a charger delivers into the pack, in watts.
        """
        v0 = self.speed_kmh / 3.6
        v1 = speed_kmh / 3.6
        v = (v0 + v1) / 2
        accel = (v1 - v0) / dt if dt > 0 else 0.0
        wheel_w = (
            self.mass_kg * accel * v
            + 0.5 * 1.2 * self.drag_area_m2 * v**3
            + self.rolling_resistance * self.mass_kg * 9.81 * v
        )
        if wheel_w >= 0:
            battery_w = wheel_w / self.drive_efficiency
        else:
            battery_w = wheel_w * self.regen_efficiency
        self.power_w = battery_w + self.auxiliary_w - charge_w
        self.soc_percent -= self.power_w * dt / 3600 / 1000 / self.capacity_kwh * 100
        self.soc_percent = min(max(self.soc_percent, 0.0), 100.0)
        self.odometer_km += v * dt / 1000
        self.trip_energy_kwh += self.power_w * dt / 3_600_000
        self.trip_distance_km += v * dt / 1000
        self.speed_kmh = speed_kmh

    @property
    def range_km(self) -> float:
        return self.soc_percent / 100 * self.capacity_kwh / self.consumption_kwh_per_km

    @property
    def trip_consumption_kwh_per_100km(self) -> float:
        """The car's own trip figure: energy per 100 km since it was switched on."""
        if self.trip_distance_km < 0.1:
            return 0.0
        return self.trip_energy_kwh / self.trip_distance_km * 100


def phase_at(cycle: tuple[Phase, ...], t: float) -> Phase:
    """Return the phase of the cycle at ``t`` seconds; the last one after its end."""
    return cycle[phase_index_at(cycle, t)]


def phase_index_at(cycle: tuple[Phase, ...], t: float) -> int:
    """Return the index of the phase at ``t`` seconds; the last one after its end."""
    elapsed = 0.0
    for index, phase in enumerate(cycle):
        elapsed += phase.duration_s
        if t < elapsed:
            return index
    return len(cycle) - 1


def speed_at(cycle: tuple[Phase, ...], t: float) -> tuple[float, int, bool]:
    """Return the speed, gear and whether the cycle ended, at ``t`` seconds."""
    start_speed = 0.0
    elapsed = 0.0
    for phase in cycle:
        if t < elapsed + phase.duration_s:
            fraction = (t - elapsed) / phase.duration_s
            speed = start_speed + (phase.end_speed_kmh - start_speed) * fraction
            return speed, phase.gear, False
        elapsed += phase.duration_s
        start_speed = phase.end_speed_kmh
    return start_speed, cycle[-1].gear, True


@dataclass
class _Outgoing:
    message: cantools.database.Message
    bus: str
    period_s: float
    mappings: list[SignalMapping] = field(default_factory=list)
    due: float = 0.0


class DemoCar:
    """Produce the demo profile's frames for a drive cycle, in time order."""

    def __init__(
        self,
        decoder: CanDecoder,
        cycle: tuple[Phase, ...] = STOP_AND_GO,
        car: CarStart | None = None,
    ) -> None:
        self.decoder = decoder
        self.cycle = cycle
        car = car or CarStart()
        self.model = ElectricCarModel(
            capacity_kwh=decoder.profile.battery_capacity_kwh or 64.0,
            soc_percent=car.soc_percent,
            odometer_km=car.odometer_km,
            outside_temperature_c=car.outside_temperature_c,
            climate_w=car.climate_w,
        )
        #: The phase being played, for display; None before the first frame.
        self.phase: Phase | None = None
        self._phase_index = -1
        #: Trouble codes active now, oldest first.
        self.dtcs: list[str] = []
        check_dtc_encoding(decoder, cycle)
        self._outgoing: dict[tuple[str, str], _Outgoing] = {}
        for mapping in decoder.profile.signals.values():
            key = (mapping.bus, mapping.message)
            if key not in self._outgoing:
                database = decoder.dbcs[mapping.bus].database
                message = database.get_message_by_name(mapping.message)
                period = (message.cycle_time or 100) / 1000
                self._outgoing[key] = _Outgoing(message, mapping.bus, period)
            self._outgoing[key].mappings.append(mapping)

    @property
    def duration_s(self) -> float:
        return sum(phase.duration_s for phase in self.cycle)

    def frames(self, start: float, step_s: float = 0.01) -> Iterator[tuple[float, str, can.Message]]:
        """Yield (simulated seconds, bus, frame) through one drive cycle.

        Frame timestamps are ``start`` plus the simulated time.
        """
        t = 0.0
        while True:
            speed, gear, ended = speed_at(self.cycle, t)
            phase = self._enter(phase_index_at(self.cycle, t))
            charge_w = self._charge_power_w(phase)
            self.model.step(speed, step_s, charge_w)
            values = self._vss_values(gear, phase.power_state)
            if charge_w > 0:
                values[vss.IS_CHARGING] = True
                values[vss.CHARGING_TYPE] = phase.charging_type
            for outgoing in self._outgoing.values():
                if t + 1e-9 >= outgoing.due:
                    outgoing.due += outgoing.period_s
                    if not phase.bus_silent:
                        yield t, outgoing.bus, self._encode(outgoing, values, start + t)
            if ended:
                return
            t += step_s

    def _enter(self, index: int) -> Phase:
        """Return the phase at ``index`` and apply its one-off effects on entry."""
        phase = self.cycle[index]
        if index == self._phase_index:
            return phase
        self._phase_index = index
        self.phase = phase
        logger.debug("simulated car enters phase %r (%s)", phase.name, phase.kind)
        if phase.set_soc_percent is not None:
            self.model.soc_percent = phase.set_soc_percent
        if phase.dtc is not None and phase.dtc not in self.dtcs:
            self.dtcs.append(phase.dtc)
        if phase.dtc_clear == ALL_DTCS:
            self.dtcs.clear()
        elif phase.dtc_clear in self.dtcs:
            self.dtcs.remove(phase.dtc_clear)
        if (phase.dtc or phase.dtc_clear) and vss.DTC_LIST not in self.decoder.profile.signals:
            logger.info(
                "scenario DTC change not sent: profile %s maps no CAN signal "
                "to %s", self.decoder.profile.source, vss.DTC_LIST,
            )
        return phase

    def _charge_power_w(self, phase: Phase) -> float:
        if phase.charging_type == "NONE":
            return 0.0
        if self.model.soc_percent >= phase.target_soc_percent:
            return 0.0
        return phase.charge_power_kw * 1000

    def _vss_values(self, gear: int, power_state: str) -> dict[str, Any]:
        model = self.model
        return {
            vss.SPEED: model.speed_kmh,
            vss.SELECTED_GEAR: gear,
            vss.SOC_DISPLAYED: model.soc_percent,
            vss.BATTERY_POWER: model.power_w,
            vss.RANGE: model.range_km * 1000,
            vss.OUTSIDE_TEMPERATURE: model.outside_temperature_c,
            vss.ODOMETER: model.odometer_km,
            vss.LOW_VOLTAGE_SYSTEM_STATE: power_state,
            vss.IS_CHARGING: False,
            vss.CHARGING_TYPE: "NONE",
            vss.HVAC_POWER: model.climate_w,
            vss.CAR_TRIP_CONSUMPTION: model.trip_consumption_kwh_per_100km,
            # A diagnostic message carries one code: the newest active one.
            vss.DTC_LIST: self.dtcs[-1:],
            vss.OBD_DTC_COUNT: len(self.dtcs),
        }

    def _encode(self, outgoing: _Outgoing, values: dict[str, Any], timestamp: float) -> can.Message:
        return encode_frame(outgoing.message, outgoing.mappings, values, timestamp)


def check_dtc_encoding(decoder: CanDecoder, cycle: Sequence[Phase]) -> None:
    """Raise ``ScenarioError`` when the profile cannot send a scenario's trouble code.

    A profile maps ``Vehicle.OBD.DTCList`` through a DBC value table, so
    only the codes in that table, and the empty list, can be sent. A
    profile that maps no DTC signal accepts every code and sends none.
    """
    mapping = decoder.profile.signals.get(vss.DTC_LIST)
    if mapping is None:
        return
    known = {
        tuple(value) for value in (mapping.values or {}).values()
        if isinstance(value, list)
    }
    key = f'{decoder.profile.source}: {mapping.key()}.values'
    if () not in known:
        raise ScenarioError(f"{key}: no entry maps to the empty list [] (no DTC active)")
    for phase in cycle:
        if phase.dtc is not None and (phase.dtc,) not in known:
            codes = ", ".join(sorted(value[0] for value in known if value))
            raise ScenarioError(
                f"phase {phase.name!r}: DTC {phase.dtc} is not in the value table of "
                f"{mapping.message}.{mapping.signal} ({key}); it can send {codes}"
            )


def encode_frame(
    message: cantools.database.Message,
    mappings: list[SignalMapping],
    values: dict[str, Any],
    timestamp: float,
) -> can.Message:
    """Encode VSS ``values`` into one frame of ``message``, as the profile maps them.

    Signals without a value get their DBC minimum, or 0 where 0 is in range.
    """
    signals = {signal.name: _default(signal) for signal in message.signals}
    for mapping in mappings:
        if mapping.path in values:
            signals[mapping.signal] = _to_dbc(mapping, message, values[mapping.path])
    data = message.encode(signals, scaling=True, strict=False)
    return can.Message(
        timestamp=timestamp,
        arbitration_id=message.frame_id,
        is_extended_id=message.is_extended_frame,
        is_fd=message.is_fd,
        data=data,
    )


def _default(signal: cantools.database.Signal) -> float:
    low = signal.minimum if signal.minimum is not None else 0
    return max(low, 0) if (signal.maximum is None or signal.maximum >= 0) else low


def _to_dbc(mapping: SignalMapping, message: cantools.database.Message, value: Any) -> Any:
    signal = message.get_signal_by_name(mapping.signal)
    if mapping.values is not None:
        name = next(name for name, vss_value in mapping.values.items() if vss_value == value)
        return next(number for number, choice in signal.choices.items() if str(choice) == name)
    raw = (value - mapping.offset) / mapping.factor
    if signal.minimum is not None:
        raw = max(raw, signal.minimum)
    if signal.maximum is not None:
        raw = min(raw, signal.maximum)
    return raw


class Simulator:
    """Send a ``DemoCar``'s frames on python-can buses from a thread.

    ``time_scale`` 1.0 plays in real time; 20.0 runs twenty times faster
    while frame timestamps keep simulated time, so trips come out the same.
    With ``loop`` the cycle repeats until ``stop()``, and the GPS track of
    each pass starts where the one before ended.

    Each of ``position_sinks`` gets a track point every ``GPS_PERIOD_S``
    simulated seconds, in the sending thread, so it must be quick.
    ``adapter`` is unplugged while an ``adapter_unplugged`` phase plays.
    ``ScenarioError`` is raised when the profile cannot send a trouble
    code of the cycle.
    """

    def __init__(
        self,
        decoder: CanDecoder,
        *,
        time_scale: float = 1.0,
        loop: bool = True,
        cycle: tuple[Phase, ...] = STOP_AND_GO,
        scenario: Scenario | None = None,
        bus_factory: Callable[..., can.BusABC] = can.Bus,
        position_sinks: Sequence[PositionSink] = (),
        adapter: AdapterControl | None = None,
    ) -> None:
        self.decoder = decoder
        self.time_scale = time_scale
        self.loop = loop
        self.cycle = scenario.phases if scenario is not None else cycle
        self.car_start = scenario.car if scenario is not None else CarStart()
        self.gps_start = scenario.gps if scenario is not None else GpsStart()
        check_dtc_encoding(decoder, self.cycle)
        self.position_sinks = list(position_sinks)
        self.adapter = adapter
        self._adapter_plugged = True
        #: The car being played; its ``phase`` is the current phase.
        self.car: DemoCar | None = None
        self._bus_factory = bus_factory
        self._stop = threading.Event()
        self.cycle_done = threading.Event()
        #: Set once the sending thread has ended, after an error too.
        self.stopped = threading.Event()
        #: The sending thread ended on an error (logged).
        self.failed = False
        self._thread: threading.Thread | None = None
        self.frames_sent = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="can-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        buses: dict[str, can.BusABC] = {}
        try:
            for name, config in self.decoder.profile.buses.items():
                buses[name] = self._bus_factory(
                    interface=config.interface,
                    channel=config.channel,
                    preserve_timestamps=True,
                )
            car_state = None
            track_start = self.gps_start
            # Each cycle continues the simulated clock where the last one
            # ended. Restarting it from the wall clock would send time back
            # at every loop when the time scale is above 1.
            sim_start = time.time()
            while not self._stop.is_set():
                car = DemoCar(self.decoder, self.cycle, self.car_start)
                if car_state is not None:
                    car.model = car_state
                self.car = car
                track = GpsTrack(self.cycle, track_start)
                self._play(car, track, buses, sim_start)
                sim_start += car.duration_s
                car_state = car.model
                track_start = track.end
                self.cycle_done.set()
                if not self.loop:
                    break
        except Exception:
            self.failed = True
            logger.exception("the CAN simulator stopped after an error")
        finally:
            for bus in buses.values():
                bus.shutdown()
            self.stopped.set()

    def _play(
        self,
        car: DemoCar,
        track: GpsTrack,
        buses: dict[str, can.BusABC],
        sim_start: float,
    ) -> None:
        wall_start = time.monotonic()
        for t, kind, bus, item in self._timeline(car, track, sim_start):
            if self._stop.is_set():
                return
            delay = wall_start + t / self.time_scale - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if kind == _FRAME:
                buses[bus].send(item)
                self.frames_sent += 1
            elif kind == _POSITION:
                for sink in self.position_sinks:
                    sink(item, sim_start + t)
            else:
                self._begin_phase(item)

    def _timeline(
        self, car: DemoCar, track: GpsTrack, sim_start: float
    ) -> Iterator[tuple[float, int, str, Any]]:
        """Merge phase starts, positions and frames into one stream in time order.

        Phase starts come from the cycle, not from the frames, so they
        keep their time during a phase without frames.
        """
        starts = []
        elapsed = 0.0
        for phase in self.cycle:
            starts.append((elapsed, _PHASE, "", phase))
            elapsed += phase.duration_s
        frames = ((t, _FRAME, bus, frame) for t, bus, frame in car.frames(sim_start))
        streams: list[Iterator[tuple[float, int, str, Any]]] = [iter(starts), frames]
        if self.position_sinks:
            # When looping, the next pass sends the point at the cycle's end
            # as its first, so this pass leaves it out.
            end = car.duration_s if self.loop else float("inf")
            streams.append(
                (point.t, _POSITION, "", point)
                for point in track.points(GPS_PERIOD_S)
                if point.t < end
            )
        return heapq.merge(*streams, key=lambda entry: (entry[0], entry[1]))

    def _begin_phase(self, phase: Phase) -> None:
        if self.adapter is None:
            return
        plugged = phase.kind != "adapter_unplugged"
        if plugged != self._adapter_plugged:
            self._adapter_plugged = plugged
            self.adapter.request(plugged)


#: Kinds of entries on the simulator's timeline. At equal times a phase
#: start comes first, then positions, then frames.
_PHASE, _POSITION, _FRAME = 0, 1, 2
