"""An HTTP proxy on loopback that injects faults between a head unit and the platform.

For tests, benches and integrator labs: it forwards each request to the
upstream platform or, by a seeded random draw, does one of the faults of
``FAULTS`` instead. It records every request (method, path, decoded body,
fault) so tests can count requests and inspect what left the car.
"""

from __future__ import annotations

import gzip
import http.client
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

#: Faults the proxy may inject in place of forwarding a request once.
FAULTS = (
    "drop_request",   # close the connection without forwarding or replying
    "drop_response",  # forward, then close without replying: the reply is lost
    "delay",          # wait ``delay_s`` before forwarding
    "reset",          # close with a TCP reset, nothing forwarded
    "error_500",      # reply 500, nothing forwarded
    "unavailable_503",  # reply 503 with Retry-After, nothing forwarded
    "too_many_429",   # reply 429 with Retry-After, nothing forwarded
    "conflict_409",   # reply 409, nothing forwarded
    "duplicate",      # forward twice and reply with the second response
)
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    fault: str | None
    status: int | None = None

    def decoded_body(self) -> bytes:
        if self.headers.get("content-encoding", "").lower() == "gzip":
            return gzip.decompress(self.body)
        return self.body


@dataclass
class FaultPlan:
    """Probability of each fault per request; the rest are forwarded."""

    rates: dict[str, float] = field(default_factory=dict)
    delay_s: float = 0.5
    retry_after: str = "1"
    seed: int = 1

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; expected some of {FAULTS}")
        if sum(self.rates.values()) > 1:
            raise ValueError("fault rates add up to more than 1")


class FaultProxy:
    """The proxy server; start it with ``with FaultProxy(upstream, plan) as proxy``."""

    def __init__(self, upstream: str, plan: FaultPlan | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.plan = plan or FaultPlan()
        self.requests: list[RecordedRequest] = []
        self._random = random.Random(self.plan.seed)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy",
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fault_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for request in self.requests:
            name = request.fault or "forwarded"
            counts[name] = counts.get(name, 0) + 1
        return counts

    def start(self) -> "FaultProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _draw(self) -> str | None:
        with self._lock:
            value = self._random.random()
        for fault in FAULTS:
            rate = self.plan.rates.get(fault, 0.0)
            if value < rate:
                return fault
            value -= rate
        return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def forward(self, method: str, path: str, headers: dict[str, str],
                body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the proxy records requests itself

    def do_GET(self) -> None:  # noqa: N802 - names fixed by http.server
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle()

    def do_PUT(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        proxy: FaultProxy = self.server.proxy  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        fault = proxy._draw()
        record = RecordedRequest(self.command, self.path,
                                 {k.lower(): v for k, v in self.headers.items()}, body, fault)
        proxy._record(record)

        if fault == "drop_request":
            self.close_connection = True
            return
        if fault == "reset":
            # Linger with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if fault in ("error_500", "unavailable_503", "too_many_429", "conflict_409"):
            status = {"error_500": 500, "unavailable_503": 503, "too_many_429": 429,
                      "conflict_409": 409}[fault]
            extra = [("Retry-After", proxy.plan.retry_after)] if status in (429, 503) else []
            self._reply(status, extra, b"")
            record.status = status
            return
        if fault == "delay":
            time.sleep(proxy.plan.delay_s)
        try:
            status, response_headers, response_body = proxy.forward(
                self.command, self.path, headers, body)
            if fault == "duplicate":
                status, response_headers, response_body = proxy.forward(
                    self.command, self.path, headers, body)
        except OSError:
            self._reply(502, [], b"")
            record.status = 502
            return
        record.status = status
        if fault == "drop_response":
            self.close_connection = True
            return
        kept = [(k, v) for k, v in response_headers if k.lower() not in HOP_HEADERS]
        try:
            self._reply(status, kept, response_body)
        except OSError:
            # The client gave up waiting (its read timeout) while we delayed.
            self.close_connection = True

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
