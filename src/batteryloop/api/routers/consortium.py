from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from batteryloop.api.deps import DEFAULT_LIMIT, ActorDep, CursorQuery, LimitQuery, UowDep
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.api.schemas.consortium import (
    AuditEventPage,
    AuditEventRead,
    ConsortiumCreate,
    ConsortiumMemberAdd,
    ConsortiumOverviewRead,
    ConsortiumPage,
    ConsortiumRead,
    MemberVisibility,
    SharingRuleCreate,
    SharingRuleRead,
)
from batteryloop.api.schemas.organization import OrganizationRead
from batteryloop.domain.access import SharingRule
from batteryloop.domain.organization import DataCategory, OrganizationKind
from batteryloop.services import audit as audit_service
from batteryloop.services import consortium as consortium_service

router = APIRouter(prefix="/v1", tags=["consortia"], responses=PROBLEM_RESPONSES)


@router.get("/consortia", response_model=ConsortiumPage)
def list_consortia(
    uow: UowDep, actor: ActorDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> ConsortiumPage:
    """Consortia the caller's organisation belongs to."""
    page = consortium_service.list_consortia(uow, actor, cursor=cursor, limit=limit)
    return ConsortiumPage(items=[ConsortiumRead.model_validate(c) for c in page.items], next_cursor=page.next_cursor)


@router.post("/consortia", response_model=ConsortiumRead, status_code=status.HTTP_201_CREATED)
def create_consortium(body: ConsortiumCreate, uow: UowDep, actor: ActorDep) -> ConsortiumRead:
    """Found a consortium convened by the caller's organisation (admins)."""
    consortium = consortium_service.create_consortium(uow, actor, name=body.name, description=body.description)
    return ConsortiumRead.model_validate(consortium)


@router.get("/consortia/{consortium_id}", response_model=ConsortiumRead)
def read_consortium(consortium_id: uuid.UUID, uow: UowDep, actor: ActorDep) -> ConsortiumRead:
    """One consortium the caller's organisation belongs to."""
    return ConsortiumRead.model_validate(consortium_service.get_consortium(uow, actor, consortium_id))


@router.get("/consortia/{consortium_id}/overview", response_model=ConsortiumOverviewRead)
def read_overview(consortium_id: uuid.UUID, uow: UowDep, actor: ActorDep) -> ConsortiumOverviewRead:
    """Members, the sharing agreement and what the caller may read of each member."""
    view = consortium_service.overview(uow, actor, consortium_id)
    return ConsortiumOverviewRead(
        consortium=ConsortiumRead.model_validate(view.consortium),
        members=[
            MemberVisibility(organization=OrganizationRead.model_validate(o), readable_categories=view.readable[o.id])
            for o in view.members
        ],
        sharing_rules=[SharingRuleRead.model_validate(r) for r in view.rules],
        members_by_kind=view.members_by_kind,
        rules_by_category=view.rules_by_category,
    )


@router.post("/consortia/{consortium_id}/members", response_model=OrganizationRead, status_code=status.HTTP_201_CREATED)
def add_consortium_member(
    consortium_id: uuid.UUID, body: ConsortiumMemberAdd, uow: UowDep, actor: ActorDep
) -> OrganizationRead:
    """Admit an organisation (the convenor's admins)."""
    org = consortium_service.add_member(uow, actor, consortium_id, body.organization_id)
    return OrganizationRead.model_validate(org)


@router.get("/consortia/{consortium_id}/sharing-rules", response_model=list[SharingRuleRead])
def list_sharing_rules(consortium_id: uuid.UUID, uow: UowDep, actor: ActorDep) -> list[SharingRuleRead]:
    """The consortium's data-sharing agreement, clause by clause."""
    view = consortium_service.overview(uow, actor, consortium_id)
    return [SharingRuleRead.model_validate(r) for r in view.rules]


@router.post(
    "/consortia/{consortium_id}/sharing-rules",
    response_model=SharingRuleRead,
    status_code=status.HTTP_201_CREATED,
)
def add_sharing_rule(
    consortium_id: uuid.UUID, body: SharingRuleCreate, uow: UowDep, actor: ActorDep
) -> SharingRuleRead:
    """Open a category of data to a kind of member or to one organisation."""
    rule = SharingRule(consortium_id=consortium_id, **body.model_dump())
    return SharingRuleRead.model_validate(consortium_service.share(uow, actor, rule))


@router.delete("/consortia/{consortium_id}/sharing-rules", status_code=status.HTTP_204_NO_CONTENT)
def remove_sharing_rule(
    consortium_id: uuid.UUID,
    uow: UowDep,
    actor: ActorDep,
    category: Annotated[DataCategory, Query()],
    provider_org_id: Annotated[uuid.UUID | None, Query()] = None,
    grantee_kind: Annotated[OrganizationKind | None, Query()] = None,
    grantee_org_id: Annotated[uuid.UUID | None, Query()] = None,
) -> None:
    """Close a clause of the agreement (same parties who may open it)."""
    rule = SharingRule(
        consortium_id=consortium_id,
        category=category,
        provider_org_id=provider_org_id,
        grantee_kind=grantee_kind,
        grantee_org_id=grantee_org_id,
    )
    consortium_service.unshare(uow, actor, rule)


@router.get("/audit-events", response_model=AuditEventPage, tags=["audit"])
def list_audit_events(
    uow: UowDep,
    actor: ActorDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    owner_org_id: Annotated[uuid.UUID | None, Query(description="Only events about this organisation's data")] = None,
) -> AuditEventPage:
    """The audit log, newest first (auditors and admins; authorities see their consortia's)."""
    page = audit_service.list_audit_events(uow, actor, cursor=cursor, limit=limit, owner_org_id=owner_org_id)
    return AuditEventPage(items=[AuditEventRead.model_validate(e) for e in page.items], next_cursor=page.next_cursor)
