"""Unit of work: one session, its repositories and the clock. Entry points commit; services never do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from batteryloop.storage.repositories.audit import SqlAuditRepository
from batteryloop.storage.repositories.consortium import SqlConsortiumRepository
from batteryloop.storage.repositories.organization import (
    SqlApiKeyRepository,
    SqlMemberRepository,
    SqlOrganizationRepository,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    @cached_property
    def organizations(self) -> SqlOrganizationRepository:
        return SqlOrganizationRepository(self.session)

    @cached_property
    def members(self) -> SqlMemberRepository:
        return SqlMemberRepository(self.session)

    @cached_property
    def keys(self) -> SqlApiKeyRepository:
        return SqlApiKeyRepository(self.session)

    @cached_property
    def consortia(self) -> SqlConsortiumRepository:
        return SqlConsortiumRepository(self.session)

    @cached_property
    def audit(self) -> SqlAuditRepository:
        return SqlAuditRepository(self.session)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class Store:
    """Makes units of work over an engine, or over one connection (tests roll back around each test)."""

    def __init__(self, bind: Engine | Connection, *, clock: Clock = utc_now) -> None:
        self.bind = bind
        self.clock = clock
        mode = "create_savepoint" if isinstance(bind, Connection) else "rollback_only"
        self._sessions = sessionmaker(bind=bind, expire_on_commit=False, join_transaction_mode=mode)

    @contextmanager
    def uow(self) -> Iterator[UnitOfWork]:
        session = self._sessions()
        try:
            yield UnitOfWork(session, self.clock)
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        with self.uow() as uow:
            uow.session.execute(text("SELECT 1"))
