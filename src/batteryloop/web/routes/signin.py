"""Signing in with an API key, and out again."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from batteryloop.domain.errors import AuthenticationError
from batteryloop.services import audit, auth
from batteryloop.web.pages import Pages, require_csrf
from batteryloop.web.security import CSRF_FIELD, safe_next
from batteryloop.web.session import PageUow, pop_flash, session_actor, sign_in, sign_out
from batteryloop.web.templating import render

pages = Pages()

NextQuery = Annotated[str, Query(alias="next")]
FormText = Annotated[str, Form()]


def _form(request: Request, *, next_path: str, error: str | None = None, status_code: int = 200) -> Response:
    return render(
        request,
        "signin.html",
        status_code=status_code,
        title="Sign in",
        next_path=next_path,
        error=error,
        message=pop_flash(request),
    )


@pages.get("/signin", name="web.signin")
def signin_form(request: Request, uow: PageUow, next_path: NextQuery = "/") -> Response:
    target = safe_next(next_path)
    if session_actor(request, uow) is not None:
        return RedirectResponse(target, status_code=303)
    return _form(request, next_path=target)


def _clean_key(raw: str) -> str:
    token = raw.strip()
    if token.lower().startswith("bearer "):
        token = token[len("bearer ") :].strip()
    return token


@pages.post("/signin", name="web.signin_submit")
def signin_submit(
    request: Request,
    uow: PageUow,
    key: FormText = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    require_csrf(request, csrf_token)
    target = safe_next(next_path)
    token = _clean_key(key)
    if not token:
        return _form(request, next_path=target, error="Enter your API key.", status_code=401)
    try:
        actor = auth.authenticate(uow, token)
    except AuthenticationError as exc:
        return _form(request, next_path=target, error=f"That key was not accepted: {exc.reason}.", status_code=401)
    sign_in(request, actor)
    audit.record(uow, actor, action="web.signin", resource_type="session", owner_org_id=actor.org_id)
    uow.commit()
    return RedirectResponse(target, status_code=303)


@pages.post("/signout", name="web.signout")
def signout(request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
    require_csrf(request, csrf_token)
    sign_out(request, "You have signed out.")
    return RedirectResponse("/signin", status_code=303)
