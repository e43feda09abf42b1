"""Custody events (each one entry of the log), the packs they concern, and each pack's current custody state."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.storage.base import Base

_BIG = BigInteger().with_variant(Integer, "sqlite")


class CustodyEventRow(Base):
    """A custody event: its log entry holds the event; these columns index it. ``commercial`` and ``salt`` are the
    off-log details its ``commitment`` binds (shown only to the recording organisation)."""

    __tablename__ = "custody_events"

    leaf_index: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)  # its log entry
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]
    site: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    shipment_id: Mapped[str | None] = mapped_column(String(100))
    commercial: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    salt: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (
        Index("ix_custody_events_org_id", "org_id"),
        Index("ix_custody_events_shipment_id", "shipment_id"),
    )


class CustodyEventItemRow(Base):
    """One pack or module (by passport id) of an event."""

    __tablename__ = "custody_event_items"

    leaf_index: Mapped[int] = mapped_column(_BIG, ForeignKey("custody_events.leaf_index"), primary_key=True,
                                            autoincrement=False)  # fmt: skip
    passport_id: Mapped[str] = mapped_column(String(200), primary_key=True)

    __table_args__ = (Index("ix_custody_event_items_passport_id_leaf_index", "passport_id", "leaf_index"),)


class CustodyItemRow(Base):
    """Where a pack or module stands now (the state machine of domain.custody.events), and whose it is."""

    __tablename__ = "custody_items"

    passport_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    phase: Mapped[str] = mapped_column(String(16))
    site: Mapped[str | None] = mapped_column(String(100))
    to_site: Mapped[str | None] = mapped_column(String(100))
    shipment_id: Mapped[str | None] = mapped_column(String(100))
    lot_id: Mapped[str | None] = mapped_column(String(100))
    last_leaf_index: Mapped[int] = mapped_column(_BIG)
    last_occurred_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_custody_items_owner_org_id", "owner_org_id"),)
