"""Web sessions: the signed cookie holds only the API key's id; every page re-checks the key.

Revoking or expiring a key therefore signs its sessions out on their next request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends
from starlette.requests import Request

from batteryloop.bootstrap import Platform
from batteryloop.domain.access import Actor
from batteryloop.domain.errors import AuthenticationError, NotFoundError
from batteryloop.domain.organization import Organization
from batteryloop.services import auth, organization
from batteryloop.storage.uow import UnitOfWork
from batteryloop.web.errors import SignInRequired
from batteryloop.web.security import renew_csrf_token

KEY_ID = "key_id"
FLASH = "flash"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person: their actor, organisation and name."""

    actor: Actor
    organization: Organization
    member_name: str


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def page_uow(request: Request) -> Iterator[UnitOfWork]:
    """One unit of work per page request; routes commit only after they write.

    FastAPI enters and leaves this on two pool threads; the store's writer lock is a plain ``Lock`` for that reason
    (``storage.uow.Store``), so a teardown on another thread releases it.
    """
    with get_platform(request).store.uow() as uow:
        yield uow


PageUow = Annotated[UnitOfWork, Depends(page_uow, scope="function")]


def sign_in(request: Request, actor: Actor) -> None:
    """Start a fresh session for ``actor`` (new CSRF token; the old session's content is dropped)."""
    request.session.clear()
    request.session[KEY_ID] = str(actor.key_id)
    renew_csrf_token(request)


def sign_out(request: Request, message: str | None = None) -> None:
    request.session.clear()
    if message:
        request.session[FLASH] = message


def pop_flash(request: Request) -> str | None:
    message = request.session.pop(FLASH, None)
    return message if isinstance(message, str) else None


def signin_url(next_path: str | None) -> str:
    if not next_path or next_path == "/":
        return "/signin"
    return "/signin?next=" + quote(next_path, safe="")


def session_actor(request: Request, uow: UnitOfWork) -> Actor | None:
    """The actor of the session's key, or None when not signed in; signs out a revoked or expired key."""
    raw = request.session.get(KEY_ID)
    if raw is None:
        return None
    try:
        key_id = uuid.UUID(str(raw))
        return auth.actor_for_key_id(uow, key_id)
    except ValueError:
        sign_out(request)
    except AuthenticationError as exc:
        sign_out(request, f"You were signed out: {exc.reason}.")
    return None


def _requested_path(request: Request) -> str | None:
    if request.method not in ("GET", "HEAD"):
        return None
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def current_viewer(request: Request, uow: PageUow) -> Viewer:
    """Dependency of every protected page: the signed-in viewer, or a redirect to the sign-in page."""
    actor = session_actor(request, uow)
    if actor is None or actor.org_id is None or actor.member_id is None:
        raise SignInRequired(signin_url(_requested_path(request)))
    try:
        org = organization.get_organization(uow, actor, actor.org_id)
        member = organization.get_member(uow, actor, actor.member_id)
    except NotFoundError:
        sign_out(request, "You were signed out: your organisation or membership no longer exists.")
        raise SignInRequired(signin_url(None)) from None
    viewer = Viewer(actor=actor, organization=org, member_name=member.name)
    request.state.viewer = viewer
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def optional_viewer(request: Request) -> Viewer | None:
    """The signed-in viewer if there is one (for pages that also show to visitors, such as error pages)."""
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    if viewer is not None or "session" not in request.scope or KEY_ID not in request.session:
        return viewer
    with get_platform(request).store.uow() as uow:
        try:
            return current_viewer(request, uow)
        except SignInRequired:
            return None
