"""Recycling operations: facilities with their permitted operations and routes, and the lots they process.

Masses are kept as decimal strings inside the JSON documents (``input``, ``outputs``, ``result``) so that the
regulatory accounting stays exact on SQLite and PostgreSQL alike (SQLite has no exact decimal column).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.storage.base import Base, CreatedMixin, IdMixin

LOT_STATUSES = ("open", "processed")


class FacilityRow(IdMixin, CreatedMixin, Base):
    """A permitted treatment facility (site) of an operator: the R/D operations and routes it runs."""

    __tablename__ = "facilities"

    operator_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    code: Mapped[str] = mapped_column(String(100), unique=True)  # the custody site code
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    permitted_operations: Mapped[list[str]] = mapped_column(JSON)
    routes: Mapped[list[str]] = mapped_column(JSON)
    capacity_t_per_year: Mapped[float] = mapped_column(Float)
    process: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (Index("ix_facilities_operator_org_id", "operator_org_id"),)


class LotRow(IdMixin, CreatedMixin, Base):
    """A lot processed at a facility: its input (packs, or an intermediate fraction of another lot) and outputs."""

    __tablename__ = "lots"

    facility_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("facilities.id"))
    operator_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    #: the first recycler: the operator of the lot the packs entered (the chain's head)
    first_recycler_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    code: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(32))
    battery_group: Mapped[str] = mapped_column(String(24))
    chemistry: Mapped[str | None] = mapped_column(String(32))  # the sorted feed: one code, or "mixed"
    status: Mapped[str] = mapped_column(String(16), default="open")
    #: a lot fed by an intermediate output of another lot (black mass from the pre-treatment plant)
    source_lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lots.id"))
    source_output: Mapped[str | None] = mapped_column(String(200))
    #: {mass_kg, elements_kg, basis: passport | assay, member_states: {code: kg}, water_kg?, pack_periphery_kg?}
    input: Mapped[dict[str, Any]] = mapped_column(JSON)
    outputs: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    processed_on: Mapped[date | None]
    #: the sums of the outputs the annual report needs (services.lot_ledger), kept when the outputs are recorded
    ledger: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    #: the last refused attempt to record outputs: {at, problems}; nothing of it is stored otherwise
    refusal: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (
        UniqueConstraint("facility_id", "code"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in LOT_STATUSES)})", name="status"),
        Index("ix_lots_first_recycler_org_id", "first_recycler_org_id"),
        Index("ix_lots_source_lot_id", "source_lot_id"),
    )


class LotItemRow(Base):
    """A pack (or module, cell) in a lot, with the mass it brought and where it was collected."""

    __tablename__ = "lot_items"

    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True)
    passport_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    mass_kg: Mapped[str] = mapped_column(String(32))
    member_state: Mapped[str | None] = mapped_column(String(2))
    chemistry: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_lot_items_passport_id", "passport_id"),)


__all__ = ["LOT_STATUSES", "FacilityRow", "LotItemRow", "LotRow"]
