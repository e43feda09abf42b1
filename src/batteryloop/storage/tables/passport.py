from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.storage.base import Base, CreatedMixin, IdMixin, UtcDateTime

#: JSON on SQLite, JSONB on PostgreSQL
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class BatteryModelRow(IdMixin, CreatedMixin, Base):
    """A battery model of an automaker: the static, model-level passport attributes shared by its packs."""

    __tablename__ = "battery_models"

    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(16))
    chemistry: Mapped[str | None] = mapped_column(String(32))
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    #: design-for-recycling facts the passport does not carry (domain.design.check_design_facts names); null until
    #: the automaker gives them
    design_facts: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    design_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(timezone=True))

    __table_args__ = (Index("uq_battery_models_owner_org_id_code", "owner_org_id", "code", unique=True),)


class PassportRow(Base):
    """One battery passport: item-level attributes (and the model-level ones it was given) as one document."""

    __tablename__ = "passports"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    passport_id: Mapped[str] = mapped_column(String(200), unique=True)
    battery_id: Mapped[str] = mapped_column(String(200))
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    model_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("battery_models.id"))
    #: None when the source gives no passport category (e.g. a Catena-X SLI battery)
    category: Mapped[str | None] = mapped_column(String(16))
    chemistry: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    predecessor_passport_id: Mapped[str | None] = mapped_column(String(200))
    successor_passport_id: Mapped[str | None] = mapped_column(String(200))
    ceased_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDocument)

    __table_args__ = (
        Index("ix_passports_owner_org_id_id", "owner_org_id", "id"),
        Index("ix_passports_model_id", "model_id"),
    )


class PassportReadingRow(Base):
    """Append-only time series of dynamic passport attributes (state of health, cycles, events, ...)."""

    __tablename__ = "passport_readings"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    passport_pk: Mapped[int] = mapped_column(ForeignKey("passports.id", ondelete="CASCADE"))
    attribute: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
    value: Mapped[Any] = mapped_column(JsonDocument)

    __table_args__ = (
        Index("ix_passport_readings_passport_pk_attribute_recorded_at", "passport_pk", "attribute", "recorded_at"),
    )


class ImportRow(Base):
    """A bulk import, by idempotency key: the same key with the same file applies once."""

    __tablename__ = "passport_imports"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    content_sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    passports: Mapped[int]
    result: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("uq_passport_imports_owner_org_id_idempotency_key", "owner_org_id", "idempotency_key", unique=True),
    )
