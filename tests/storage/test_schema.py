"""The shipped migrations build exactly the tables the code declares, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from batteryloop.storage import tables  # noqa: F401
from batteryloop.storage.base import Base
from batteryloop.storage.migrate import current_revision, head_revision


def test_migrations_match_the_declared_tables(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"write a migration for: {diff}"
    assert current_revision(engine) == head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_timestamps_come_back_timezone_aware_utc(platform, world):
    from batteryloop.domain.access import Actor

    with platform.store.uow() as uow:
        page = uow.audit.list_visible(Actor.platform_operator(), cursor=None, limit=1)
    stamp = page.items[0].occurred_at
    assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
    assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=5)
    # a time given in another zone is stored as the same instant
    cet = timezone(timedelta(hours=1))
    assert datetime(2026, 1, 1, 13, tzinfo=cet).astimezone(UTC).hour == 12
