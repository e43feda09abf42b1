"""Dependencies shared by the routers: the platform, a unit of work per request, the actor, paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request

from batteryloop.bootstrap import Platform
from batteryloop.domain.access import Actor
from batteryloop.domain.errors import AuthenticationError
from batteryloop.domain.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from batteryloop.services import auth
from batteryloop.storage.uow import UnitOfWork


async def get_platform(request: Request) -> Platform:
    # async: no I/O here, and a sync dependency would cost a thread-pool hop on every request
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def get_uow(platform: PlatformDep) -> Iterator[UnitOfWork]:
    """One unit of work per request, committed once when the endpoint returns without error."""
    with platform.store.uow() as uow:
        yield uow
        uow.commit()


UowDep = Annotated[UnitOfWork, Depends(get_uow, scope="function")]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("use 'Authorization: Bearer <API key>'", field="authorization")
        return token.strip()
    return request.headers.get("x-api-key")


def get_actor(request: Request, uow: UowDep) -> Actor:
    """The authenticated caller; 401 with a problem detail when the key is missing or not valid."""
    token = bearer_token(request)
    if token is None:
        raise AuthenticationError(
            "this endpoint needs an API key: send 'Authorization: Bearer <key>'", field="authorization"
        )
    actor = auth.authenticate(uow, token)
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]

CursorQuery = Annotated[
    str | None,
    Query(description="Opaque cursor from the previous page's next_cursor; omit for the first page"),
]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")]
DEFAULT_LIMIT = DEFAULT_PAGE_SIZE
