"""The tamper-evident custody log: entries, hash tiles (domain.custody.tiles), signed checkpoints, its size."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, LargeBinary, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.storage.base import Base

_BIG = BigInteger().with_variant(Integer, "sqlite")


class LogEntryRow(Base):
    """Entry ``leaf_index`` of the log: the exact bytes that were hashed (RFC 8785 canonical JSON). What it is and
    when it happened are inside it; when it was logged is committed by the next signed checkpoint."""

    __tablename__ = "log_entries"

    leaf_index: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)
    entry: Mapped[bytes] = mapped_column(LargeBinary)


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
