"""Engines for the embedded (SQLite) and production (PostgreSQL) stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin: without this, pysqlite's own
    # implicit transactions break SAVEPOINT (nested units of work, tests rolled back around each test).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Units of work that write say BEGIN IMMEDIATE (see Store.uow): a deferred transaction that reads first and
    # writes later cannot upgrade its lock when another writer got there first, and fails at once with
    # "database is locked" instead of waiting busy_timeout. Straight to the driver: this is on the hot path.
    statement = connection.get_execution_options().get("sqlite_begin", "BEGIN")
    connection.connection.driver_connection.execute(statement)


def create_engine_for(url: str, *, echo: bool = False) -> Engine:
    """Create an engine: SQLite gets WAL and foreign keys on every connection; PostgreSQL a sized pool."""
    url = normalize_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        in_memory = make_url(url).database in (None, "", ":memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if in_memory:
            kwargs["poolclass"] = StaticPool
        else:
            kwargs.update(pool_size=16, max_overflow=32)
        engine = create_engine(url, echo=echo, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        return create_engine(url, echo=echo, pool_size=16, max_overflow=32, pool_pre_ping=True)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:///file.db or postgresql://user@host/db")
