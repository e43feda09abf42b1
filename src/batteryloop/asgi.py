"""Composition root: the API and the web pages on one ASGI application.

``uvicorn batteryloop.asgi:app`` serves it with settings from the environment; tests and the CLI call
:func:`create_app` with their own settings.
"""

from __future__ import annotations

from fastapi import FastAPI

from batteryloop.api.app import create_api
from batteryloop.api.middleware import BodySizeLimit
from batteryloop.bootstrap import Platform, build_platform
from batteryloop.settings import Settings
from batteryloop.web.app import mount_web


def create_app(settings: Settings | None = None, *, platform: Platform | None = None) -> FastAPI:
    """Build the whole application. Pass ``platform`` to reuse a store (tests wrap it in a transaction)."""
    platform = platform or build_platform(settings or Settings())
    app = create_api(platform)
    mount_web(app, platform)
    limits = platform.settings

    def limit_for(path: str) -> int:
        return limits.max_import_bytes if path.endswith(":import") else limits.max_request_bytes

    app.add_middleware(BodySizeLimit, max_bytes=limits.max_request_bytes, limit_for=limit_for)
    return app


app: FastAPI  # built on first access (``uvicorn batteryloop.asgi:app``), so importing opens no database


def __getattr__(name: str) -> FastAPI:
    if name == "app":
        built = create_app()
        globals()["app"] = built
        return built
    raise AttributeError(name)
