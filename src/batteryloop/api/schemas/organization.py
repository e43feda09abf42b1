from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, Field

from batteryloop.api.schemas.common import Page, Schema
from batteryloop.domain.organization import MemberRole, OrganizationKind


class OrganizationRead(Schema):
    id: uuid.UUID
    name: str
    kind: OrganizationKind
    country: str | None = None


class OrganizationUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. DE")


class OrganizationPage(Page[OrganizationRead]):
    pass


class MemberCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    role: MemberRole
    email: str | None = Field(default=None, max_length=320)


class MemberRead(Schema):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    email: str | None
    role: MemberRole


class MemberPage(Page[MemberRead]):
    pass


class KeyCreate(Schema):
    member_id: uuid.UUID
    label: str = Field(default="default", min_length=1, max_length=200)
    expires_at: AwareDatetime | None = Field(default=None, description="Optional expiry (with time zone)")


class KeyRead(Schema):
    id: uuid.UUID
    organization_id: uuid.UUID
    member_id: uuid.UUID
    prefix: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    key: str = Field(description="The API key. It is shown this once and cannot be recovered.")


class KeyPage(Page[KeyRead]):
    pass


class MeRead(Schema):
    organization: OrganizationRead
    member_id: uuid.UUID | None
    role: MemberRole | None
    key_id: uuid.UUID | None
