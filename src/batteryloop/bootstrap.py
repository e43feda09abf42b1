"""Wiring: settings → engine → store, and the platform's signing key. Used by the entry points only."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine

from batteryloop.services.custody_log import LogSigner
from batteryloop.settings import Settings
from batteryloop.storage.engine import create_engine_for
from batteryloop.storage.uow import Clock, Store, utc_now


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """Read the platform's Ed25519 key, generating and storing it (mode 0600) on first run."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


@dataclass
class Platform:
    settings: Settings
    store: Store
    signing_key: Ed25519PrivateKey
    engine: Engine | None = None

    @property
    def session_secret(self) -> str:
        """Secret for signed web-session cookies, derived from the signing key (one secret to keep)."""
        raw = self.signing_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return hashlib.sha256(b"batteryloop web session v1\x00" + raw).hexdigest()

    @property
    def log_signer(self) -> LogSigner:
        """The custody log's identity and signing key."""
        return LogSigner(self.settings.log_origin, self.signing_key)

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def build_platform(settings: Settings, *, bind: Engine | Connection | None = None, clock: Clock = utc_now) -> Platform:
    """Create the platform's parts. ``bind`` lets tests pass a connection wrapped in a transaction."""
    engine = None
    if bind is None:
        engine = bind = create_engine_for(settings.database_url)
    return Platform(
        settings=settings,
        store=Store(bind, clock=clock),
        signing_key=load_or_create_signing_key(settings.signing_key_file),
        engine=engine,
    )
