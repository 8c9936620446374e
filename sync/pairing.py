"""Pairing a head unit with an owner's account by the device flow (RFC 8628).

The head unit requests a device code and shows the user code and a QR
code of ``verification_uri_complete``. It polls the token endpoint at
the interval the platform returns, adding 5 s on every ``slow_down``,
until the owner approves or denies, or the code expires.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from sync.client import PlatformClient

logger = logging.getLogger(__name__)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class PairingError(Exception):
    """Pairing ended without a token; ``reason`` is "access_denied", "expired_token", ..."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class DeviceAuthorization:
    """Device authorization response, shown while the head unit waits for the owner."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int

    def __repr__(self) -> str:
        # The device code is a secret until it expires.
        return (f"DeviceAuthorization(user_code={self.user_code!r}, "
                f"verification_uri={self.verification_uri!r})")


class DevicePairing:
    """One pairing attempt against ``client``'s platform."""

    def __init__(self, client: PlatformClient, client_id: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.client_id = client_id
        self.clock = clock

    def start(self) -> DeviceAuthorization:
        _, data = self.client.request("POST", "/oauth/device_authorization",
                                      form={"client_id": self.client_id}, auth=False)
        authorization = DeviceAuthorization(**{
            name: data[name] for name in DeviceAuthorization.__dataclass_fields__})
        logger.info("pairing started; user code shown on screen, verification at %s",
                    authorization.verification_uri)
        return authorization

    def poll(self, authorization: DeviceAuthorization,
             stop: threading.Event | None = None) -> str:
        """Wait for the owner's decision and return the access token.

        Raise ``PairingError`` when the owner denies, the code expires or
        ``stop`` is set. Network faults while polling are retried at the
        interval until the code expires.
        """
        from sync.client import TransientError

        stop = stop or threading.Event()
        interval = max(1, authorization.interval)
        deadline = self.clock() + authorization.expires_in
        wait_s: float = interval
        while True:
            if stop.wait(wait_s):
                raise PairingError("cancelled", "pairing cancelled")
            wait_s = interval
            if self.clock() > deadline:
                raise PairingError("expired_token", "the code expired before approval")
            try:
                status, data = self.client.request(
                    "POST", "/oauth/token", auth=False, accept_statuses=(400,),
                    form={"grant_type": DEVICE_GRANT,
                          "device_code": authorization.device_code,
                          "client_id": self.client_id},
                )
            except TransientError as error:
                if error.retry_after_s is not None:
                    # Never past the code's expiry: waiting longer is useless.
                    remaining = max(0.0, deadline - self.clock())
                    wait_s = max(interval, min(error.retry_after_s, remaining))
                logger.info("pairing poll failed (%s); next poll in %.0f s", error, wait_s)
                continue
            if status == 200:
                logger.info("pairing approved by the owner")
                return str(data["access_token"])
            error_code = data.get("error", "invalid_response") if data else "invalid_response"
            if error_code == "authorization_pending":
                continue
            if error_code == "slow_down":
                interval += 5
                logger.info("platform asked to poll slower; interval now %d s", interval)
                continue
            messages = {
                "access_denied": "the owner denied pairing",
                "expired_token": "the code expired before approval",
            }
            raise PairingError(error_code, messages.get(error_code, f"pairing failed: {error_code}"))
