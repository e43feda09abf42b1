"""Storage of the custody log: entries, hash tiles, size and signed checkpoints.

Appends lock the single ``log_state`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite writers are serialised
by the unit of work's ``BEGIN IMMEDIATE``), so concurrent appenders extend one linear log: each reads the size the
previous one committed. Entries and tiles go straight to the driver in one statement each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select, update

from batteryloop.domain.custody.tiles import Tile, TileKey
from batteryloop.storage.tables import LogCheckpointRow, LogEntryRow, LogStateRow, LogTileRow

if TYPE_CHECKING:
    from batteryloop.storage.uow import UnitOfWork

_STATE: Table = LogStateRow.__table__  # type: ignore[assignment]
_TILES: Table = LogTileRow.__table__  # type: ignore[assignment]
_ENTRIES: Table = LogEntryRow.__table__  # type: ignore[assignment]
_CHECKPOINTS: Table = LogCheckpointRow.__table__  # type: ignore[assignment]


class SqlLogRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def _driver(self) -> tuple[Any, str]:
        driver = self._uow.connection.connection.driver_connection
        return driver.cursor(), ("?" if self._uow.dialect == "sqlite" else "%s")  # type: ignore[union-attr]

    def size(self, *, for_update: bool = False) -> int:
        """The number of entries; ``for_update`` locks the log against other appenders until commit."""
        lock = " FOR UPDATE" if for_update and self._uow.dialect == "postgresql" else ""
        cursor, _ = self._driver()
        try:
            cursor.execute("SELECT size FROM log_state WHERE id = 1" + lock)
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def set_size(self, size: int) -> None:
        self._uow.connection.execute(update(_STATE).where(_STATE.c.id == 1).values(size=size))

    def tile(self, key: TileKey) -> Tile | None:
        return self.tiles([key]).get(key)

    def tiles(self, keys: Iterable[TileKey]) -> dict[TileKey, Tile]:
        """The stored tiles among ``keys`` (one statement; proofs need a handful)."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        cursor, mark = self._driver()
        try:
            if self._uow.dialect == "sqlite":  # point lookups on the primary key (a row-value IN list scans)
                rows = []
                for level, idx in wanted:
                    cursor.execute(
                        "SELECT level, idx, width, hashes FROM log_tiles WHERE level = ? AND idx = ?", (level, idx)
                    )
                    rows.extend(cursor.fetchall())
            else:
                pairs = ", ".join([f"({mark}, {mark})"] * len(wanted))
                cursor.execute(
                    f"SELECT level, idx, width, hashes FROM log_tiles WHERE (level, idx) IN (VALUES {pairs})",
                    [value for key in wanted for value in key],
                )
                rows = cursor.fetchall()
        finally:
            cursor.close()
        return {(level, idx): Tile(level, idx, width, bytes(hashes)) for level, idx, width, hashes in rows}

    def save_tiles(self, tiles: Iterable[Tile]) -> None:
        """Write tiles, replacing stored ones with the same key (the rightmost partial tiles grow)."""
        batch = list(tiles)
        if not batch:
            return
        driver = self._uow.connection.connection.driver_connection
        cursor = driver.cursor()  # type: ignore[union-attr]
        mark = "?" if self._uow.dialect == "sqlite" else "%s"
        try:
            cursor.executemany(
                f"INSERT INTO log_tiles (level, idx, width, hashes) VALUES ({mark}, {mark}, {mark}, {mark}) "
                "ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, hashes = excluded.hashes",
                [(t.level, t.index, t.width, t.hashes) for t in batch],
            )
        finally:
            cursor.close()

    def add_entries(self, first_index: int, entries: Sequence[bytes]) -> None:
        """Store entries ``first_index, first_index + 1, ...``."""
        if not entries:
            return
        driver = self._uow.connection.connection.driver_connection
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            if self._uow.dialect == "sqlite":
                cursor.executemany(
                    "INSERT INTO log_entries (leaf_index, entry) VALUES (?, ?)", enumerate(entries, first_index)
                )
            else:
                with cursor.copy("COPY log_entries (leaf_index, entry) FROM STDIN") as copy:
                    for row in enumerate(entries, first_index):
                        copy.write_row(row)
        finally:
            cursor.close()

    def entry(self, index: int) -> bytes | None:
        found = self._uow.connection.execute(select(_ENTRIES.c.entry).where(_ENTRIES.c.leaf_index == index)).first()
        return None if found is None else bytes(found[0])

    def entries(self, start: int, end: int) -> list[tuple[int, bytes]]:
        rows = self._uow.connection.execute(
            select(_ENTRIES.c.leaf_index, _ENTRIES.c.entry)
            .where(_ENTRIES.c.leaf_index >= start, _ENTRIES.c.leaf_index < end)
            .order_by(_ENTRIES.c.leaf_index)
        )
        return [(int(i), bytes(e)) for i, e in rows]

    def add_checkpoint(self, size: int, root_hash: bytes, note: str, now: datetime) -> None:
        self._uow.connection.execute(
            _CHECKPOINTS.insert().values(size=size, root_hash=root_hash, note=note, created_at=now)
        )

    def checkpoint(self, size: int | None = None) -> tuple[int, bytes, str, datetime] | None:
        """The checkpoint of ``size`` entries, or the newest one."""
        stmt = select(_CHECKPOINTS.c.size, _CHECKPOINTS.c.root_hash, _CHECKPOINTS.c.note, _CHECKPOINTS.c.created_at)
        stmt = (
            stmt.where(_CHECKPOINTS.c.size == size) if size is not None else stmt.order_by(_CHECKPOINTS.c.size.desc())
        )
        row = self._uow.connection.execute(stmt.limit(1)).first()
        return None if row is None else (int(row[0]), bytes(row[1]), row[2], row[3])
