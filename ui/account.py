"""Pairing with the owner's platform account, data sharing and sync detail.

``AccountStore`` drives the three settings sections about the platform:
pairing (device flow with a user code and a QR code), data sharing (the
owner's consent level) and the sync status with "delete my data". Every
change is rejected while the car moves, as the settings policy requires.
``finish_pairing`` blocks while it polls the platform, so it runs in a
worker thread that reports back to the UI thread through a queued signal.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLocale,
    QObject,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement, QmlUncreatable

from headunit import status as status_states
from headunit.restrictions import restrictions_for
from ui.stores import notifying_property
from vehicle import vss

logger = logging.getLogger(__name__)

QML_IMPORT_NAME = "HeadUnit"
QML_IMPORT_MAJOR_VERSION = 1

#: Pairing states the pairing section shows.
PAIRING_UNCONFIGURED = "unconfigured"
PAIRING_SIGNED_OUT = "signed_out"
PAIRING_STARTING = "starting"
PAIRING_WAITING = "waiting"
PAIRING_PAIRED = "paired"
PAIRING_EXPIRED = "expired"
PAIRING_DENIED = "denied"
PAIRING_FAILED = "failed"

CONSENT_LEVELS = ("nothing", "summaries", "traces")
#: Actions that ask the driver to confirm first.
CONFIRM_ACTIONS = ("signOut", "deleteData")


def sync_detail_text(state: str, pending: int) -> str:
    """Return one plain sentence about the sync state, for the sync section."""
    if state == status_states.SYNC_SYNCED:
        return QCoreApplication.translate("Account", "Everything is sent to the platform.")
    if state == status_states.SYNC_PENDING:
        return QCoreApplication.translate("Account", "%n item(s) waiting to be sent.", None, pending)
    if state == status_states.SYNC_OFFLINE:
        return QCoreApplication.translate("Account", "The platform cannot be reached now. The head unit tries again.")
    if state == status_states.SYNC_WAITING:
        return QCoreApplication.translate("Account", "The platform is busy and asked the head unit to wait.")
    if state == status_states.SYNC_ERROR:
        return QCoreApplication.translate("Account", "The platform rejected the last request.")
    return QCoreApplication.translate("Account", "Not paired with an account, so nothing is sent.")


def _local_time(when: float | None, language: str) -> str:
    if when is None:
        return ""
    moment = QDateTime.fromSecsSinceEpoch(int(when)).toLocalTime()
    return QLocale(language).toString(moment, "yyyy-MM-dd HH:mm")


_DEFAULTS: dict[str, Any] = {
    "pairingState": PAIRING_SIGNED_OUT,
    "userCode": "",
    "qrSource": "",
    "verificationUri": "",
    "consent": "nothing",
    "syncState": status_states.SYNC_SIGNED_OUT,
    "syncStateText": "",
    "pendingText": "",
    "lastSyncText": "",
    "lastErrorText": "",
    "dataUsageText": "",
    "hiddenPlacesText": "",
    "canHideHere": False,
    "nextAttemptText": "",
    "confirming": "",
    "allowChanges": True,
    "messageText": "",
}


@QmlElement
@QmlUncreatable("AccountStore is created by the head unit's Python code.")
class AccountStore(QObject):
    """Pairing, consent and sync detail of the head unit's platform link."""

    pairingStateChanged, pairingState = notifying_property(
        str, "pairingState",
        "unconfigured, signed_out, starting, waiting, paired, expired, denied or failed.",
    )
    userCodeChanged, userCode = notifying_property(str, "userCode", "Code the owner types.")
    qrSourceChanged, qrSource = notifying_property(
        str, "qrSource", "PNG data URI of the verification URI's QR code."
    )
    verificationUriChanged, verificationUri = notifying_property(
        str, "verificationUri", "Page where the owner enters the code."
    )
    consentChanged, consent = notifying_property(str, "consent", "nothing, summaries or traces.")
    syncStateChanged, syncState = notifying_property(str, "syncState", "SyncStatus.state.")
    syncStateTextChanged, syncStateText = notifying_property(
        str, "syncStateText", "The sync state in one translated sentence."
    )
    pendingTextChanged, pendingText = notifying_property(
        str, "pendingText", "Number of items waiting to be sent, translated."
    )
    lastSyncTextChanged, lastSyncText = notifying_property(
        str, "lastSyncText", "Time of the last complete sync, translated."
    )
    lastErrorTextChanged, lastErrorText = notifying_property(
        str, "lastErrorText", "The platform's last error message; empty for none."
    )
    dataUsageTextChanged, dataUsageText = notifying_property(
        str, "dataUsageText", "Mobile data this month against the monthly budget."
    )
    hiddenPlacesTextChanged, hiddenPlacesText = notifying_property(
        str, "hiddenPlacesText", "How many hidden places the owner has marked."
    )
    canHideHereChanged, canHideHere = notifying_property(
        bool, "canHideHere", "The car knows its position, so it can be hidden."
    )
    nextAttemptTextChanged, nextAttemptText = notifying_property(
        str, "nextAttemptText", "Time of the next attempt; empty when none is planned."
    )
    confirmingChanged, confirming = notifying_property(
        str, "confirming", 'Action waiting for confirmation: signOut, deleteData or "".'
    )
    allowChangesChanged, allowChanges = notifying_property(
        bool, "allowChanges", "Pairing and sharing may be changed now (parked)."
    )
    messageTextChanged, messageText = notifying_property(
        str, "messageText", "Result of the last action, translated; empty for none."
    )

    # Emitted from the pairing thread; delivered queued on the UI thread.
    pairingFinished = Signal(int, str)

    def __init__(self, language: str = "zh_CN", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._values: dict[str, Any] = dict(_DEFAULTS)
        self._language = language
        self._headunit: Any = None
        self._status: Any = None
        self._attempt = 0
        self._stop_pairing: threading.Event | None = None
        self.pairing_thread: threading.Thread | None = None
        self._pairing_connected = False
        self._refresh_status()

    def _set(self, name: str, value: Any) -> bool:
        if self._values[name] == value:
            return False
        self._values[name] = value
        getattr(self, name + "Changed").emit()
        return True

    def attach(self, headunit: Any) -> None:
        """Read the pairing and consent of ``headunit``'s platform sync."""
        if not self._pairing_connected:
            # Connected here, after the first frame, because the first use
            # of PySide6.QtCore.Qt builds every enum of the Qt namespace.
            # Pairing needs a head unit, so it cannot finish before this.
            from PySide6.QtCore import Qt

            self.pairingFinished.connect(self._on_pairing_finished, Qt.QueuedConnection)
            self._pairing_connected = True
        self._headunit = headunit
        self._set("consent", headunit.sync.privacy.consent.value)
        self._set("pairingState", self._resting_state())
        self._refresh_status()

    def set_language(self, language: str) -> None:
        self._language = language
        self._refresh_status()

    def platform_url(self) -> str | None:
        platform = getattr(getattr(self._headunit, "config", None), "platform", None)
        return platform.url if platform is not None else None

    def _paired(self) -> bool:
        return self._headunit is not None and self._headunit.sync.engine.client is not None

    def _resting_state(self) -> str:
        if self._paired():
            return PAIRING_PAIRED
        if self.platform_url() is None:
            return PAIRING_UNCONFIGURED
        return PAIRING_SIGNED_OUT

    def apply(self, moving: bool, status: Any) -> None:
        """Copy the driving state and a ``SyncStatus``; None keeps the last status."""
        allowed = restrictions_for(moving, self._language).allow_settings_changes
        if self._set("allowChanges", allowed) and not allowed:
            self._set("confirming", "")
        if status is not None:
            # Only while the settings are on show: these read the database.
            self._status = status
            self._refresh_data_usage(status)
            self._refresh_hidden_places()
        if self.pairingState in (PAIRING_PAIRED, PAIRING_SIGNED_OUT, PAIRING_UNCONFIGURED):
            self._set("pairingState", self._resting_state())
        self._refresh_status()

    def _refresh_data_usage(self, status: Any) -> None:
        if self._headunit is None:
            return
        privacy = self._headunit.sync.privacy
        used_mb = privacy.data_used() / 1_000_000
        budget_mb = privacy.monthly_budget_bytes / 1_000_000
        text = QCoreApplication.translate(
            "Account", "Mobile data this month: %1 of %2 MB"
        ).replace("%1", f"{used_mb:.1f}").replace("%2", f"{budget_mb:.0f}")
        if getattr(status, "traces_deferred", False):
            text += " " + QCoreApplication.translate(
                "Account", "(budget used up: full traces wait for next month)"
            )
        self._set("dataUsageText", text)

    def _refresh_hidden_places(self) -> None:
        if self._headunit is None:
            return
        count = self._headunit.sync.hidden_place_count()
        self._set("hiddenPlacesText", QCoreApplication.translate(
            "Account", "Hidden places: %1"
        ).replace("%1", str(count)))
        self._set("canHideHere", self._position() is not None)

    def _position(self) -> tuple[float, float] | None:
        latitude = self._headunit.state.value(vss.LATITUDE)
        longitude = self._headunit.state.value(vss.LONGITUDE)
        if latitude is None or longitude is None:
            return None
        return float(latitude), float(longitude)

    @Slot(str)
    def hideHere(self, name: str) -> None:
        """Mark the car's position as a hidden place (home or work) while parked."""
        if not self.allowChanges or self._headunit is None:
            return
        position = self._position()
        if position is None:
            return
        self._headunit.sync.hide_place(name, *position)
        logger.info("marked a hidden place named %s", name)
        self._refresh_hidden_places()

    def _refresh_status(self) -> None:
        status = self._status
        state = getattr(status, "state", status_states.SYNC_SIGNED_OUT)
        pending = getattr(status, "pending", 0)
        self._set("syncState", state)
        self._set("syncStateText", sync_detail_text(state, pending))
        self._set("pendingText", QCoreApplication.translate("Account", "Waiting to be sent: %1").replace("%1", str(pending)))
        synced_at = getattr(status, "last_synced_at", None)
        if synced_at is None:
            self._set("lastSyncText", QCoreApplication.translate("Account", "Last sync: never"))
        else:
            when = _local_time(synced_at, self._language)
            self._set("lastSyncText", QCoreApplication.translate("Account", "Last sync: %1").replace("%1", when))
        error = getattr(status, "last_error", None)
        if error:
            self._set("lastErrorText", QCoreApplication.translate("Account", "Last error: %1").replace("%1", error))
        else:
            self._set("lastErrorText", QCoreApplication.translate("Account", "Last error: none"))
        next_at = getattr(status, "next_attempt_at", None)
        if next_at is not None and state != status_states.SYNC_SYNCED:
            when = _local_time(next_at, self._language)
            self._set("nextAttemptText", QCoreApplication.translate("Account", "Next try: %1").replace("%1", when))
        else:
            self._set("nextAttemptText", "")

    def _may_change(self, action: str) -> bool:
        if self.allowChanges and self._headunit is not None:
            return True
        logger.info("%s rejected: the car is moving or no head unit is attached", action)
        return False

    @Slot()
    def startPairing(self) -> None:
        """Ask the platform for a user code and wait for the owner in a thread."""
        if not self._may_change("pairing"):
            return
        url = self.platform_url()
        if url is None:
            self._set("pairingState", PAIRING_UNCONFIGURED)
            return
        self.cancelPairing()
        self._set("pairingState", PAIRING_STARTING)
        self._set("messageText", "")
        sync = self._headunit.sync
        try:
            pairing, authorization = sync.start_pairing(url)
        except Exception as error:
            logger.warning("could not start pairing with %s: %s", url, error)
            self._set("pairingState", PAIRING_FAILED)
            return
        from headunit.platform_sync import qr_data_uri

        self._set("userCode", authorization.user_code)
        self._set("verificationUri", authorization.verification_uri)
        self._set("qrSource", qr_data_uri(authorization.verification_uri_complete))
        self._set("pairingState", PAIRING_WAITING)
        self._attempt += 1
        attempt = self._attempt
        stop = threading.Event()
        self._stop_pairing = stop

        def wait_for_owner() -> None:
            from sync.pairing import PairingError

            try:
                sync.finish_pairing(pairing, authorization, stop)
            except PairingError as error:
                outcome = error.reason
            except Exception as error:
                logger.warning("pairing failed: %s", error)
                outcome = "failed"
            else:
                outcome = "approved"
            # The UI may have closed while the thread waited for the owner.
            if shiboken6.isValid(self):
                self.pairingFinished.emit(attempt, outcome)

        self.pairing_thread = threading.Thread(
            target=wait_for_owner, name="platform-pairing", daemon=True
        )
        self.pairing_thread.start()

    def _on_pairing_finished(self, attempt: int, outcome: str) -> None:
        if attempt != self._attempt:
            return
        self._stop_pairing = None
        states = {
            "approved": PAIRING_PAIRED,
            "access_denied": PAIRING_DENIED,
            "expired_token": PAIRING_EXPIRED,
            "cancelled": self._resting_state(),
        }
        self._set("pairingState", states.get(outcome, PAIRING_FAILED))
        self._set("userCode", "")
        self._set("qrSource", "")
        logger.info("pairing ended: %s", outcome)

    @Slot()
    def cancelPairing(self) -> None:
        """Stop waiting for the owner; the code shown becomes useless."""
        if self._stop_pairing is not None:
            self._stop_pairing.set()
            self._stop_pairing = None
            self._attempt += 1
            self._set("userCode", "")
            self._set("qrSource", "")
            self._set("pairingState", self._resting_state())

    @Slot(str)
    def ask(self, action: str) -> None:
        """Ask the driver to confirm ``action``: signOut or deleteData."""
        if action in CONFIRM_ACTIONS and self._may_change(action):
            self._set("confirming", action)

    @Slot()
    def cancelConfirmation(self) -> None:
        self._set("confirming", "")

    @Slot()
    def confirm(self) -> None:
        """Carry out the action the driver confirmed."""
        action = self.confirming
        self._set("confirming", "")
        if not action or not self._may_change(action):
            return
        if action == "signOut":
            self._headunit.sync.sign_out()
            self._set("pairingState", self._resting_state())
            self._set("messageText", QCoreApplication.translate("Account", "Signed out. Nothing more is sent."))
        elif action == "deleteData":
            self._headunit.sync.delete_my_data()
            self._set(
                "messageText",
                QCoreApplication.translate("Account", "Your data is deleted here and will be erased on the platform."),
            )

    @Slot(str)
    def setConsent(self, level: str) -> None:
        """Store what the owner agrees to send: nothing, summaries or traces."""
        if level not in CONSENT_LEVELS or not self._may_change("consent"):
            return
        self._headunit.sync.privacy.set_consent(level)
        self._set("consent", self._headunit.sync.privacy.consent.value)
        self._headunit.sync.engine.wake()

    def stop(self) -> None:
        """Stop a pairing in progress; called when the UI closes."""
        if self._stop_pairing is not None:
            self._stop_pairing.set()
