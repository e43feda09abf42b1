from __future__ import annotations

import os

import typer
import uvicorn

from batteryloop.cli.common import console, fail, open_platform
from batteryloop.settings import Settings
from batteryloop.storage.migrate import current_revision, head_revision, upgrade


def prepare_database(settings: Settings) -> None:
    """Embedded SQLite is migrated on start; PostgreSQL must be migrated explicitly (db upgrade)."""
    platform = open_platform(settings)
    try:
        assert platform.engine is not None
        if current_revision(platform.engine) != head_revision():
            if platform.engine.dialect.name == "sqlite":
                upgrade(platform.engine)
            else:
                fail("the database schema is not current; run 'batteryloop db upgrade' first", 2)
    finally:
        platform.dispose()


def run_server(settings: Settings, *, workers: int = 1) -> None:
    console.print(f"batteryloop serving on {settings.base_url}  (API docs {settings.base_url}/docs)")
    uvicorn.run(
        "batteryloop.asgi:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def serve(
    host: str | None = typer.Option(None, "--host", help="Bind address (default BATTERYLOOP_HOST or 127.0.0.1)"),
    port: int | None = typer.Option(None, "--port", help="Port (default BATTERYLOOP_PORT or 8000)"),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes"),
) -> None:
    """Serve the API (/v1, docs at /docs) and the web pages."""
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    for name, value in overrides.items():
        os.environ[f"BATTERYLOOP_{name.upper()}"] = str(value)
    prepare_database(settings)
    run_server(settings, workers=workers)
