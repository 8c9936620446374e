"""Peers for the GPS tests: a real gpsd fed over UDP, and a gpsd JSON server.

``GpsdProcess`` runs Debian's gpsd on loopback ports of its own, reading
NMEA from a UDP port that the test writes to at the pace it wants; this
is more deterministic than gpsfake. ``JsonServer`` speaks gpsd's side of
the protocol with scripted lines, for inputs that are gpsd's own output
and for faults a real gpsd will not produce on demand.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import pytest

from tests.conftest import SHARED_DATA

NMEA_DIR = SHARED_DATA / "nmea"
GPSD = shutil.which("gpsd") or "/usr/sbin/gpsd"


def require_gpsd() -> str:
    """Return gpsd's path, or skip the test with the way to install it."""
    if not os.access(GPSD, os.X_OK):
        pytest.skip("gpsd is not installed: run ./dev setup (Debian package gpsd)")
    return GPSD


def nmea_recording(name: str) -> Path:
    """Return a recording from the shared data folder, or skip the test."""
    path = NMEA_DIR / name
    if not path.is_file():
        pytest.skip(
            f"NMEA recording {path} not found: put the shared data folder "
            "beside the checkout or set HEADUNIT_SHARED_DATA"
        )
    return path


def nmea_sentences(path: Path) -> list[str]:
    """Return a recording's lines without its ``#`` header and blank lines."""
    lines = path.read_text(encoding="ascii", errors="replace").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def with_checksum(body: str) -> str:
    """Return ``$body*HH`` with the NMEA 0183 checksum (XOR of the body bytes)."""
    checksum = 0
    for byte in body.encode("ascii"):
        checksum ^= byte
    return f"${body}*{checksum:02X}"


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    """Poll ``condition`` every 10 ms until it holds or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class GpsdProcess:
    """gpsd in the foreground on 127.0.0.1:``port``, reading NMEA from UDP.

    ``-n`` polls the device without waiting for a client and ``-b`` never
    writes to it. Started in a session of its own, so ``kill`` ends it
    and nothing it started.
    """

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self._process: subprocess.Popen[bytes] | None = None
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def start(self) -> "GpsdProcess":
        command = [
            require_gpsd(),
            "-N",
            "-n",
            "-b",
            "-S",
            str(self.port),
            f"udp://127.0.0.1:{self.udp_port}",
        ]
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if not wait_for(self._accepts, 10.0):
            self.stop()
            raise RuntimeError(f"gpsd did not listen on 127.0.0.1:{self.port}")
        return self

    def send(self, sentences: Iterable[str], pace_s: float = 0.002) -> None:
        """Send each sentence as one UDP datagram, ``pace_s`` apart."""
        for sentence in sentences:
            self._udp.sendto(
                sentence.encode("ascii", "replace") + b"\r\n",
                ("127.0.0.1", self.udp_port),
            )
            if pace_s:
                time.sleep(pace_s)

    def freeze(self) -> None:
        """Stop the process: the kernel still accepts connections; gpsd is silent."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def kill(self) -> None:
        """End gpsd at once, as a crash would."""
        if self._process is not None and self._process.poll() is None:
            self._signal(signal.SIGCONT)
            self._signal(signal.SIGKILL)
            self._process.wait(5)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._signal(signal.SIGCONT)
            self._signal(signal.SIGTERM)
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._process.wait(5)
        self._udp.close()

    def _signal(self, number: int) -> None:
        assert self._process is not None
        try:
            os.killpg(self._process.pid, number)
        except ProcessLookupError:
            pass

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False


class JsonServer:
    """A loopback server that answers like gpsd with scripted JSON lines.

    Each connection gets a VERSION report, then, once the client's WATCH
    command arrives, DEVICES and WATCH replies and every line queued with
    ``send``. ``silent`` makes it accept and then send nothing at all.
    """

    def __init__(self, *, silent: bool = False) -> None:
        self.silent = silent
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._lines: list[str] = []
        self._cond = threading.Condition()
        self._closed = False
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(
            target=self._serve, name="gpsd-json", daemon=True
        )
        self._thread.start()

    def send(self, lines: Iterable[str | dict]) -> None:
        with self._cond:
            for line in lines:
                self._lines.append(line if isinstance(line, str) else json.dumps(line))
            self._cond.notify_all()

    def drop_clients(self) -> None:
        """Close every open connection, as a gpsd that exits would."""
        with self._cond:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self.drop_clients()
        self._server.close()
        self._thread.join(5)

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            with self._cond:
                self._clients.append(client)
            threading.Thread(target=self._talk, args=(client,), daemon=True).start()

    def _talk(self, client: socket.socket) -> None:
        try:
            if self.silent:
                while client.recv(1024):
                    pass
                return
            client.sendall(
                b'{"class":"VERSION","release":"3.22","rev":"3.22",'
                b'"proto_major":3,"proto_minor":14}\n'
            )
            reader = client.makefile("rb")
            if not reader.readline().startswith(b"?WATCH"):
                return
            client.sendall(
                b'{"class":"DEVICES","devices":[{"class":"DEVICE",'
                b'"path":"/dev/ttyACM0"}]}\n'
                b'{"class":"WATCH","enable":true,"json":true}\n'
            )
            sent = 0
            while True:
                with self._cond:
                    while sent == len(self._lines) and not self._closed:
                        self._cond.wait()
                    if self._closed:
                        return
                    pending = self._lines[sent:]
                sent += len(pending)
                client.sendall("".join(line + "\n" for line in pending).encode())
        except OSError:
            return
