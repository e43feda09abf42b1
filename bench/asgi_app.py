"""The application under benchmark: the real app plus bare routes that skip authentication and the database.

Served by ``bench_api_read`` as ``uvicorn --factory asgi_app:create_bench_app``; settings come from the
environment (``BATTERYLOOP_DATABASE_URL``, ``BATTERYLOOP_SIGNING_KEY_FILE``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from batteryloop.asgi import create_app
from batteryloop.settings import Settings

# Same shape and size as an organisation record (OrganizationRead).
BARE_BODY: dict[str, Any] = {
    "id": "3f1c9a52-7d4e-4b8a-9c2f-1e6d5a7b8c90",
    "name": "Voltavia Motors",
    "kind": "oem",
    "country": "DE",
}


def create_bench_app() -> FastAPI:
    app = create_app(Settings())

    @app.get("/bench/bare", include_in_schema=False)
    def bare() -> dict[str, Any]:  # sync like the real endpoints: runs in the same thread pool
        return BARE_BODY

    @app.get("/bench/bare-async", include_in_schema=False)
    async def bare_async() -> dict[str, Any]:
        return BARE_BODY

    return app
