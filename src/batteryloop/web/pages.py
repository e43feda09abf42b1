"""A small collector for page routes: modules declare pages, :func:`mount_web` adds them to the app.

The routes land directly in the app's route table (``app.routes``) as plain FastAPI routes, kept out of the
OpenAPI schema, and answer HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.requests import Request
from starlette.routing import BaseRoute

from batteryloop.web.errors import PageError
from batteryloop.web.security import csrf_ok

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class PageRoute:
    path: str
    endpoint: Callable[..., Any]
    methods: tuple[str, ...]
    name: str


@dataclass
class Pages:
    """Page routes of one module: decorate with :meth:`get` / :meth:`post`, then :meth:`add_to` the app."""

    routes: list[PageRoute] = field(default_factory=list)

    def _add(self, path: str, methods: tuple[str, ...], name: str | None) -> Callable[[F], F]:
        def decorator(fn: F) -> F:
            self.routes.append(PageRoute(path, fn, methods, name or f"web.{fn.__name__}"))
            return fn

        return decorator

    def get(self, path: str, *, name: str | None = None) -> Callable[[F], F]:
        return self._add(path, ("GET",), name)

    def post(self, path: str, *, name: str | None = None) -> Callable[[F], F]:
        return self._add(path, ("POST",), name)

    def add_to(self, app: FastAPI) -> list[BaseRoute]:
        before = len(app.routes)
        for route in self.routes:
            app.add_api_route(
                route.path,
                route.endpoint,
                methods=list(route.methods),
                name=route.name,
                include_in_schema=False,
                response_class=HTMLResponse,
            )
        return list(app.routes[before:])


def require_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form post whose CSRF token is missing or not this session's (403 page)."""
    if not csrf_ok(request, submitted):
        raise PageError(
            403,
            "This form has expired or did not come from this site. Reload the page and send it again.",
            title="Please reload the page",
        )
