"""Friendly HTML error pages for the web, and the sign-in redirect; the API keeps its problem details."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from batteryloop.domain.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from batteryloop.web.security import SECURITY_HEADERS
from batteryloop.web.templating import render

log = logging.getLogger("batteryloop.web")

#: Paths that belong to the API (or its docs) even when a browser asks for them.
API_PREFIXES = ("/v1/", "/docs", "/openapi.json", "/healthz")

DOMAIN_STATUS: list[tuple[type[DomainError], int]] = [
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (ConflictError, 409),
    (PermissionDeniedError, 403),
    (AuthenticationError, 401),
]

FRIENDLY: dict[int, tuple[str, str]] = {
    400: ("The request was not understood", "Go back and try again."),
    401: ("Please sign in", "Sign in with your API key to see this page."),
    403: ("Not allowed", "Your organisation or role may not do this."),
    404: ("Page not found", "There is no page at this address. Check the link, or start from the overview."),
    405: (
        "Not possible here",
        "This address does not accept that kind of request; use the page's own buttons.",
    ),
    409: ("That conflicts with what is stored", "Reload the page to see the current state."),
    413: ("Too much data", "The form sent more data than the server accepts."),
    422: ("That input was not accepted", "Correct the highlighted input and try again."),
    500: ("Something went wrong", "An unexpected error occurred and has been logged. Try again in a moment."),
}


class PageError(Exception):
    """Raised by page routes to answer with a friendly error page."""

    def __init__(self, status_code: int, message: str = "", *, title: str | None = None) -> None:
        default_title, default_message = FRIENDLY.get(status_code, (HTTPStatus(status_code).phrase, ""))
        super().__init__(message or default_message)
        self.status_code = status_code
        self.title = title or default_title
        self.message = message or default_message


class SignInRequired(Exception):
    """Raised when a protected page is visited without a valid session: redirect (303) to ``location``."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def error_page(request: Request, status_code: int, message: str = "", *, title: str | None = None) -> Response:
    default_title, default_message = FRIENDLY.get(status_code, (HTTPStatus(status_code).phrase, ""))
    try:
        response: Response = render(
            request,
            "error.html",
            status_code=status_code,
            title=title or default_title,
            heading=title or default_title,
            message=message or default_message,
            code=status_code,
        )
    except Exception:  # never let an error page raise; fall back to plain text
        log.exception("could not render the error page")
        response = PlainTextResponse(f"{status_code} {title or default_title}\n", status_code=status_code)
    # also set here: a 500 page is sent from outside the middleware that adds them to other pages
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response


Handler = Callable[[Request, Any], Any]


def install(app: FastAPI, is_web_route: Callable[[object], bool], resolve_viewer: Callable[[Request], object]) -> None:
    """Register the web's handlers; the app's existing handlers still serve every non-web request.

    ``resolve_viewer`` finds the signed-in viewer (if any) so that error pages keep the header and navigation.
    """

    def is_web(request: Request) -> bool:
        route = request.scope.get("route")
        if route is not None:
            return is_web_route(route)
        if request.url.path.startswith(API_PREFIXES):
            return False
        return "text/html" in request.headers.get("accept", "")

    async def with_viewer(request: Request) -> None:
        if getattr(request.state, "viewer", None) is None:
            try:
                await run_in_threadpool(resolve_viewer, request)
            except Exception:  # an error page must not fail on the header
                log.exception("could not resolve the viewer for an error page")

    async def page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        await with_viewer(request)
        return error_page(request, exc.status_code, exc.message, title=exc.title)

    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return RedirectResponse(exc.location, status_code=303)

    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(SignInRequired, sign_in_required)

    def web_first(key: type[Exception], html: Callable[[Request, Any], Response]) -> None:
        previous: Handler | None = app.exception_handlers.get(key)

        async def handler(request: Request, exc: Exception) -> Response:
            if is_web(request) or previous is None:
                await with_viewer(request)
                return html(request, exc)
            result = previous(request, exc)
            response: Response = await result if inspect.isawaitable(result) else result
            return response

        app.add_exception_handler(key, handler)

    def http_html(request: Request, exc: StarletteHTTPException) -> Response:
        return error_page(request, exc.status_code)

    def domain_html(request: Request, exc: DomainError) -> Response:
        status = next((code for cls, code in DOMAIN_STATUS if isinstance(exc, cls)), 500)
        return error_page(request, status, exc.reason if status < 500 else "")

    def unexpected_html(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, 500)

    web_first(StarletteHTTPException, http_html)
    web_first(DomainError, domain_html)
    web_first(RequestValidationError, lambda request, exc: error_page(request, 422, "The form was incomplete."))
    web_first(Exception, unexpected_html)
