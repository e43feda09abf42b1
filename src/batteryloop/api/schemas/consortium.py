from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field, model_validator

from batteryloop.api.schemas.common import Page, Schema
from batteryloop.api.schemas.organization import OrganizationRead
from batteryloop.domain.audit import AuditOutcome
from batteryloop.domain.organization import DataCategory, OrganizationKind


class ConsortiumCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)


class ConsortiumRead(Schema):
    id: uuid.UUID
    name: str
    description: str
    convenor_org_id: uuid.UUID


class ConsortiumPage(Page[ConsortiumRead]):
    pass


class ConsortiumMemberAdd(Schema):
    organization_id: uuid.UUID


class SharingRuleCreate(Schema):
    category: DataCategory
    provider_org_id: uuid.UUID | None = Field(default=None, description="Whose data is shared; omit for every member")
    grantee_kind: OrganizationKind | None = Field(default=None, description="Who may read it, by kind")
    grantee_org_id: uuid.UUID | None = Field(default=None, description="... or one organisation")

    @model_validator(mode="after")
    def _one_grantee(self) -> SharingRuleCreate:
        if (self.grantee_kind is None) == (self.grantee_org_id is None):
            raise ValueError("name exactly one of grantee_kind and grantee_org_id")
        return self


class SharingRuleRead(Schema):
    consortium_id: uuid.UUID
    category: DataCategory
    provider_org_id: uuid.UUID | None
    grantee_kind: OrganizationKind | None
    grantee_org_id: uuid.UUID | None


class MemberVisibility(Schema):
    organization: OrganizationRead
    readable_categories: list[DataCategory] = Field(
        description="Categories of this member's data that the caller's organisation may read"
    )


class ConsortiumOverviewRead(Schema):
    consortium: ConsortiumRead
    members: list[MemberVisibility]
    invited: list[OrganizationRead] = Field(description="Invited organisations that have not accepted yet")
    sharing_rules: list[SharingRuleRead]
    members_by_kind: dict[OrganizationKind, int]
    rules_by_category: dict[DataCategory, int]


class AuditEventRead(Schema):
    id: int
    occurred_at: datetime
    actor_org_id: uuid.UUID | None
    actor_member_id: uuid.UUID | None
    actor_key_id: uuid.UUID | None
    action: str
    resource_type: str
    resource_id: str | None
    owner_org_id: uuid.UUID | None
    outcome: AuditOutcome
    detail: str


class AuditEventPage(Page[AuditEventRead]):
    pass
