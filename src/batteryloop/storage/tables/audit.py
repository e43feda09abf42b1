from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.storage.base import Base


class AuditEventRow(Base):
    """Append-only record of a write or of a read of restricted data (who, what, when, outcome)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC))
    actor_org_id: Mapped[uuid.UUID | None]
    actor_member_id: Mapped[uuid.UUID | None]
    actor_key_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(200))
    owner_org_id: Mapped[uuid.UUID | None]
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_audit_events_owner_org_id_id", "owner_org_id", "id"),
        Index("ix_audit_events_actor_org_id_id", "actor_org_id", "id"),
    )
