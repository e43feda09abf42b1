"""Shipments between sites: the plan with each pack's classification for carriage, dispatch and receipt weights."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.storage.base import Base, CreatedMixin, IdMixin

STATUSES = ("planned", "dispatched", "received", "discrepancy")


class ShipmentRow(IdMixin, CreatedMixin, Base):
    __tablename__ = "shipments"

    code: Mapped[str] = mapped_column(String(100))
    from_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    from_site: Mapped[str] = mapped_column(String(100))
    to_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    to_site: Mapped[str] = mapped_column(String(100))
    carrier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    planned_date: Mapped[date]
    declared_gross_kg: Mapped[float] = mapped_column(Float)
    tolerance_absolute_kg: Mapped[float] = mapped_column(Float)
    tolerance_relative: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    dispatched_at: Mapped[datetime | None]
    dispatched_kg: Mapped[float | None] = mapped_column(Float)
    dispatch_leaf_index: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    received_at: Mapped[datetime | None]
    received_kg: Mapped[float | None] = mapped_column(Float)
    receipt_leaf_index: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    reconciliation: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (
        UniqueConstraint("from_org_id", "code"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status"),
        Index("ix_shipments_to_org_id", "to_org_id"),
    )


class ShipmentItemRow(Base):
    __tablename__ = "shipment_items"

    shipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True)
    passport_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    chemistry: Mapped[str] = mapped_column(String(16))
    condition: Mapped[str] = mapped_column(String(24))
    energy_wh: Mapped[float] = mapped_column(Float)
    gross_mass_kg: Mapped[float] = mapped_column(Float)
    packaging: Mapped[str] = mapped_column(String(32))
    classification: Mapped[dict[str, Any]] = mapped_column(JSON)
