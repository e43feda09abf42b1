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

from batteryloop.domain.custody.tiles import TILE_WIDTH, Tile, TileKey, pack_entries, unpack_entries
from batteryloop.storage.tables import LogCheckpointRow, LogStateRow, LogTileRow

if TYPE_CHECKING:
    from batteryloop.storage.uow import UnitOfWork

_STATE: Table = LogStateRow.__table__  # type: ignore[assignment]
_TILES: Table = LogTileRow.__table__  # type: ignore[assignment]
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
        """Store entries ``first_index, first_index + 1, ...`` in entry tiles (the last partial tile grows)."""
        if not entries:
            return
        tile_index, offset = divmod(first_index, TILE_WIDTH)
        prior = b""
        if offset:
            found = self._entry_tiles([tile_index]).get(tile_index)
            if found is None or found[0] != offset:
                held = 0 if found is None else found[0]
                raise ValueError(f"entry tile {tile_index} holds {held} entries, not {offset}")
            prior = found[1]
        rows = []
        at = 0
        while at < len(entries):
            take = TILE_WIDTH - offset
            chunk = entries[at : at + take]
            rows.append((tile_index, offset + len(chunk), prior + pack_entries(chunk)))
            at += take
            tile_index, offset, prior = tile_index + 1, 0, b""
        cursor, mark = self._driver()
        try:
            cursor.executemany(
                f"INSERT INTO log_entry_tiles (idx, count, data) VALUES ({mark}, {mark}, {mark}) "
                "ON CONFLICT (idx) DO UPDATE SET count = excluded.count, data = excluded.data",
                rows,
            )
        finally:
            cursor.close()

    def _entry_tiles(self, indexes: Iterable[int]) -> dict[int, tuple[int, bytes]]:
        wanted = sorted(set(indexes))
        if not wanted:
            return {}
        cursor, mark = self._driver()
        found: dict[int, tuple[int, bytes]] = {}
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                cursor.execute(
                    f"SELECT idx, count, data FROM log_entry_tiles WHERE idx IN ({', '.join([mark] * len(chunk))})",
                    chunk,
                )
                found.update((int(i), (int(c), bytes(d))) for i, c, d in cursor.fetchall())
        finally:
            cursor.close()
        return found

    def entries_at(self, indexes: Iterable[int]) -> dict[int, bytes]:
        """The stored entries among ``indexes``."""
        wanted = set(indexes)
        tiles = self._entry_tiles(i // TILE_WIDTH for i in wanted)
        out: dict[int, bytes] = {}
        for tile_index, (_count, data) in tiles.items():
            for offset, entry in enumerate(unpack_entries(data)):
                index = tile_index * TILE_WIDTH + offset
                if index in wanted:
                    out[index] = entry
        return out

    def entry(self, index: int) -> bytes | None:
        return self.entries_at([index]).get(index)

    def entries(self, start: int, end: int) -> list[tuple[int, bytes]]:
        """Entries ``start`` to ``end - 1`` that are stored, in order."""
        found = self.entries_at(range(start, end))
        return sorted(found.items())

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
