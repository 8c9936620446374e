"""OBD-II source: polls an ELM327 adapter with python-OBD and pushes VSS updates.

The source runs in its own thread. It connects to the adapter, finds the
supported PIDs, polls them by ``vehicle.obd_plan.POLL_TABLE``, reads DTCs
and the VIN now and then, and pushes every value as ``SignalUpdate``s into
the same sink as the CAN source. It never keeps the car awake: while the
ignition signal is off, the adapter reads a low voltage, or the car stops
responding, it sends no OBD-II request; it then checks only the adapter
(``ATRV``, which puts nothing on the car's bus) and probes the car again
after a growing pause. A lost adapter is reopened with the same backoff.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
import time
from typing import Callable, Iterator

import obd
from obd import OBDCommand, OBDResponse
from obd.utils import OBDStatus

from vehicle import vss
from vehicle.elm import FilteredReply, ReplyStatus
from vehicle.elm_adapter import FilteringELM327
from vehicle.faults import FaultLog
from vehicle.obd_config import ObdConfig
from vehicle.obd_plan import (
    VIN_COMMAND,
    PollPlan,
    batches,
    mask_vin,
    multi_pid_command,
    split_multi_pid,
    to_vss,
)
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)
#: python-OBD's own logger, parent of the adapter's.
_PYTHON_OBD_LOGGER = logging.getLogger("obd")


@contextlib.contextmanager
def _python_obd_quiet(quiet: bool) -> Iterator[None]:
    """Hold back python-OBD's log records below CRITICAL while ``quiet``."""
    if not quiet:
        yield
        return
    level = _PYTHON_OBD_LOGGER.level
    _PYTHON_OBD_LOGGER.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        _PYTHON_OBD_LOGGER.setLevel(level)

Sink = Callable[[list[SignalUpdate]], None]

#: An ELM327 fatal CAN error: the adapter must be reset.
FATAL_ADAPTER_ERROR = 94
#: ``ERRxx`` replies in a row after which the adapter is reset.
ADAPTER_ERRORS_BEFORE_RESET = 3
#: Replies that mean the car did not respond; enough of them in a row
#: pause polling.
_NO_ANSWER = {ReplyStatus.NO_DATA, ReplyStatus.CAR_NOT_ANSWERING}
#: A multi-PID request that failed this often is not tried again.
MULTI_PID_FAILURES_BEFORE_FALLBACK = 2
#: Interval of the INFO line with the fault counts, in seconds.
FAULT_REPORT_INTERVAL_S = 300.0


class ObdError(Exception):
    """Base of the OBD-II source's errors."""


class ObdUnavailable(ObdError):
    """The car cannot be asked right now (adapter lost, car asleep or refusing)."""


class DtcClearRejected(ObdError, PermissionError):
    """Clearing DTCs was refused: not parked, not confirmed or not allowed."""


class DtcClearFailed(ObdError):
    """The car did not confirm that it cleared its DTCs."""


class ObdState(enum.Enum):
    """State of the source, in words the status screen can show."""

    NOT_CONNECTED = "adapter not connected"
    CAR_NOT_ANSWERING = "adapter connected, car not answering"
    REFUSED = "car refused OBD-II mode 01"
    ASLEEP = "car asleep, not polling"
    POLLING = "car connected"


