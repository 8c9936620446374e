"""The GPS source: reads gpsd in its own thread and pushes location updates.

The connection uses gpsdclient, whose socket has a read timeout, so a gpsd
that accepts the connection and then falls silent is noticed instead of
blocking the reader for ever. The source parses gpsd's JSON itself
(``GpsdDecoder``) so that one bad line is skipped instead of ending the
stream. When gpsd is not running, dies, or stays silent for ``timeout_s``,
the source reports the fix as lost, shows ``GpsStatus.NO_GPSD`` and
connects again after an exponential backoff with jitter.
"""

from __future__ import annotations

import enum
import logging
import random
import socket
import threading
import time
from typing import Callable

from gpsdclient import GPSDClient

from vehicle import vss
from vehicle.gpsd_reports import GpsdDecoder
from vehicle.signals import SignalUpdate

logger = logging.getLogger(__name__)

Sink = Callable[[list[SignalUpdate]], None]

DEFAULT_GPSD_HOST = "127.0.0.1"
DEFAULT_GPSD_PORT = 2947
#: Maximum silence from gpsd before the connection counts as dead, in
#: seconds. A receiver sends a fix cycle every second or faster, so gpsd
#: normally reports at least once a second.
DEFAULT_TIMEOUT_S = 5.0
#: First and maximum wait before connecting again, in seconds.
DEFAULT_RETRY_INITIAL_S = 0.5
DEFAULT_RETRY_MAX_S = 30.0


class GpsStatus(enum.Enum):
    """Level of GPS service, from worst to best. The value is the key the UI shows.

    The status changes with gpsd's TPV reports, so it stays ``NO_GPSD``
    while gpsd runs without a receiver that reports.
    """

    NO_GPSD = "no gpsd"
    NO_FIX = "no fix"
    FIX_2D = "2D fix"
    FIX_3D = "3D fix"


_STATUS_OF_FIX = {
    vss.FIX_NONE: GpsStatus.NO_FIX,
    vss.FIX_2D: GpsStatus.FIX_2D,
    vss.FIX_3D: GpsStatus.FIX_3D,
}


