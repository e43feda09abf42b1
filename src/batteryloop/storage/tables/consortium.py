from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.domain.organization import DataCategory, OrganizationKind
from batteryloop.storage.base import Base, CreatedMixin, IdMixin
from batteryloop.storage.tables.organization import _in


class ConsortiumRow(IdMixin, CreatedMixin, Base):
    __tablename__ = "consortia"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    convenor_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    #: the consortium's own end-of-life triage thresholds (names of domain.health.triage.TriageThresholds); null =
    #: the reference defaults
    triage_thresholds: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class ConsortiumMemberRow(Base):
    __tablename__ = "consortium_members"

    consortium_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consortia.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC))
    #: "invited" until the organisation's admin accepts; only "member" rows take part in data sharing
    status: Mapped[str] = mapped_column(String(16), default="member", server_default="member")

    __table_args__ = (
        Index("ix_consortium_members_organization_id", "organization_id"),
        CheckConstraint("status IN ('invited', 'member')", name="status"),
    )


class SharingRuleRow(IdMixin, CreatedMixin, Base):
    __tablename__ = "sharing_rules"

    consortium_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consortia.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(32))
    provider_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    grantee_kind: Mapped[str | None] = mapped_column(String(32))
    grantee_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))

    __table_args__ = (
        CheckConstraint(_in("category", DataCategory), name="category"),
        CheckConstraint(f"grantee_kind IS NULL OR {_in('grantee_kind', OrganizationKind)}", name="grantee_kind"),
        CheckConstraint("(grantee_kind IS NULL) <> (grantee_org_id IS NULL)", name="one_grantee"),
        Index("ix_sharing_rules_consortium_id_category", "consortium_id", "category"),
    )
