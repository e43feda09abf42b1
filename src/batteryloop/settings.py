"""Runtime settings, read from the environment (prefix ``BATTERYLOOP_``) by the entry points only."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BATTERYLOOP_", env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///./batteryloop.db",
        description="SQLAlchemy URL: sqlite:///path.db (embedded) or postgresql://user@host:5432/db",
    )
    host: str = Field(default="127.0.0.1", description="Address the server binds to")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the server listens on")
    signing_key_file: Path = Field(
        default=Path("./batteryloop-signing-key.pem"),
        description="Ed25519 private key (PEM) of this platform; generated on first run when absent",
    )
    max_request_bytes: int = Field(default=1_048_576, ge=1024, description="Largest request body accepted, in bytes")
    max_import_bytes: int = Field(
        default=512 * 1_048_576, ge=1024, description="Largest body accepted on bulk import endpoints"
    )
    public_base_url: str = Field(
        default="", description="Public URL of the server (used in QR codes and links); empty = derived"
    )
    threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Worker threads per process for database work. Default: 2 on SQLite (in-process work that the "
        "GIL serialises; more threads only add tail latency, see bench/), 8 on PostgreSQL (network waits overlap)",
    )
    secure_cookies: bool = Field(default=False, description="Mark session cookies Secure (behind HTTPS)")
    log_origin: str = Field(
        default="batteryloop.local/custody",
        pattern=r"^[^\s+]+$",
        description="Identity of this platform's custody log: line 1 of its checkpoints and the name of its key "
        "(no spaces or '+'); use a name you control, e.g. your-consortium.example/custody",
    )

    @property
    def effective_threads(self) -> int:
        if self.threads is not None:
            return self.threads
        return 2 if self.database_url.startswith("sqlite") else 8

    @property
    def base_url(self) -> str:
        return self.public_base_url.rstrip("/") or f"http://{self.host}:{self.port}"