class ObdSource:
    """Poll the car through an ELM327 adapter in a thread of its own.

    ``ignition`` returns True, False or None (unknown) from a signal the
    integrator configured; ``is_parked`` returns whether the car is parked.
    Both are called from the source's thread and must be quick.
    """

    def __init__(
        self,
        config: ObdConfig,
        sink: Sink,
        *,
        ignition: Callable[[], bool | None] | None = None,
        is_parked: Callable[[], bool] | None = None,
    ) -> None:
        self.config = config
        self._sink = sink
        self._ignition = ignition or (lambda: None)
        self._is_parked = is_parked or (lambda: False)
        self.faults = FaultLog(logger)
        self.state = ObdState.NOT_CONNECTED
        self.state_reason = ""
        self.supported_pids: set[int] = set()
        self.multi_pid_ok = config.multi_pid
        self.values_read = 0
        self.requests_sent = 0
        self.reconnects = 0
        #: Whether the last attempt could not open the port; its retries stay quiet.
        self._open_failed = False
        self.vin: str | None = None
        self._adapter: FilteringELM327 | None = None
        self._plan: PollPlan | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._retry_s = config.retry_min_s
        self._next_probe = 0.0
        self._silent = 0
        self._adapter_errors = 0
        self._multi_failures = 0
        self._next_dtc_read = 0.0
        self._next_voltage_check = 0.0

    @property
    def status_text(self) -> str:
        """The state in plain words, with the reason when there is one."""
        if self.state_reason:
            return f"{self.state.value} ({self.state_reason})"
        return self.state.value

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="obd-source", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and close the adapter port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.config.timeout_s + 5)
        with self._lock:
            self._close()
        logger.info(
            "OBD-II source stopped: %d values read, fault counts %s",
            self.values_read,
            self.faults.counts(),
        )

    # ----------------------------------------------------------- main loop

    def _run(self) -> None:
        logger.info("OBD-II source started on %s", self.config.port)
        next_report = time.monotonic() + FAULT_REPORT_INTERVAL_S
        reported_total = 0
        while not self._stop.is_set():
            if time.monotonic() >= next_report:
                next_report = time.monotonic() + FAULT_REPORT_INTERVAL_S
                if self.faults.total() != reported_total:
                    reported_total = self.faults.total()
                    logger.info("OBD-II fault counts: %s", self.faults.counts())
            try:
                pause = self._step()
            except Exception:  # the source thread must never die
                logger.exception("OBD-II source step failed; closing the adapter")
                with self._lock:
                    self._close()
                pause = self._backoff()
            if pause:
                self._stop.wait(pause)

    def _step(self) -> float:
        """Do one unit of work; return how long to pause before the next."""
        if self._ignition() is False:
            self._set_state(ObdState.ASLEEP, "ignition off")
            self._next_probe = 0.0
            return self.config.sleep_check_s
        if self._adapter is None:
            return self._connect()
        if self.state is not ObdState.POLLING:
            return self._probe()
        if self._voltage_says_asleep():
            return self.config.sleep_check_s
        self.poll_once()
        return 0.0

    def connect(self) -> bool:
        """Open the adapter, read the supported PIDs, return whether polling started.

        The thread does this by itself; tools and tests call it to drive
        the source step by step without ``start``.
        """
        self._connect()
        return self.state is ObdState.POLLING

    def poll_once(self) -> None:
        """Poll the PIDs that are due, and the DTCs when their time has come."""
        if self.state is not ObdState.POLLING:
            return
        self._poll_round()
        if self._silent >= self.config.silent_requests:
            self._set_state(
                ObdState.CAR_NOT_ANSWERING,
                f"no answer to {self._silent} requests in a row",
            )
            self._next_probe = time.monotonic() + self._backoff()

    def query(self, command: OBDCommand) -> OBDResponse:
        """Send one python-OBD command now and return python-OBD's response."""
        response, _ = self._query(command)
        return response

    def _connect(self) -> float:
        # python-OBD logs a missing port at ERROR on each attempt. The first
        # failure is shown; the retries while the adapter stays unplugged
        # would repeat it every few seconds, so they are kept quiet.
        with self._lock, _python_obd_quiet(self._open_failed):
            adapter = FilteringELM327(
                self.config.port,
                self.config.baudrate,
                self.config.protocol,
                self.config.timeout_s,
                check_voltage=False,
            )
            status = adapter.status()
            self._open_failed = status == OBDStatus.NOT_CONNECTED
            if status == OBDStatus.NOT_CONNECTED:
                adapter.close()
                self._set_state(
                    ObdState.NOT_CONNECTED, f"cannot open {self.config.port}"
                )
                return self._backoff()
            if status != OBDStatus.CAR_CONNECTED:
                # Without a protocol python-OBD cannot parse replies, so
                # the whole handshake is repeated later.
                adapter.close()
                self._set_state(ObdState.CAR_NOT_ANSWERING, "no reply to 0100")
                return self._backoff()
            self._adapter = adapter
        self.reconnects += 1
        self._next_probe = 0.0
        return 0.0 if self._discover() else self.config.sleep_check_s

    def _probe(self) -> float:
        """While the car sleeps or is silent: check the adapter, then maybe the car.

        A car asleep by ignition or voltage is probed as soon as the
        voltage rises. A car that stopped responding or rejected mode 01 is
        probed only when its backoff has run out.
        """
        voltage = self.read_voltage()
        if voltage is not None and voltage < self.config.wake_voltage_v:
            return self.config.sleep_check_s
        wait = self._next_probe - time.monotonic()
        if self.state is not ObdState.ASLEEP and wait > 0:
            return min(wait, self.config.sleep_check_s)
        return 0.0 if self._discover() else self.config.sleep_check_s

    def _discover(self) -> bool:
        """Read the supported PIDs; start polling if the car answers."""
        supported: set[int] = set()
        refusal = None

        for getter in (obd.commands.PIDS_A, obd.commands.PIDS_B, obd.commands.PIDS_C):
            if getter.pid != 0 and getter.pid not in supported:
                break
            response, reply = self._query(getter)
            if reply is None:
                return False
            if reply.negatives and not reply.has_data:
                refusal = reply.negatives[0]
                break
            if response.is_null():
                break
            for offset, bit in enumerate(response.value):
                if bit:
                    supported.add(getter.pid + offset + 1)

        if refusal is not None and not supported:
            self._set_state(ObdState.REFUSED, refusal.describe())
            self._next_probe = time.monotonic() + self._backoff()
            return False
        if not supported:
            self._set_state(ObdState.CAR_NOT_ANSWERING, "no reply to 0100")
            self._next_probe = time.monotonic() + self._backoff()
            return False

        self.supported_pids = supported
        self._plan = PollPlan(supported)
        self._silent = 0
        self._retry_s = self.config.retry_min_s
        self._next_dtc_read = 0.0
        self._set_state(ObdState.POLLING, "")
        logger.info(
            "OBD-II: %d PIDs supported, polling %s",
            len(supported),
            ", ".join(item.command for item in self._plan.items),
        )
        if self.vin is None:
            self._read_vin()
        return True

    # ------------------------------------------------------------ polling

    def _poll_round(self) -> None:
        assert self._plan is not None
        due = self._plan.due()
        for batch in batches(due, self.multi_pid_ok):
            if self._stop.is_set() or self.state is not ObdState.POLLING:
                return
            self._poll_batch(batch)
        if time.monotonic() >= self._next_dtc_read:
            self._next_dtc_read = time.monotonic() + self.config.dtc_interval_s
            self.read_dtcs()
        if not due:
            self._stop.wait(0.05)

    def _poll_batch(self, batch) -> None:  # noqa: ANN001 - list of PollItem
        assert self._plan is not None
        now = time.time()
        updates = []
        missing = list(batch)
        if len(batch) > 1:
            response, reply = self._query(multi_pid_command(batch))
            decoded = split_multi_pid(response.value) if response.value else {}
            if decoded:
                self._multi_failures = 0
            elif reply is not None and not reply.timed_out:
                self._multi_failures += 1
                if self._multi_failures >= MULTI_PID_FAILURES_BEFORE_FALLBACK:
                    self.multi_pid_ok = False
                    logger.info(
                        "adapter returns no data for multi-PID requests; "
                        "polling one PID per request"
                    )
            for item in batch:
                value = to_vss(item, decoded[item.pid]) if item.pid in decoded else None
                if value is not None:
                    updates.append(SignalUpdate(item.path, value, now))
                    missing.remove(item)
                    self._plan.polled(item)
            if decoded or reply is None:
                # Items the ECU left out of a multi-PID answer wait for
                # their next turn, so a lost PID cannot stall the round.
                for item in missing:
                    self._plan.polled(item)
                missing = []
        for item in missing:
            response, reply = self._query(obd.commands[item.command])
            self._plan.polled(item)
            value = to_vss(item, response)
            if value is not None:
                updates.append(SignalUpdate(item.path, value, time.time()))
        if updates:
            self.values_read += len(updates)
            self._sink(updates)

    # ------------------------------------------------------ DTCs and VIN

    def read_dtcs(self) -> list[SignalUpdate]:
        """Read the MIL, stored, pending and freeze-frame DTCs and push them."""
        updates = []
        now = time.time()
        status, _ = self._query(obd.commands.STATUS)
        if not status.is_null():
            updates.append(SignalUpdate(vss.OBD_MIL_ON, bool(status.value.MIL), now))
            updates.append(
                SignalUpdate(vss.OBD_DTC_COUNT, int(status.value.DTC_count), now)
            )
        for command, path in (
            (obd.commands.GET_DTC, vss.DTC_LIST),
            (obd.commands.GET_CURRENT_DTC, vss.OBD_PENDING_DTC_LIST),
        ):
            response, reply = self._query(command)
            if reply is not None and reply.has_data and response.value is not None:
                updates.append(
                    SignalUpdate(path, [code for code, _ in response.value], now)
                )
        if obd.commands.FREEZE_DTC.pid in self.supported_pids:
            response, _ = self._query(obd.commands.FREEZE_DTC)
            if not response.is_null() and response.value is not None:
                updates.append(SignalUpdate(vss.OBD_FREEZE_DTC, response.value[0], now))
        if updates:
            self._sink(updates)
        return updates

    def read_freeze_frame(
        self, names: tuple[str, ...] = ("DTC_SPEED", "DTC_RPM", "DTC_COOLANT_TEMP")
    ) -> dict[str, object]:
        """Return mode 02 (freeze frame) values by python-OBD command name.

        NOTE: python-OBD 0.7's mode 02 commands carry no frame number
        (``020D``, where SAE J1979 has ``020D00``); ECUs that insist on it
        reply with a negative response, and the value is left out.
        """
        values: dict[str, object] = {}
        for name in names:
            command = obd.commands[name]
            response, reply = self._query(command)
            if not response.is_null():
                values[name] = response.value
        return values

    def _read_vin(self) -> None:
        response, _ = self._query(VIN_COMMAND)
        if response.is_null() or response.value is None:
            logger.info("the car did not send a VIN (mode 09 PID 02)")
            return
        self.vin = response.value
        logger.info("vehicle VIN %s", mask_vin(self.vin))
        self._sink([SignalUpdate(vss.VIN, self.vin, time.time())])

    def clear_dtcs(self, *, confirmed: bool) -> None:
        """Clear the car's DTCs (mode 04) and read them again.

        Raises ``DtcClearRejected`` unless the configuration allows it, the
        driver confirmed it and the car is parked. Raises ``ObdUnavailable``
        when the source is not polling, and ``DtcClearFailed`` when the car
        sends no positive response.
        """
        if not self.config.allow_clear_dtcs:
            raise DtcClearRejected(
                "clearing DTCs is switched off; set allow_clear_dtcs = true in "
                "the profile's [obd] table to allow it"
            )
        if not confirmed:
            raise DtcClearRejected("clearing DTCs needs the driver's confirmation")
        if not self._is_parked():
            raise DtcClearRejected(
                "clearing DTCs is allowed only while the car is parked"
            )
        if self.state is not ObdState.POLLING:
            raise ObdUnavailable(f"cannot clear DTCs: {self.status_text}")
        _, reply = self._query(obd.commands.CLEAR_DTC)
        if reply is None or not reply.has_data:
            reason = (
                reply.negatives[0].describe()
                if reply and reply.negatives
                else "no positive response to mode 04"
            )
            raise DtcClearFailed(f"the car did not clear its DTCs: {reason}")
        logger.warning("DTCs cleared at the driver's request")
        self.read_dtcs()

    # ----------------------------------------------------------- adapter

    def read_voltage(self) -> float | None:
        """Return the adapter's supply voltage (``ATRV``), or None."""
        with self._lock:
            if self._adapter is None:
                return None
            lines = self._adapter.send_raw(b"ATRV")
        if not lines:
            return None
        try:
            return float(lines[0].upper().rstrip("V"))
        except ValueError:
            return None

    def _voltage_says_asleep(self) -> bool:
        if time.monotonic() < self._next_voltage_check:
            return False
        self._next_voltage_check = time.monotonic() + self.config.sleep_check_s
        voltage = self.read_voltage()
        if voltage is not None and voltage < self.config.sleep_voltage_v:
            self._set_state(ObdState.ASLEEP, f"adapter reads {voltage:.1f} V")
            return True
        return False

    def _query(self, command: OBDCommand) -> tuple[OBDResponse, FilteredReply | None]:
        """Send ``command``; return python-OBD's response and the reply's findings.

        The reply is None when the adapter was lost; the source then closes
        it and reconnects later.
        """
        with self._lock:
            adapter = self._adapter
            if adapter is None:
                return OBDResponse(), None
            messages = adapter.send_and_parse(command.command)
            self.requests_sent += 1
            reply = adapter.reply_filter.last
            reply.timed_out = adapter.last_timed_out
            lost = adapter.status() == OBDStatus.NOT_CONNECTED or adapter.port is None
        if messages is None or lost:
            self.faults.report(
                ("adapter lost",), "OBD-II adapter on %s was lost", self.config.port
            )
            with self._lock:
                self._close()
            self._set_state(ObdState.NOT_CONNECTED, "adapter lost")
            return OBDResponse(), None
        self._account(command, reply)
        return command(messages), reply

    def _account(self, command: OBDCommand, reply: FilteredReply) -> None:
        name = command.name
        for status in reply.statuses:
            if status is ReplyStatus.SEARCHING:
                continue
            self.faults.report(
                ("status", status.name, name),
                "adapter replied %s to %s",
                status.value,
                name,
            )
        for negative in reply.negatives:
            self.faults.report(
                ("negative", negative.service, negative.code),
                "the car refused %s: %s",
                name,
                negative.describe(),
            )
        if reply.timed_out:
            self.faults.report(
                ("timeout", name),
                "no reply to %s within %.1f s",
                name,
                self.config.timeout_s,
            )
        if reply.has_data or reply.negatives:
            self._silent = 0
        elif reply.timed_out or _NO_ANSWER.intersection(reply.statuses):
            self._silent += 1
        if reply.adapter_errors:
            self._adapter_errors += 1
            code = reply.adapter_errors[-1]
            if (
                code == FATAL_ADAPTER_ERROR
                or self._adapter_errors >= ADAPTER_ERRORS_BEFORE_RESET
            ):
                self._reset_adapter(code)
        else:
            self._adapter_errors = 0

    def _reset_adapter(self, code: int) -> None:
        self.faults.report(
            ("adapter reset", code),
            "resetting the OBD-II adapter (ATZ and set-up) after ERR%02d",
            code,
        )
        with self._lock:
            self._close()
        self._adapter_errors = 0
        self._set_state(ObdState.NOT_CONNECTED, f"adapter reset after ERR{code:02d}")
        self._retry_s = self.config.retry_min_s

    def _close(self) -> None:
        if self._adapter is not None:
            self._adapter.close()
            self._adapter = None

    def _backoff(self) -> float:
        pause = self._retry_s
        self._retry_s = min(self._retry_s * 2, self.config.retry_max_s)
        return pause

    def _set_state(self, state: ObdState, reason: str) -> None:
        if state is self.state and reason == self.state_reason:
            return
        self.state = state
        self.state_reason = reason
        level = logging.WARNING if state is ObdState.REFUSED else logging.INFO
        logger.log(level, "OBD-II: %s", self.status_text)
