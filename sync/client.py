"""HTTP client of the platform's sync API (see platform_server/openapi.json).

Every request has a (connect, read) timeout and is sent once: retries are
the sync engine's job, so no thread ever sleeps inside the HTTP library.
Failures are sorted into errors the engine acts on: ``TransientError``
(network loss, timeouts, 5xx, 429: retry later, keep everything),
``SignedOutError`` (401: pair again) and ``RejectedError`` (any other 4xx:
do not retry the same request blindly).
"""

from __future__ import annotations

import email.utils
import gzip
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

import requests

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
#: Rough size of the HTTP headers of one request and its response, in bytes,
#: added to the body sizes when mobile data is counted.
HEADER_BYTES_ESTIMATE = 400


class PlatformError(Exception):
    """A request to the platform failed."""


@dataclass
class TransientError(PlatformError):
    """Retry later: network loss, a timeout, a 5xx or a 429."""

    reason: str
    status: int | None = None
    retry_after_s: float | None = None

    def __str__(self) -> str:
        return self.reason


@dataclass
class RejectedError(PlatformError):
    """The platform rejected the request (4xx other than 401, 408, 429)."""

    status: int
    detail: str

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.detail}"


class SignedOutError(PlatformError):
    """The access token is missing, revoked or unknown (401)."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Return the delay that a ``Retry-After`` header requests, in seconds.

    The header is either a number of seconds or an HTTP date (RFC 9110
    section 10.2.3). Unparseable values return None; dates in the past
    return 0.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class PlatformClient:
    """Requests to one platform, signed with the device's access token."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        on_bytes: Callable[[int], None] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.on_bytes = on_bytes
        self.session = session or requests.Session()
        # Proxies from the environment would route car data elsewhere.
        self.session.trust_env = False

    def __repr__(self) -> str:
        # The token is a secret: never part of a repr or a log line.
        return f"PlatformClient({self.base_url!r}, signed_in={self.token is not None})"

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        accept_statuses: tuple[int, ...] = (),
    ) -> tuple[int, Any]:
        """Send one request; return (status, decoded JSON body or None)."""
        headers = {"Accept": "application/json"}
        data: bytes | dict[str, str] | None = None
        if json_body is not None:
            data = gzip.compress(json.dumps(json_body, separators=(",", ":")).encode(), 6)
            headers["Content-Type"] = "application/json"
            headers["Content-Encoding"] = "gzip"
        elif form is not None:
            data = form
        if auth:
            if self.token is None:
                raise SignedOutError("not paired with the platform")
            headers["Authorization"] = f"Bearer {self.token}"
        url = self.base_url + API_PREFIX + path
        try:
            response = self.session.request(
                method, url, data=data, params=params, headers=headers, timeout=self.timeout
            )
            body = response.content
        except requests.Timeout as error:
            raise TransientError(f"{method} {path} timed out: {type(error).__name__}") from error
        except requests.RequestException as error:
            raise TransientError(f"{method} {path} failed: {type(error).__name__}") from error
        self._count(data, body)
        status = response.status_code
        if status == 401 and auth:
            raise SignedOutError(f"{method} {path}: the platform rejected the access token")
        if status in (408, 429) or status >= 500:
            raise TransientError(
                f"{method} {path}: HTTP {status}",
                status,
                parse_retry_after(response.headers.get("Retry-After")),
            )
        if status >= 400 and status not in accept_statuses:
            raise RejectedError(status, _detail(body))
        if not body:
            return status, None
        try:
            return status, json.loads(body)
        except ValueError as error:
            # A cut or garbled response: the request may or may not have
            # been applied, and ids make the retry safe either way.
            raise TransientError(f"{method} {path}: invalid JSON in the response") from error

    def download(self, path: str, max_bytes: int) -> bytes:
        """GET a file without signing in; return its bytes.

        The body is read in chunks and the download stops with
        ``RejectedError`` once it passes ``max_bytes``, so a wrong or
        hostile size never fills the disk or the memory.
        """
        url = self.base_url + API_PREFIX + path
        try:
            with self.session.get(url, timeout=self.timeout, stream=True) as response:
                status = response.status_code
                if status in (408, 429) or status >= 500:
                    raise TransientError(
                        f"GET {path}: HTTP {status}",
                        status,
                        parse_retry_after(response.headers.get("Retry-After")),
                    )
                if status >= 400:
                    raise RejectedError(status, _detail(response.content))
                chunks = []
                size = 0
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise RejectedError(status, f"GET {path}: larger than {max_bytes} bytes")
                    chunks.append(chunk)
        except requests.RequestException as error:
            raise TransientError(f"GET {path} failed: {type(error).__name__}") from error
        body = b"".join(chunks)
        self._count(None, body)
        return body

    def upload(self, path: str, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        """POST one gzip-compressed batch; return the accepted and duplicate ids."""
        _, result = self.request("POST", path, json_body={key: items})
        if not isinstance(result, dict) or "accepted" not in result:
            raise TransientError(f"POST {path}: unexpected response")
        return result

    def _count(self, sent: Any, received: bytes) -> None:
        if self.on_bytes is None:
            return
        sent_size = len(sent) if isinstance(sent, bytes) else len(json.dumps(sent or ""))
        self.on_bytes(sent_size + len(received) + HEADER_BYTES_ESTIMATE)


def _detail(body: bytes) -> str:
    try:
        decoded = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace")
    if isinstance(decoded, dict):
        detail = decoded.get("detail") or decoded.get("error") or decoded
        return str(detail)[:200]
    return str(decoded)[:200]
