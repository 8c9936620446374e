"""Tell systemd that the head unit is up and its UI still responds.

The unit file runs the app as ``Type=notify`` with ``WatchdogSec=``. systemd
then passes ``$NOTIFY_SOCKET`` (a unix datagram socket) and ``$WATCHDOG_USEC``
and expects ``READY=1`` once, then ``WATCHDOG=1`` more often than every
``WATCHDOG_USEC`` microseconds, or it kills and restarts the service (see
sd_notify(3) and systemd.service(5), systemd 252).

The UI thread calls ``ping()`` from a ``QTimer`` every ``ping_interval_ms()``
(started in ``ui/app.py``). The timer fires only while the Qt event loop runs, so a frozen UI stops the
pings and systemd restarts the app. The first ``ping()`` also sends
``READY=1``. Without ``$NOTIFY_SOCKET`` (a shell, a test, a container
without systemd) every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

logger = logging.getLogger(__name__)

#: Ping interval when systemd sets no watchdog, in ms; pings then only
#: report readiness, so the value matters little.
DEFAULT_PING_INTERVAL_MS = 5_000


class Notifier:
    """Send sd_notify messages to the socket systemd gave this process."""

    def __init__(self, address: str | None, watchdog_usec: int | None = None) -> None:
        self.address = address
        self.watchdog_usec = watchdog_usec
        self._ready_sent = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._failures = 0

    @classmethod
    def from_environment(cls) -> "Notifier":
        """Build the notifier from ``$NOTIFY_SOCKET`` and ``$WATCHDOG_USEC``."""
        address = os.environ.get("NOTIFY_SOCKET") or None
        watchdog_usec = None
        text = os.environ.get("WATCHDOG_USEC")
        watchdog_pid = os.environ.get("WATCHDOG_PID")
        # systemd sets WATCHDOG_PID to the main process; a child that
        # inherited the variables must not ping for it.
        if text and text.isdigit() and watchdog_pid in (None, str(os.getpid())):
            watchdog_usec = int(text)
        return cls(address, watchdog_usec)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def ping_interval_ms(self) -> int:
        """Return how often to ping: half the watchdog timeout, as sd_watchdog_enabled(3) advises."""
        if not self.watchdog_usec:
            return DEFAULT_PING_INTERVAL_MS
        return max(1, self.watchdog_usec // 2000)

    def ready(self, status: str | None = None) -> None:
        """Send ``READY=1`` (and an optional status line) once."""
        with self._lock:
            if self._ready_sent:
                return
            self._ready_sent = True
        lines = ["READY=1"]
        if status:
            lines.append(f"STATUS={status}")
        self.send("\n".join(lines))

    def ping(self) -> None:
        """Send ``WATCHDOG=1``; the first call also sends ``READY=1``."""
        if not self._ready_sent:
            self.ready()
        self.send("WATCHDOG=1")

    def stopping(self) -> None:
        """Send ``STOPPING=1`` so systemd expects the process to exit."""
        self.send("STOPPING=1")

    def status(self, text: str) -> None:
        """Send a one-line status that ``systemctl status`` shows."""
        self.send(f"STATUS={text.splitlines()[0] if text else ''}")

    def send(self, message: str) -> bool:
        """Send one datagram and return whether it was sent.

        An ``OSError`` is logged, not raised, so a missing socket never
        stops the UI thread.
        """
        if self.address is None:
            return False
        # A leading "@" names a socket in the abstract namespace.
        address = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            with self._lock:
                if self._socket is None:
                    self._socket = socket.socket(
                        socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                    )
                    # A full receive queue (systemd busy) must not block the
                    # UI thread: the send fails and is counted instead.
                    self._socket.setblocking(False)
                self._socket.sendto(message.encode("utf-8"), address)
        except OSError as error:
            self._failures += 1
            # One warning, then one every 100 failures: pings come every few seconds.
            if self._failures % 100 == 1:
                logger.warning(
                    "sd_notify to %s failed (%s); %d failures so far",
                    self.address, error, self._failures,
                )
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None


_notifier: Notifier | None = None
_notifier_lock = threading.Lock()


def notifier() -> Notifier:
    """Return the process's notifier, built from the environment on first use."""
    global _notifier
    with _notifier_lock:
        if _notifier is None:
            _notifier = Notifier.from_environment()
        return _notifier


def reset() -> None:
    """Forget the process's notifier so the next call reads the environment again."""
    global _notifier
    with _notifier_lock:
        if _notifier is not None:
            _notifier.close()
        _notifier = None


def ping() -> None:
    """Tell systemd the UI's event loop is alive. Call from a QTimer on the UI thread."""
    notifier().ping()


def ping_interval_ms() -> int:
    """Return the interval for the UI's ping timer, in ms."""
    return notifier().ping_interval_ms()


def stopping() -> None:
    notifier().stopping()
