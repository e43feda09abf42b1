"""Dependencies shared by the routers: the platform, the caller's unit of work, paging.

Endpoints are ``async`` and hand their whole use case to :class:`Caller`, which runs authentication, the
service call and the commit in ONE unit of work on ONE thread-pool hop. Measured (bench/bench_api_read.py):
sync ``yield`` dependencies cost a thread hop each on entry and exit, which on this stack took more time than
the queries themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from batteryloop.bootstrap import Platform
from batteryloop.domain.access import Actor
from batteryloop.domain.errors import AuthenticationError
from batteryloop.domain.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from batteryloop.services import auth
from batteryloop.storage.uow import UnitOfWork

T = TypeVar("T")


async def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def bearer_token(request: Request) -> str:
    """The API key of the request (``Authorization: Bearer`` or ``X-API-Key``), or a 401 saying how to send it."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("use 'Authorization: Bearer <API key>'", field="authorization")
        return token.strip()
    api_key = request.headers.get("x-api-key")
    if not api_key:
        raise AuthenticationError(
            "this endpoint needs an API key: send 'Authorization: Bearer <key>'", field="authorization"
        )
    return api_key


class Caller:
    """The authenticated caller of one request; ``await caller(fn)`` runs ``fn(uow, actor)`` and commits."""

    __slots__ = ("platform", "request", "token")

    def __init__(self, request: Request, platform: Platform, token: str | None) -> None:
        self.request = request
        self.platform = platform
        self.token = token

    async def __call__(self, use_case: Callable[[UnitOfWork, Actor], T]) -> T:
        """Run a use case that may write, on the thread pool."""
        return await run_in_threadpool(self._run, use_case, False)

    async def read(self, use_case: Callable[[UnitOfWork, Actor], T]) -> T:
        """Run a use case that only reads. On embedded SQLite it runs on the event loop itself: WAL readers
        never wait for writers, the read-only transaction turns a stray write into an error rather than a
        wait, and a thread-pool hop costs more than such a read (bench/bench_api_read.py). On PostgreSQL,
        where a read waits on the network, it goes to the thread pool."""
        if self.platform.store.is_embedded:
            return self._run(use_case, True)
        return await run_in_threadpool(self._run, use_case, True)

    def _run(self, use_case: Callable[[UnitOfWork, Actor], T], read_only: bool) -> T:
        with self.platform.store.uow(read_only=read_only) as uow:
            actor = None if self.token is None else auth.authenticate(uow, self.token)
            self.request.state.actor = actor  # for the audit of a failed request
            result = use_case(uow, actor)  # type: ignore[arg-type]
            uow.commit()
            return result


async def get_caller(request: Request) -> Caller:
    return Caller(request, request.app.state.platform, bearer_token(request))


CallerDep = Annotated[Caller, Depends(get_caller)]


async def get_optional_caller(request: Request) -> Caller:
    """The caller if it sent a key (a bad key is still a 401), else an anonymous caller (``actor`` None)."""
    has_key = "authorization" in request.headers or "x-api-key" in request.headers
    return Caller(request, request.app.state.platform, bearer_token(request) if has_key else None)


OptionalCallerDep = Annotated[Caller, Depends(get_optional_caller)]

CursorQuery = Annotated[
    str | None, Query(description="Opaque cursor from the previous page's next_cursor; omit for the first page")
]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")]
DEFAULT_LIMIT = DEFAULT_PAGE_SIZE