def parse_gpsd_address(text: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (or ``[IPv6]:PORT``, or ``HOST``) into host and port.

    Raises ``ValueError`` naming the text when the port is not a number
    from 1 to 65535 or the host is empty.
    """
    host, separator, port_text = text.rpartition(":")
    if not separator or (host.count(":") and not host.startswith("[")):
        host, port_text = text, str(DEFAULT_GPSD_PORT)
    host = host.strip("[]")
    try:
        port = int(port_text)
    except ValueError:
        port = 0
    if not host or not 1 <= port <= 65535:
        raise ValueError(
            f"invalid gpsd address {text!r}: expected HOST:PORT, "
            f"such as 127.0.0.1:{DEFAULT_GPSD_PORT}"
        )
    return host, port


class GpsSource:
    """Read gpsd at ``host``:``port`` and push ``SignalUpdate`` batches to ``sink``.

    ``sink`` runs in the reader thread and must be quick; an exception in
    it is counted and logged once per kind. ``status`` and
    ``satellites_used`` may be read from any thread.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sink: Sink,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retry_initial_s: float = DEFAULT_RETRY_INITIAL_S,
        retry_max_s: float = DEFAULT_RETRY_MAX_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host = host
        self.port = port
        self._sink = sink
        self.timeout_s = timeout_s
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self._clock = clock
        self.decoder = GpsdDecoder()
        self.status = GpsStatus.NO_GPSD
        #: Connections made and connections lost since the start.
        self.connects = 0
        self.disconnects = 0
        #: Whether gpsd has confirmed the watch on the current connection,
        #: so it sends every report from now on.
        self.watching = False
        self._stop = threading.Event()
        self._client: GPSDClient | None = None
        self._thread: threading.Thread | None = None

    @property
    def satellites_used(self) -> int | None:
        """Satellites in the fix, from gpsd's newest SKY report; None if unknown."""
        return self.decoder.satellites_used

    @property
    def faults(self) -> dict[object, int]:
        """Count per kind of fault in gpsd's reports or in the sink."""
        return self.decoder.faults.counts()

    def start(self) -> None:
        """Start the reader thread; it connects and reconnects on its own."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name="gps-reader", daemon=True
        )
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop reading and close the connection to gpsd."""
        self._stop.set()
        client = self._client
        if client is not None and client.sock is not None:
            # shutdown, unlike close, wakes a recv blocked in the reader thread.
            try:
                client.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        logger.info("reading GPS from gpsd at %s:%d", self.host, self.port)
        delay = self.retry_initial_s
        while not self._stop.is_set():
            reports_before = self.decoder.tpv_reports
            try:
                self._read_until_closed()
                reason = "gpsd closed the connection"
            except TimeoutError:
                reason = f"no report from gpsd for {self.timeout_s:g} s"
            except (OSError, UnicodeDecodeError) as error:
                reason = str(error) or type(error).__name__
            except Exception as error:  # noqa: BLE001
                # A bug must not end GPS for the rest of the drive.
                logger.exception("the GPS reader failed; it connects again")
                reason = f"{type(error).__name__}: {error}"
            finally:
                self.watching = False
                self._close_client()
            if self._stop.is_set():
                break
            if self.decoder.tpv_reports > reports_before:
                delay = self.retry_initial_s
            self._lose_connection(reason, delay)
            # Jitter keeps head units that lost gpsd together from
            # reconnecting in step.
            self._stop.wait(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, self.retry_max_s)
        self._set_status(GpsStatus.NO_GPSD)
        logger.info("stopped reading GPS from gpsd at %s:%d", self.host, self.port)

    def _read_until_closed(self) -> None:
        self._client = GPSDClient(self.host, self.port, timeout=self.timeout_s)
        if self._stop.is_set():
            return
        connected = False
        for line in self._client.json_stream():
            if not connected:
                connected = True
                self.connects += 1
                # Reconnecting to a gpsd without a receiver repeats every
                # retry, so only the first connection is logged at INFO.
                log = logger.info if self.connects == 1 else logger.debug
                log("connected to gpsd at %s:%d", self.host, self.port)
            if self._stop.is_set():
                return
            updates = self.decoder.decode(line, self._clock())
            if self.decoder.last_class == "WATCH":
                self.watching = True
            if updates:
                # The state gets the updates before the status changes, so a
                # reader that reads the new status also reads the new position.
                self._push(updates)
                self._set_status(_STATUS_OF_FIX[self.decoder.fix_type or vss.FIX_NONE])

    def _lose_connection(self, reason: str, delay_s: float) -> None:
        self.disconnects += 1
        was = self.status
        if was in (GpsStatus.FIX_2D, GpsStatus.FIX_3D):
            self.decoder.fix_type = vss.FIX_NONE
            self._push([SignalUpdate(vss.GNSS_FIX_TYPE, vss.FIX_NONE, self._clock())])
        # Only losing a gpsd that reported is a warning. The retries that
        # follow, and a gpsd without a receiver, repeat every few seconds.
        log = logger.warning if was is not GpsStatus.NO_GPSD else logger.debug
        log(
            "no GPS from gpsd at %s:%d: %s; connecting again in %.1f s",
            self.host,
            self.port,
            reason,
            delay_s,
        )
        # Last, so a reader that reads NO_GPSD also finds the position
        # invalidated and the warning logged.
        self._set_status(GpsStatus.NO_GPSD)

    def _push(self, updates: list[SignalUpdate]) -> None:
        try:
            self._sink(updates)
        except Exception as error:  # noqa: BLE001
            self.decoder.faults.report(
                ("sink", type(error).__name__),
                "the GPS updates could not be stored: %s",
                error,
            )

    def _set_status(self, status: GpsStatus) -> None:
        if status is self.status:
            return
        self.status = status
        if status in (GpsStatus.FIX_2D, GpsStatus.FIX_3D):
            satellites = self.decoder.satellites_used
            if satellites is not None:
                logger.info("GPS: %s, %d satellites", status.value, satellites)
                return
        logger.info("GPS: %s", status.value)

    def _close_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
