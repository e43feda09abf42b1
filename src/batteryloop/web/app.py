"""The web face: server-rendered pages over the same services as the API, mounted on the one FastAPI app.

``mount_web(app, platform)`` adds the signed session cookie, the security headers, the friendly HTML error
pages, the page routes (plain routes in ``app.routes``, kept out of /docs) and the packaged assets at /static.
Later capabilities add a module to ``PAGE_MODULES`` and a :class:`~batteryloop.web.nav.NavItem` to the
navigation registry (:mod:`batteryloop.web.nav`).
"""

from __future__ import annotations

from types import ModuleType

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles

from batteryloop.bootstrap import Platform
from batteryloop.web import errors
from batteryloop.web.nav import NAV_ITEMS, NavItem, register
from batteryloop.web.routes import custody, design, overview, passport, recovery, shipment, signin, triage
from batteryloop.web.security import SecurityHeaders
from batteryloop.web.session import optional_viewer
from batteryloop.web.templating import STATIC_DIR

__all__ = ["NAV_ITEMS", "PAGE_MODULES", "NavItem", "mount_web", "register"]

#: Modules whose ``pages`` are mounted, in order. Later capabilities append theirs.
PAGE_MODULES: list[ModuleType] = [signin, overview, passport, shipment, custody, triage, design, recovery]

register(NavItem("Passports", "/passports", order=20))
register(NavItem("Shipments", "/shipments", order=30))

SESSION_COOKIE = "batteryloop_session"
SESSION_MAX_AGE = 12 * 3600  # a working day; every request re-checks the key anyway


def mount_web(app: FastAPI, platform: Platform) -> None:
    """Attach the server-rendered pages to ``app``."""
    web_routes: set[int] = set()
    for module in PAGE_MODULES:
        web_routes |= {id(route) for route in module.pages.add_to(app)}
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    web_routes.add(id(app.routes[-1]))

    errors.install(app, lambda route: id(route) in web_routes, optional_viewer)

    # Swagger UI (/docs) runs an inline script; the API serves it from vendored assets
    skip = frozenset(p for p in ("/docs", app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url) if p)
    app.add_middleware(SecurityHeaders, skip_paths=skip)
    app.add_middleware(
        SessionMiddleware,
        secret_key=platform.session_secret,
        same_site="lax",
        https_only=platform.settings.secure_cookies,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
    )
