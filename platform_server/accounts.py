"""Owner accounts, access tokens and the device authorization grant.

The device flow follows RFC 8628: the head unit asks for a device code and
a short user code, shows the user code, and polls the token endpoint while
the owner signs in on another device and approves. Secrets (passwords,
device codes, access tokens, web sessions) are stored only as hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from platform_server import storage

#: Letters of user codes: no vowels (no words) and no look-alikes (0/O, 1/I).
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
PBKDF2_ITERATIONS = 200_000


class AccountError(ValueError):
    """An account operation was rejected; the message says why."""


def hash_secret(value: str) -> str:
    """Return the SHA-256 of a high-entropy secret such as a token."""
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ITERATIONS)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    _, iterations, salt_hex, digest_hex = stored.split("$")
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), bytes.fromhex(salt_hex), int(iterations)
    )
    return hmac.compare_digest(digest.hex(), digest_hex)


def create_owner(engine: Engine, email: str, password: str) -> int:
    """Create an owner account and return its id."""
    email = email.strip().lower()
    if "@" not in email or len(password) < 8:
        raise AccountError("an owner needs an email address and a password of 8+ characters")
    with engine.begin() as connection:
        exists = connection.execute(
            select(storage.owners.c.id).where(storage.owners.c.email == email)
        ).first()
        if exists:
            raise AccountError(f"an owner with email {email} already exists")
        result = connection.execute(
            insert(storage.owners).values(
                email=email, password_hash=hash_password(password), created_at=time.time()
            )
        )
        return int(result.inserted_primary_key[0])


def authenticate(engine: Engine, email: str, password: str) -> int | None:
    """Return the owner id for a correct email and password, else None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(storage.owners.c.id, storage.owners.c.password_hash).where(
                storage.owners.c.email == email.strip().lower()
            )
        ).first()
    if row is None or not check_password(password, row.password_hash):
        return None
    return int(row.id)


def owner_for_token(engine: Engine, token: str) -> int | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(storage.access_tokens.c.owner_id).where(
                storage.access_tokens.c.token_hash == hash_secret(token)
            )
        ).first()
    return None if row is None else int(row.owner_id)


def revoke_token(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            delete(storage.access_tokens).where(
                storage.access_tokens.c.token_hash == hash_secret(token)
            )
        )


def start_web_session(engine: Engine, owner_id: int, lifetime_s: float = 3600) -> str:
    session = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            insert(storage.web_sessions).values(
                session_hash=hash_secret(session),
                owner_id=owner_id,
                expires_at=time.time() + lifetime_s,
            )
        )
    return session


def owner_for_session(engine: Engine, session: str | None) -> int | None:
    if not session:
        return None
    with engine.connect() as connection:
        row = connection.execute(
            select(storage.web_sessions).where(
                storage.web_sessions.c.session_hash == hash_secret(session)
            )
        ).first()
    if row is None or row.expires_at < time.time():
        return None
    return int(row.owner_id)


@dataclass(frozen=True)
class DeviceAuthorization:
    device_code: str
    user_code: str
    expires_in: int
    interval: int


def start_device_authorization(
    engine: Engine, client_id: str, lifetime_s: int, interval_s: int
) -> DeviceAuthorization:
    """Issue a device code and a user code such as ``KXPT-BRNM``."""
    device_code = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        while True:
            letters = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
            user_code = f"{letters[:4]}-{letters[4:]}"
            taken = connection.execute(
                select(storage.device_codes.c.user_code).where(
                    storage.device_codes.c.user_code == user_code
                )
            ).first()
            if not taken:
                break
        connection.execute(
            insert(storage.device_codes).values(
                device_code_hash=hash_secret(device_code),
                user_code=user_code,
                client_id=client_id,
                expires_at=time.time() + lifetime_s,
                interval_s=interval_s,
                status="pending",
            )
        )
    return DeviceAuthorization(device_code, user_code, lifetime_s, interval_s)


def normalise_user_code(text: str) -> str:
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else letters


def decide_user_code(engine: Engine, user_code: str, owner_id: int, approve: bool) -> str:
    """Approve or deny a pending user code; return the outcome as a word.

    The outcome is "approved", "denied", "expired" or "unknown".
    """
    code = normalise_user_code(user_code)
    with engine.begin() as connection:
        row = connection.execute(
            select(storage.device_codes).where(storage.device_codes.c.user_code == code)
        ).first()
        if row is None or row.status != "pending":
            return "unknown"
        if row.expires_at < time.time():
            return "expired"
        status = "approved" if approve else "denied"
        connection.execute(
            update(storage.device_codes)
            .where(storage.device_codes.c.user_code == code)
            .values(status=status, owner_id=owner_id)
        )
    return status


class TokenError(Exception):
    """An RFC 8628 token endpoint error such as ``authorization_pending``."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def exchange_device_code(
    engine: Engine, device_code: str, client_id: str, now: float | None = None
) -> str:
    """Return a new access token for an approved device code.

    Raise ``TokenError`` with the RFC 8628 error code otherwise. A client
    that polls faster than the interval gets ``slow_down``.
    """
    now = time.time() if now is None else now
    code_hash = hash_secret(device_code)
    with engine.begin() as connection:
        row = connection.execute(
            select(storage.device_codes).where(
                storage.device_codes.c.device_code_hash == code_hash
            )
        ).first()
        if row is None or row.client_id != client_id:
            raise TokenError("invalid_grant", "unknown device code")
        if row.status == "used":
            raise TokenError("invalid_grant", "device code already used")
        if row.expires_at < now:
            raise TokenError("expired_token", "the device code has expired")
        if row.status == "denied":
            raise TokenError("access_denied", "the owner denied the request")
        too_fast = row.last_poll_at is not None and now - row.last_poll_at < row.interval_s
        values: dict[str, object] = {"last_poll_at": now}
        if too_fast:
            # RFC 8628 section 3.5: the client adds 5 s to its interval.
            values["interval_s"] = row.interval_s + 5
        token = None
        if not too_fast and row.status == "approved":
            token = secrets.token_urlsafe(32)
            values["status"] = "used"
            connection.execute(
                insert(storage.access_tokens).values(
                    token_hash=hash_secret(token),
                    owner_id=row.owner_id,
                    client_id=client_id,
                    created_at=now,
                )
            )
        connection.execute(
            update(storage.device_codes)
            .where(storage.device_codes.c.device_code_hash == code_hash)
            .values(**values)
        )
    # Raised after the block, so the poll time and interval above are kept.
    if too_fast:
        raise TokenError("slow_down", "polling too fast")
    if token is None:
        raise TokenError("authorization_pending", "the owner has not approved yet")
    return token
