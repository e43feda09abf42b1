"""Unit of work: one session, its repositories and the clock. Entry points commit; services never do."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import Connection, Engine, NestedTransaction, RootTransaction, text
from sqlalchemy.orm import Session

from batteryloop.storage.repositories.audit import SqlAuditRepository
from batteryloop.storage.repositories.consortium import SqlConsortiumRepository
from batteryloop.storage.repositories.custody import SqlCustodyRepository
from batteryloop.storage.repositories.log import SqlLogRepository
from batteryloop.storage.repositories.organization import (
    SqlApiKeyRepository,
    SqlMemberRepository,
    SqlOrganizationRepository,
)
from batteryloop.storage.repositories.passport import SqlPassportRepository

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    """One transaction. Hot reads run Core statements on :attr:`connection`; the ORM :attr:`session` is made
    only when a repository needs it (writes, entity loads), inside a SAVEPOINT of the same transaction."""

    def __init__(self, connection: Connection, clock: Clock, *, nested: bool) -> None:
        self._connection = connection
        self._clock = clock
        self._nested = nested
        self._transaction: RootTransaction | NestedTransaction | None = None
        self._session: Session | None = None

    def now(self) -> datetime:
        return self._clock()

    @property
    def connection(self) -> Connection:
        if self._transaction is None or not self._transaction.is_active:
            self._transaction = self._connection.begin_nested() if self._nested else self._connection.begin()
        return self._connection

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(
                bind=self.connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
        return self._session

    @property
    def dialect(self) -> str:
        return self._connection.dialect.name

    @cached_property
    def organizations(self) -> SqlOrganizationRepository:
        return SqlOrganizationRepository(self)

    @cached_property
    def members(self) -> SqlMemberRepository:
        return SqlMemberRepository(self)

    @cached_property
    def keys(self) -> SqlApiKeyRepository:
        return SqlApiKeyRepository(self)

    @cached_property
    def consortia(self) -> SqlConsortiumRepository:
        return SqlConsortiumRepository(self)

    @cached_property
    def audit(self) -> SqlAuditRepository:
        return SqlAuditRepository(self)

    @cached_property
    def passports(self) -> SqlPassportRepository:
        return SqlPassportRepository(self)

    @cached_property
    def log(self) -> SqlLogRepository:
        return SqlLogRepository(self)

    @cached_property
    def custody(self) -> SqlCustodyRepository:
        return SqlCustodyRepository(self)

    def _end_session(self, *, commit: bool) -> None:
        if self._session is not None:
            if commit:
                self._session.commit()  # flush, release the session's savepoint
            self._session.close()
            self._session = None

    def commit(self) -> None:
        self._end_session(commit=True)
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.commit()
        self._transaction = None

    def rollback(self) -> None:
        self._end_session(commit=False)
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()
        self._transaction = None


def _set_read_only(connection: Connection, on: bool) -> None:
    if connection.dialect.name == "sqlite":
        # straight to the driver: a pragma has no result to map, and SQLAlchemy's statement path would cost
        # more than the read it guards
        connection.connection.driver_connection.execute(f"PRAGMA query_only={'ON' if on else 'OFF'}")  # type: ignore[union-attr]
    elif on:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")


class Store:
    """Makes units of work over an engine, or over one connection (tests roll back around each test)."""

    def __init__(self, bind: Engine | Connection, *, clock: Clock = utc_now) -> None:
        self.bind = bind
        self.clock = clock
        # SQLite takes one writer at a time; writers of this process queue here instead of in SQLite's busy
        # handler, which sleeps in steps of up to 100 ms (the tail latency of audited reads, bench/). A plain Lock,
        # not an RLock: a unit of work may be entered on one thread and left on another (FastAPI runs a dependency's
        # setup and teardown on different pool threads), and only a Lock may be released by another thread.
        self._write_lock = threading.Lock()

    @property
    def is_embedded(self) -> bool:
        """True for SQLite: the database is a file in this process, reads take microseconds."""
        return self.bind.dialect.name == "sqlite"

    @contextmanager
    def uow(self, *, read_only: bool = False) -> Iterator[UnitOfWork]:
        """A unit of work; ``read_only`` makes any write fail at once instead of taking (or waiting for) a lock."""
        own = isinstance(self.bind, Engine)
        serialised = own and self.is_embedded and not read_only
        if serialised:
            self._write_lock.acquire()
        try:
            connection = self.bind.connect() if isinstance(self.bind, Engine) else self.bind
            if own and self.is_embedded:
                connection.execution_options(sqlite_begin="BEGIN" if read_only else "BEGIN IMMEDIATE")
            uow = UnitOfWork(connection, self.clock, nested=not own)
            if read_only:
                _set_read_only(uow.connection, True)
            try:
                yield uow
            finally:
                uow.rollback()  # no-op after commit; undoes anything uncommitted
                if read_only:
                    _set_read_only(connection, False)
                if own:
                    connection.close()
        finally:
            if serialised:
                self._write_lock.release()

    def ping(self) -> None:
        with self.uow() as uow:
            uow.connection.execute(text("SELECT 1"))
