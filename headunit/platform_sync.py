"""The head unit's link to the community platform: pairing, sync thread, status.

``PlatformSync`` owns the sync engine and its thread, the credentials
file and the owner's privacy choices. The UI reads ``status`` (a
``SyncStatus``) on its timer; pairing shows ``DeviceAuthorization.user_code``
and a QR code of ``verification_uri_complete`` made by ``qr_data_uri``.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

import segno

from headunit.clubs import parse_event
from headunit.tips import parse_tip
from sync.client import PlatformClient, TransientError, PlatformError
from sync.credentials import Credentials, TokenStore
from sync.engine import SyncConfig, SyncEngine, SyncStatus
from sync.pairing import DeviceAuthorization, DevicePairing
from sync.privacy import DEFAULT_HIDDEN_RADIUS_M, HiddenPlace, Privacy
from sync.store import Store

logger = logging.getLogger(__name__)

CREDENTIALS_FILE = "platform-credentials.json"
#: The client id the head unit names when it pairs.
CLIENT_ID = "community-headunit"


def qr_data_uri(text: str, scale: int = 8) -> str:
    """Return a PNG data URI of a QR code of ``text``, for a QML ``Image``."""
    return segno.make(text, error="m").png_data_uri(scale=scale, border=2)


class PlatformSync:
    """Sync of one head unit: started and stopped with it."""

    def __init__(
        self,
        store: Store,
        credentials_path: Path,
        *,
        model: str | None = None,
        position: Callable[[], tuple[float, float] | None] | None = None,
        config: SyncConfig | None = None,
    ) -> None:
        self.store = store
        self.tokens = TokenStore(credentials_path)
        self.privacy = Privacy(store)
        credentials = self.tokens.load()
        client = None
        if credentials is not None:
            client = PlatformClient(credentials.platform_url, credentials.access_token)
        # Pulled tips and events are checked by the parsers that will read them.
        self.engine = SyncEngine(store, client, model=model, position=position,
                                 config=config,
                                 validators={"tips": parse_tip, "events": parse_event})
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> SyncStatus:
        return self.engine.status

    def start(self) -> None:
        """Start syncing in a background thread; nothing waits on it."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.engine.run, args=(self._stop,),
                                        name="platform-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop the sync thread. A request in flight is abandoned after ``timeout_s``."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
            if self._thread.is_alive():
                logger.warning("sync thread still in a request after %.1f s; leaving it",
                               timeout_s)
            self._thread = None

    def start_pairing(self, platform_url: str) -> tuple[DevicePairing, DeviceAuthorization]:
        """Ask the platform for a user code to show; then call ``finish_pairing``."""
        pairing = DevicePairing(PlatformClient(platform_url), CLIENT_ID)
        return pairing, pairing.start()

    def finish_pairing(self, pairing: DevicePairing, authorization: DeviceAuthorization,
                       stop: threading.Event | None = None) -> None:
        """Wait for the owner's approval, then store the token and sync."""
        token = pairing.poll(authorization, stop)
        platform_url = pairing.client.base_url
        self.tokens.save(Credentials(platform_url, token))
        self.engine.use_client(PlatformClient(platform_url, token))
        self.engine.wake()

    def sign_out(self) -> None:
        """Revoke the token on the platform when reachable, and forget it here."""
        client = self.engine.client
        if client is not None:
            try:
                client.request("POST", "/oauth/revoke")
            except (TransientError, PlatformError) as error:
                logger.warning("could not revoke the token on the platform (%s); "
                               "it is removed from the head unit anyway", error)
        self.tokens.clear()
        self.engine.use_client(None)
        self.engine.wake()

    def rate(self, score: int, trip_id: str | None = None,
             tags: tuple[str, ...] = ()) -> str:
        """Queue the owner's rating (1 to 5) of a drive or of the car; return its id."""
        if not 1 <= score <= 5:
            raise ValueError(f"a rating is 1 to 5, got {score}")
        payload = {"model": self.engine.model or "unknown", "trip_id": trip_id,
                   "score": score, "tags": list(tags)}
        return self._queue("rating", payload)

    def vote_tip(self, tip_id: str, helpful: bool) -> str:
        """Queue a helpfulness vote on a community tip; return its id."""
        return self._queue("vote", {"tip_id": tip_id, "helpful": helpful})

    def rsvp(self, event_id: str, going: bool) -> str:
        """Queue an answer to a club event invitation; return its id."""
        return self._queue("rsvp", {"event_id": event_id, "going": going})

    def _queue(self, kind: str, payload: dict[str, object]) -> str:
        item_id = self.engine.outbox.enqueue(kind, payload)
        self.engine.wake()
        return item_id

    def hide_place(self, name: str, latitude: float, longitude: float) -> int:
        """Mark a place around which no position is ever uploaded; return its id."""
        place = HiddenPlace(name, latitude, longitude, DEFAULT_HIDDEN_RADIUS_M)
        return self.privacy.add_hidden_place(place)

    def hidden_place_count(self) -> int:
        return len(self.privacy.hidden_places())

    def delete_my_data(self) -> None:
        """Delete the owner's data here at once and on the platform at the next sync."""
        self.engine.delete_my_data()
