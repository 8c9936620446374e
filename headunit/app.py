"""The composition root: builds the head unit from a profile and its inputs.

``HeadUnit`` wires one vehicle input (a live CAN bus, the simulated demo
car, or a recorded log) through ``VehicleState`` into the trip recorder
and the store, and offers the UI what it shows. Configuration faults do
not stop it: they are kept in ``config_errors`` for the screen to show,
and the head unit runs without the input that failed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path

import assets
from headunit import journal
from headunit.config import AppConfig, ConfigError, default_config
from headunit.obd_link import build_obd_source
from headunit.platform_sync import CREDENTIALS_FILE, PlatformSync
from headunit import status
from headunit.charging import ChargingRecorder, platform_tariffs
from headunit.recorder import TripRecorder
from headunit.state import Snapshot, VehicleState
from headunit.status import Status
from headunit.community import Community
from headunit.tips import Tip
from headunit.tripconfig import TripConfigError, TripSettings
from headunit.tripstatus import TripLogStatus, rate_trip, trip_log_status
from headunit.tripwriter import TripWriter
from sync.engine import SyncStatus
from sync.feedback_outbox import OutboxSink
from sync.retention import enforce_budget
from sync.store import Store
from sync.triplog import TripLog, TripSummary
from vehicle import busstatus, vss
from vehicle.candecode import CanDecoder
from vehicle.cansource import BusOverride, CanSource, ReplayResult, replay_log
from vehicle.dbc import DbcError
from vehicle.gps_source import GpsSource, GpsStatus
from vehicle.obd_source import ObdState
from vehicle.profile import ProfileError, VehicleProfile, load_profile
from vehicle.scenario import Scenario, ScenarioError
from vehicle.simulated_gps import SimulatedGps
from vehicle.simulator import Simulator

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh_CN"
#: The GPS source's states on the status bar's ladder.
_GPS_LADDER = {
    GpsStatus.NO_GPSD: status.GPS_NONE,
    GpsStatus.NO_FIX: status.GPS_NO_FIX,
    GpsStatus.FIX_2D: status.GPS_FIX_2D,
    GpsStatus.FIX_3D: status.GPS_FIX_3D,
}

#: The OBD-II source's states on the status ladder.
_OBD_LADDER = {
    ObdState.NOT_CONNECTED: status.OBD_LOST,
    ObdState.CAR_NOT_ANSWERING: status.OBD_NO_CAR,
    ObdState.REFUSED: status.OBD_NO_CAR,
    ObdState.ASLEEP: status.OBD_NO_CAR,
    ObdState.POLLING: status.OBD_CONNECTED,
}


@dataclass
class InputConfig:
    """Source of vehicle data.

    ``kind`` is "demo" (simulated car on a virtual bus), "bus" (the
    profile's buses, or ``bus_override``) or "replay" (``replay_path``).
    """

    kind: str = "demo"
    replay_path: Path | None = None
    replay_speed: float | None = 1.0
    replay_stop_at_s: float | None = None
    #: Time zone of the wall-clock start times in ASC headers; None: local.
    replay_timezone: tzinfo | None = None
    time_scale: float = 1.0
    loop: bool = True
    #: Drive the demo car plays; None plays the built-in stop-and-go cycle.
    scenario: Scenario | None = None
    bus_override: BusOverride = field(default_factory=BusOverride)
    #: Overrides for single buses by name; what they set wins over ``bus_override``.
    bus_overrides: dict[str, BusOverride] = field(default_factory=dict)
    #: gpsd to read the position from, as (host, port); None runs without GPS.
    #: NOTE: GPS updates carry the wall-clock time of their arrival, so next
    #: to a replay or a demo faster than real time the two clocks differ.
    gpsd: tuple[str, int] | None = None
    #: ELM327 adapter port or URL; overrides the profile's ``[obd]`` port.
    obd_port: str | None = None


class HeadUnit:
    """Everything the head unit runs, started and stopped as one."""

    def __init__(
        self,
        profile_path: Path,
        db_path: Path,
        *,
        inputs: InputConfig | None = None,
        dbc_search_path: tuple[Path, ...] = (),
        language: str = DEFAULT_LANGUAGE,
        parked_timeout_s: float | None = None,
        trip_settings: TripSettings | None = None,
    ) -> None:
        self.inputs = inputs or InputConfig()
        self.language = language
        #: The application configuration; settings no part uses yet (OBD
        #: adapter, gpsd, platform, features, branding) are read from here.
        self.config: AppConfig = default_config()
        self.config_errors: list[str] = []
        self.state = VehicleState()
        self.input_done = threading.Event()
        self.replay_result: ReplayResult | None = None
        self.decoder: CanDecoder | None = None
        self.profile = self._load_profile(profile_path, dbc_search_path)
        for name in self.inputs.bus_overrides:
            if name not in self.profile.buses:
                self._config_error(ProfileError(
                    self.profile.source, f"buses.{name}",
                    "an --interface or --channel override names this bus, "
                    f"but the profile has only {', '.join(sorted(self.profile.buses))}",
                ))

        self.trip_settings = self._load_trip_settings(trip_settings)
        self.store = Store(db_path)
        self.trip_log = TripLog(self.store, car_consumption_path=vss.CAR_TRIP_CONSUMPTION)
        self.trip_writer = TripWriter(self.trip_log, self.profile.vehicle_id)
        self.recorder = TripRecorder(
            self.state,
            self.trip_log,
            self.profile,
            parked_timeout_s=parked_timeout_s,
            settings=self.trip_settings,
            writer=self.trip_writer,
        )
        self.charging_recorder = ChargingRecorder(
            self.trip_writer, self.profile, self.recorder.settings,
            platform_tariffs=lambda: platform_tariffs(self.store),
        )
        self.state.add_observer(self.recorder.on_updates)
        self.state.add_observer(self.charging_recorder.on_updates)
        self.storage_warning: str | None = None
        self.obd_source = build_obd_source(
            self.profile.obd, self.inputs.obd_port, self.state, self.store
        )
        #: Tips, clubs, service experience, ratings and points.
        self.community = Community(self.store, self.profile, sink=OutboxSink(self.store))
        self.sync = PlatformSync(
            self.store,
            Path(db_path).parent / CREDENTIALS_FILE,
            model=self.profile.name,
            position=self._position,
        )
        self._synced_trips_version = 0
        self.state.add_observer(self._wake_sync_after_trip)

        self._can_source: CanSource | None = None
        #: gpsd when ``inputs.gpsd`` names one. In the demo without gpsd, it is
        #: the simulated GPS that follows the demo drive.
        self.gps_source: GpsSource | SimulatedGps | None = None
        self._simulator: Simulator | None = None
        self._replay_thread: threading.Thread | None = None
        self._tick_thread: threading.Thread | None = None
        self._replay_monitor = busstatus.BusMonitor()
        self._stop = threading.Event()

    @classmethod
    def demo(cls, db_path: Path, *, time_scale: float = 1.0, loop: bool = True,
             **kwargs: object) -> "HeadUnit":
        """Build the built-in demo: the simulated demo car on a virtual CAN bus."""
        return cls(
            assets.DEMO_PROFILE,
            db_path,
            inputs=InputConfig(kind="demo", time_scale=time_scale, loop=loop),
            **kwargs,  # type: ignore[arg-type]
        )

    @classmethod
    def from_config(
        cls,
        config: AppConfig,
        *,
        inputs: InputConfig | None = None,
        db_path: Path | None = None,
        language: str | None = None,
        **kwargs: object,
    ) -> "HeadUnit":
        """Build the head unit an application configuration describes.

        ``db_path`` and ``language``, when given, replace the configuration's.
        """
        if inputs is None:
            if config.simulate:
                # The simulated car sends on the profile's own buses.
                inputs = InputConfig(kind="demo")
            else:
                override = BusOverride(config.can.interface, config.can.channel)
                inputs = InputConfig(kind="bus", bus_override=override)
            if config.gps is not None:
                # gpsd is the real position source, also next to the demo car.
                inputs.gpsd = (config.gps.host, config.gps.port)
        headunit = cls(
            config.profile_path,
            db_path or config.db_path,
            inputs=inputs,
            dbc_search_path=config.dbc_path,
            language=language or config.language,
            **kwargs,  # type: ignore[arg-type]
        )
        headunit.config = config
        if config.branding_error is not None:
            # The UI shows the default brand and this error, and the vehicle
            # inputs still run.
            headunit._config_error(config.branding_error)
        return headunit

    @classmethod
    def without_vehicle(cls, error: ConfigError, **kwargs: object) -> "HeadUnit":
        """Build a head unit that shows ``error`` and reads no vehicle input.

        Used when the configuration file does not load: the screens still
        start on the demo profile and show the error. The database is the
        default one unless ``db_path`` names another.
        """
        headunit = cls.from_config(default_config(), **kwargs)
        headunit.decoder = None
        headunit._config_error(error)
        return headunit

    @property
    def trips_version(self) -> int:
        """Grows whenever a trip starts, gets a sample, or closes, or a charge does."""
        return self.recorder.trips_version + self.charging_recorder.sessions_version

    @property
    def trip_log_status(self) -> TripLogStatus:
        """Status of the trip log for the trips screen: recording, held writes, storage."""
        return trip_log_status(self)

    def rate_trip(self, trip_id: str, **rating: object) -> TripSummary:
        """Rate a drive and the car, tag it and set its purpose, only while parked.

        Takes the keyword arguments of ``TripLog.rate_trip``; raises
        ``RatingWhileMovingError`` while the car moves and ``TripLogError``
        for invalid values.
        """
        return rate_trip(self, trip_id, **rating)

    def status(self) -> Status:
        """Return the current state of the vehicle bus, GPS and sync."""
        sync = self.sync_status
        return Status(
            bus=self.bus_status,
            gps=_GPS_LADDER[self.gps_status],
            sync=sync.state,
            sync_pending=sync.pending,
            obd=self.obd_status,
        )

    @property
    def obd_status(self) -> str:
        """State of the OBD-II adapter on the status ladder; ``status.OBD_NONE`` without one."""
        if self.obd_source is None:
            return status.OBD_NONE
        return _OBD_LADDER[self.obd_source.state]

    @property
    def bus_status(self) -> str:
        """Health of the vehicle CAN input, worst bus first.

        One of ``"lost"`` (frames stopped, the interface failed or went
        bus-off: show "vehicle bus lost"), ``"no bus"`` (no CAN input, or
        it never opened), ``"silent"`` (open, nothing received yet) and
        ``"receiving"``. Cheap enough to read on every UI refresh.
        """
        if self._can_source is not None:
            return self._can_source.status()
        if self.inputs.kind == "replay" and self.decoder is not None:
            return self._replay_monitor.status()
        return busstatus.NO_BUS

    @property
    def gps_status(self) -> GpsStatus:
        """How much the GPS knows now; ``NO_GPSD`` also when no gpsd is configured."""
        if self.gps_source is None:
            return GpsStatus.NO_GPSD
        return self.gps_source.status

    @property
    def sync_status(self) -> SyncStatus:
        """Platform sync state for the UI: synced, pending N, offline, signed out."""
        return self.sync.status

    def _wake_sync_after_trip(self, _updates: object) -> None:
        # Runs after the recorder's observer, so a trip closed by these
        # updates is already in the database when the sync pass starts.
        version = self.recorder.trips_version
        if version != self._synced_trips_version:
            self._synced_trips_version = version
            if not self.recorder.recording:
                self.sync.engine.wake()

    def _position(self) -> tuple[float, float] | None:
        latitude = self.state.value("Vehicle.CurrentLocation.Latitude")
        longitude = self.state.value("Vehicle.CurrentLocation.Longitude")
        if latitude is None or longitude is None:
            return None
        return float(latitude), float(longitude)

    def best_tip(self, snapshot: Snapshot) -> Tip | None:
        """Return the community tip that fits the situation best, if any."""
        return self.community.tips.best(snapshot)

    def start(self) -> None:
        """Take over unfinished trips and charges, then start reading the vehicle."""
        self.recorder.adopt_open_trips(self.trip_log.open_trips())
        self.charging_recorder.adopt_open_sessions(
            self.trip_log.open_charging_sessions()
        )
        self.check_storage()
        self._tick_thread = threading.Thread(
            target=self._tick, name="trip-tick", daemon=True
        )
        self._tick_thread.start()
        if self.inputs.gpsd is not None:
            host, port = self.inputs.gpsd
            self.gps_source = GpsSource(host, port, self.state.update)
            self.gps_source.start()
        elif self.inputs.kind == "demo" and self.decoder is not None:
            self.gps_source = SimulatedGps(self.state.update)
            self.gps_source.start()
        if self.obd_source is not None:
            # OBD-II runs beside any CAN input, also when the CAN side failed.
            self.obd_source.start()
        self.sync.start()
        if self.decoder is None:
            logger.error("vehicle input not started: the configuration has errors")
            self.input_done.set()
            return
        kind = self.inputs.kind
        if kind == "replay":
            self._replay_thread = threading.Thread(
                target=self._replay, name="can-replay", daemon=True
            )
            self._replay_thread.start()
            return
        if kind == "demo":
            # The demo car and the head unit are two nodes on one virtual bus.
            simulated_gps = self.gps_source if isinstance(self.gps_source, SimulatedGps) else None
            try:
                self._simulator = Simulator(
                    self.decoder, time_scale=self.inputs.time_scale, loop=self.inputs.loop,
                    scenario=self.inputs.scenario,
                    position_sinks=[simulated_gps] if simulated_gps is not None else [],
                )
            except ScenarioError as error:
                # The head unit still reads the bus, without the demo car on it.
                self._config_error(error)
        every = self.inputs.bus_override
        overrides = {}
        for name in self.profile.buses:
            own = self.inputs.bus_overrides.get(name, BusOverride())
            overrides[name] = BusOverride(
                own.interface or every.interface, own.channel or every.channel
            )
        self._can_source = CanSource(self.decoder, self.state.update, overrides)
        self._can_source.start()
        if self._simulator is not None:
            self._simulator.start()
            threading.Thread(
                target=self._wait_for_simulator, name="demo-watch", daemon=True
            ).start()

    def stop(self) -> None:
        """Stop every input, close the running trip and the store."""
        self._stop.set()
        if self._simulator is not None:
            self._simulator.stop()
        if self._can_source is not None:
            self._can_source.stop()
        if self.gps_source is not None:
            self.gps_source.stop()
        if self.obd_source is not None:
            self.obd_source.stop()
        if self._replay_thread is not None:
            self._replay_thread.join(timeout=10)
        if self._tick_thread is not None:
            self._tick_thread.join(timeout=5)
        self.recorder.finish("shutdown")
        self.charging_recorder.finish("shutdown")
        writer_status = self.trip_writer.status
        if not writer_status.ok:
            logger.error("stopping with %d trip log writes not stored: %s",
                         writer_status.queued, writer_status.last_error)
        self.sync.stop()
        self.store.close()

    def check_storage(self) -> None:
        """Keep the database within the storage budget; set ``storage_warning``."""
        try:
            report = enforce_budget(
                self.store, int(self.trip_settings.storage_budget_mb * 1_000_000)
            )
        except Exception as error:  # the budget must never stop recording
            logger.error("storage budget check failed: %s", error)
            return
        self.storage_warning = report.warning

    def _load_trip_settings(self, settings: TripSettings | None) -> TripSettings:
        settings = settings or TripSettings()
        try:
            settings = settings.with_profile(self.profile.source)
        except TripConfigError as error:
            self._config_error(error)
        # The car's own trip figure is shown beside ours whenever the
        # profile maps it, so it is logged even if [trips] omits it.
        path = vss.CAR_TRIP_CONSUMPTION
        if self.profile.provides(path) and path not in settings.logged_paths:
            settings = replace(settings, logged_paths=(*settings.logged_paths, path))
        return settings

    def _tick(self) -> None:
        closed_version = -1
        while not self._stop.wait(1.0):
            now = self.state.now
            if now:
                self.recorder.tick(now)
                self.charging_recorder.tick(now)
            # Trips closed since the last check may have pushed the database
            # past its budget.
            if self.recorder.trip_id is None and closed_version != self.trips_version:
                closed_version = self.trips_version
                self.check_storage()

    def _load_profile(
        self, profile_path: Path, dbc_search_path: tuple[Path, ...]
    ) -> VehicleProfile:
        try:
            profile = load_profile(profile_path)
        except ProfileError as error:
            # Without a profile there is nothing to decode; the demo profile
            # keeps the screens working while the error is shown.
            self._config_error(error)
            return load_profile(assets.DEMO_PROFILE)
        try:
            decoder = CanDecoder(profile, dbc_search_path, skip_broken_buses=True)
        except (DbcError, ProfileError) as error:
            self._config_error(error)
            return profile
        for error in decoder.errors:
            self._config_error(error)
        # A bus with a configuration error is left out; the others still run.
        self.decoder = decoder if decoder.profile.buses else None
        return profile

    def _config_error(self, error: Exception) -> None:
        logger.error(
            "configuration error: %s", error,
            extra={"message_id": journal.MESSAGE_ID_CONFIG_ERROR},
        )
        self.config_errors.append(str(error))

    def _replay(self) -> None:
        assert self.decoder is not None and self.inputs.replay_path is not None
        limit = self.inputs.replay_stop_at_s
        try:
            self.replay_result = replay_log(
                self.inputs.replay_path,
                self.decoder,
                self.state.update,
                speed=self.inputs.replay_speed,
                stop=self._stop,
                duration_s=limit,
                monitor=self._replay_monitor,
                reader_options=(
                    {"timezone": self.inputs.replay_timezone}
                    if self.inputs.replay_timezone is not None
                    else None
                ),
            )
        except Exception:
            logger.exception("replay of %s failed", self.inputs.replay_path)
        finally:
            if limit is None:
                self.recorder.finish("end of input")
            self.input_done.set()

    def _wait_for_simulator(self) -> None:
        assert self._simulator is not None
        while not self._stop.is_set():
            if self._simulator.cycle_done.wait(0.2):
                self.input_done.set()
                return

