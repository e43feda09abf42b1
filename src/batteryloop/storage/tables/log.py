"""The tamper-evident custody log: entries, hash tiles (domain.custody.tiles), signed checkpoints, its size."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, LargeBinary, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.storage.base import Base

_BIG = BigInteger().with_variant(Integer, "sqlite")


class LogEntryTileRow(Base):
    """Entries ``256 * idx ...`` of the log (up to 256), each the exact bytes that were hashed (RFC 8785 canonical
    JSON), stored together as ``count`` length-prefixed entries (``domain.custody.tiles.pack_entries``). Appends
    write one row per 256 entries, like the data tiles of C2SP tlog-tiles; only the last tile is ever rewritten."""

    __tablename__ = "log_entry_tiles"

    idx: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(SmallInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (CheckConstraint("count BETWEEN 1 AND 256", name="count"),)


class LogTileRow(Base):
    """One hash tile: ``width`` base hashes of level ``8 * level`` and the complete nodes above them."""

    __tablename__ = "log_tiles"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)
    width: Mapped[int] = mapped_column(SmallInteger)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (CheckConstraint("width BETWEEN 1 AND 256", name="width"),)


class LogStateRow(Base):
    """The log's size (one row): appenders lock it, so concurrent appends form one linear log."""

    __tablename__ = "log_state"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(_BIG)

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


class LogCheckpointRow(Base):
    """A signed tree head: the C2SP signed note over origin, size and root, as served."""

    __tablename__ = "log_checkpoints"

    size: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
