from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.storage.base import Base, CreatedMixin, IdMixin


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class OrganizationRow(IdMixin, CreatedMixin, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))

    __table_args__ = (CheckConstraint(_in("kind", OrganizationKind), name="kind"),)


class MemberRow(IdMixin, CreatedMixin, Base):
    __tablename__ = "members"

    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        CheckConstraint(_in("role", MemberRole), name="role"),
        UniqueConstraint("organization_id", "name"),
        Index("ix_members_organization_id", "organization_id"),
    )


class ApiKeyRow(IdMixin, CreatedMixin, Base):
    __tablename__ = "api_keys"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_api_keys_organization_id", "organization_id"),)
