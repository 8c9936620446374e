"""PID values per second: our OBD-II poller against python-OBD's plain query loop.

Both poll the same ELM327 emulator for the same mode 01 PIDs (the
``POLL_TABLE`` items the emulated car supports). The emulator replies in
under 2 ms, but a real ELM327 on a real car takes about 30-100 ms per
request, so a relay between client and emulator holds every request for
``--delay-ms`` before passing it on. (The emulator's own ``delay`` setting
would not do: it also waits once per PID inside a multi-PID request, which
no adapter does.) The baseline is ``obd.OBD.query`` called for
each PID in turn; ours is ``ObdSource.poll_once`` with the priority plan
and multi-PID requests. The last line is our rate over the baseline's.

    .venv/bin/python bench/obd_poll.py [--seconds 10] [--delay-ms 50]
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import obd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the emulator launcher the tests use

from elm_emulator import Emulator  # noqa: E402
from vehicle.obd_config import ObdConfig  # noqa: E402
from vehicle.obd_plan import POLL_TABLE  # noqa: E402
from vehicle.obd_source import ObdSource  # noqa: E402


class DelayingRelay:
    """TCP relay on loopback that delays each request line by ``delay_s``.

    One client at a time, like the emulator. Replies pass through at once.
    """

    def __init__(self, target_port: int, delay_s: float) -> None:
        self.delay_s = delay_s
        self._target_port = target_port
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self._target_port))
            threading.Thread(
                target=self._pipe, args=(upstream, client, 0.0), daemon=True
            ).start()
            self._pipe(client, upstream, self.delay_s)

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket, delay_s: float) -> None:
        try:
            while True:
                data = source.recv(4096)
                if not data:
                    break
                if delay_s and b"\r" in data:
                    time.sleep(delay_s)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            source.close()
            sink.close()

    def close(self) -> None:
        self._server.close()


class Peer:
    """A fresh emulator behind a delaying relay, for one client."""

    def __init__(self, delay_s: float) -> None:
        self._delay_s = delay_s

    def __enter__(self) -> str:
        self._workdir = tempfile.TemporaryDirectory()
        self._emulator = Emulator(Path(self._workdir.name)).start()
        self._relay = DelayingRelay(self._emulator.port, self._delay_s)
        return self._relay.url

    def __exit__(self, *exc_info: object) -> None:
        self._relay.close()
        self._emulator.stop()
        self._workdir.cleanup()


def measure_baseline(url: str, pids: set[int], seconds: float) -> tuple[float, int]:
    """Return values per second and request count of python-OBD's sequential loop."""
    connection = obd.OBD(url, baudrate=38400, protocol="6")
    if connection.status() != obd.OBDStatus.CAR_CONNECTED:
        raise SystemExit(f"obd_poll: python-OBD did not connect: {connection.status()}")
    commands = [obd.commands[item.command] for item in POLL_TABLE if item.pid in pids]
    values = requests = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        for command in commands:
            response = connection.query(command)
            requests += 1
            if not response.is_null():
                values += 1
    elapsed = time.monotonic() - started
    connection.close()
    return values / elapsed, requests


def measure_ours(url: str, seconds: float) -> tuple[float, int, set[int]]:
    """Return values per second, request count and supported PIDs of ObdSource."""
    config = ObdConfig(url, protocol="6", timeout_s=2.0, dtc_interval_s=3600.0)
    source = ObdSource(config, lambda updates: None)
    if not source.connect():
        raise SystemExit(
            f"obd_poll: the emulator did not respond: {source.status_text}"
        )
    source._next_dtc_read = float("inf")  # DTCs are not PID values
    values, requests = source.values_read, source.requests_sent
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        source.poll_once()
    elapsed = time.monotonic() - started
    values = source.values_read - values
    requests = source.requests_sent - requests
    supported = source.supported_pids
    source.stop()
    return values / elapsed, requests, supported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        help="polling time of each side, in seconds (default: 10)",
    )
    parser.add_argument(
        "--delay-ms",
        type=float,
        default=50.0,
        help="adapter delay added to every request, in ms (default: 50)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("obd").setLevel(logging.CRITICAL)

    delay_s = args.delay_ms / 1000.0
    with Peer(delay_s) as url:
        ours, our_requests, supported = measure_ours(url, args.seconds)
    with Peer(delay_s) as url:
        baseline, base_requests = measure_baseline(url, supported, args.seconds)

    polled = [item.command for item in POLL_TABLE if item.pid in supported]
    print(f"PIDs polled: {len(polled)} ({', '.join(polled)})")
    print(
        f"adapter delay per request: {args.delay_ms:.0f} ms, {args.seconds:.0f} s each"
    )
    print(
        f"python-OBD sequential query loop: {baseline:8.1f} values/s "
        f"({base_requests} requests)"
    )
    print(
        f"ObdSource priority plan + multi-PID: {ours:8.1f} values/s "
        f"({our_requests} requests)"
    )
    print(f"{ours / baseline:.2f}x")


if __name__ == "__main__":
    main()
