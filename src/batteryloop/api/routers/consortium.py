from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from batteryloop.api.deps import DEFAULT_LIMIT, CallerDep, CursorQuery, LimitQuery
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
async def list_consortia(
    call: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> ConsortiumPage:
    """Consortia the caller's organisation belongs to."""
    page = await call.read(lambda uow, actor: consortium_service.list_consortia(uow, actor, cursor=cursor, limit=limit))
    return ConsortiumPage(items=[ConsortiumRead.model_validate(c) for c in page.items], next_cursor=page.next_cursor)


@router.post("/consortia", response_model=ConsortiumRead, status_code=status.HTTP_201_CREATED)
async def create_consortium(body: ConsortiumCreate, call: CallerDep) -> ConsortiumRead:
    """Found a consortium convened by the caller's organisation (admins)."""
    consortium = await call(
        lambda uow, actor: consortium_service.create_consortium(
            uow, actor, name=body.name, description=body.description
        )
    )
    return ConsortiumRead.model_validate(consortium)


@router.get("/consortia/{consortium_id}", response_model=ConsortiumRead)
async def read_consortium(consortium_id: uuid.UUID, call: CallerDep) -> ConsortiumRead:
    """One consortium the caller's organisation belongs to."""
    consortium = await call.read(lambda uow, actor: consortium_service.get_consortium(uow, actor, consortium_id))
    return ConsortiumRead.model_validate(consortium)


@router.get("/consortia/{consortium_id}/overview", response_model=ConsortiumOverviewRead)
async def read_overview(consortium_id: uuid.UUID, call: CallerDep) -> ConsortiumOverviewRead:
    """Members, the sharing agreement and what the caller may read of each member."""
    view = await call.read(lambda uow, actor: consortium_service.overview(uow, actor, consortium_id))
    return ConsortiumOverviewRead(
        consortium=ConsortiumRead.model_validate(view.consortium),
        members=[
            MemberVisibility(organization=OrganizationRead.model_validate(o), readable_categories=view.readable[o.id])
            for o in view.members
        ],
        invited=[OrganizationRead.model_validate(o) for o in view.invited],
        sharing_rules=[SharingRuleRead.model_validate(r) for r in view.rules],
        members_by_kind=view.members_by_kind,
        rules_by_category=view.rules_by_category,
    )


@router.post("/consortia/{consortium_id}/members", response_model=OrganizationRead, status_code=status.HTTP_201_CREATED)
async def add_consortium_member(
    consortium_id: uuid.UUID, body: ConsortiumMemberAdd, call: CallerDep
) -> OrganizationRead:
    """Invite an organisation (the convenor's admins); it joins when its own admin accepts."""
    org = await call(lambda uow, actor: consortium_service.add_member(uow, actor, consortium_id, body.organization_id))
    return OrganizationRead.model_validate(org)


@router.post("/consortia/{consortium_id}/accept", response_model=ConsortiumRead)
async def accept_invitation(consortium_id: uuid.UUID, call: CallerDep) -> ConsortiumRead:
    """Accept your organisation's invitation (admins): join the consortium and its data-sharing agreement."""
    consortium = await call(lambda uow, actor: consortium_service.accept_invitation(uow, actor, consortium_id))
    return ConsortiumRead.model_validate(consortium)


@router.delete("/consortia/{consortium_id}/members/{organization_id}", status_code=status.HTTP_204_NO_CONTENT)
async def leave_consortium(consortium_id: uuid.UUID, organization_id: uuid.UUID, call: CallerDep) -> None:
    """Leave, decline an invitation (the organisation's admins), or remove a member (the convenor's admins)."""
    await call(lambda uow, actor: consortium_service.leave(uow, actor, consortium_id, organization_id))


@router.get("/consortia/{consortium_id}/sharing-rules", response_model=list[SharingRuleRead])
async def list_sharing_rules(consortium_id: uuid.UUID, call: CallerDep) -> list[SharingRuleRead]:
    """The consortium's data-sharing agreement, clause by clause."""
    view = await call.read(lambda uow, actor: consortium_service.overview(uow, actor, consortium_id))
    return [SharingRuleRead.model_validate(r) for r in view.rules]


@router.post(
    "/consortia/{consortium_id}/sharing-rules",
    response_model=SharingRuleRead,
    status_code=status.HTTP_201_CREATED,
)
async def add_sharing_rule(consortium_id: uuid.UUID, body: SharingRuleCreate, call: CallerDep) -> SharingRuleRead:
    """Open a category of data to a kind of member or to one organisation."""
    rule = SharingRule(consortium_id=consortium_id, **body.model_dump())
    return SharingRuleRead.model_validate(await call(lambda uow, actor: consortium_service.share(uow, actor, rule)))


@router.delete("/consortia/{consortium_id}/sharing-rules", status_code=status.HTTP_204_NO_CONTENT)
async def remove_sharing_rule(
    consortium_id: uuid.UUID,
    call: CallerDep,
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
    await call(lambda uow, actor: consortium_service.unshare(uow, actor, rule))


@router.get("/audit-events", response_model=AuditEventPage, tags=["audit"])
async def list_audit_events(
    call: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    owner_org_id: Annotated[uuid.UUID | None, Query(description="Only events about this organisation's data")] = None,
) -> AuditEventPage:
    """The audit log, newest first (auditors and admins; authorities see their consortia's)."""
    page = await call(
        lambda uow, actor: audit_service.list_audit_events(
            uow, actor, cursor=cursor, limit=limit, owner_org_id=owner_org_id
        )
    )
    return AuditEventPage(items=[AuditEventRead.model_validate(e) for e in page.items], next_cursor=page.next_cursor)
