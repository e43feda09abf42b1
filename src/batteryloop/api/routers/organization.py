from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from batteryloop.api.deps import DEFAULT_LIMIT, CallerDep, CursorQuery, LimitQuery
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.api.schemas.organization import (
    KeyCreate,
    KeyCreated,
    KeyPage,
    KeyRead,
    MemberCreate,
    MemberPage,
    MemberRead,
    MeRead,
    OrganizationPage,
    OrganizationRead,
    OrganizationUpdate,
)
from batteryloop.domain.access import Actor
from batteryloop.services import key as key_service
from batteryloop.services import organization as org_service
from batteryloop.storage.uow import UnitOfWork

router = APIRouter(prefix="/v1", tags=["organizations"], responses=PROBLEM_RESPONSES)


@router.get("/me", response_model=MeRead)
async def read_me(call: CallerDep) -> MeRead:
    """Who the API key belongs to."""

    def me(uow: UnitOfWork, actor: Actor) -> MeRead:
        assert actor.org_id is not None
        org = org_service.get_organization(uow, actor, actor.org_id)
        return MeRead(
            organization=OrganizationRead.model_validate(org),
            member_id=actor.member_id,
            role=actor.role,
            key_id=actor.key_id,
        )

    return await call.read(me)


@router.get("/organizations", response_model=OrganizationPage)
async def list_organizations(
    call: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> OrganizationPage:
    """Organisations visible to the caller: its own and those it shares a consortium with."""
    page = await call.read(lambda uow, actor: org_service.list_organizations(uow, actor, cursor=cursor, limit=limit))
    return OrganizationPage(
        items=[OrganizationRead.model_validate(o) for o in page.items], next_cursor=page.next_cursor
    )


@router.get("/organizations/{organization_id}", response_model=OrganizationRead)
async def read_organization(organization_id: uuid.UUID, call: CallerDep) -> OrganizationRead:
    """One organisation, if visible to the caller."""
    org = await call.read(lambda uow, actor: org_service.get_organization(uow, actor, organization_id))
    return OrganizationRead.model_validate(org)


@router.patch("/organizations/{organization_id}", response_model=OrganizationRead)
async def update_organization(
    organization_id: uuid.UUID, body: OrganizationUpdate, call: CallerDep
) -> OrganizationRead:
    """Change the caller's own organisation (admins)."""
    changes = org_service.OrganizationChanges(name=body.name, country=body.country)
    org = await call(lambda uow, actor: org_service.update_organization(uow, actor, organization_id, changes))
    return OrganizationRead.model_validate(org)


@router.get("/organizations/{organization_id}/members", response_model=MemberPage)
async def list_members(
    organization_id: uuid.UUID,
    call: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> MemberPage:
    """Members of the caller's own organisation."""
    page = await call(
        lambda uow, actor: org_service.list_members(uow, actor, organization_id, cursor=cursor, limit=limit)
    )
    return MemberPage(items=[MemberRead.model_validate(m) for m in page.items], next_cursor=page.next_cursor)


@router.post("/organizations/{organization_id}/members", response_model=MemberRead, status_code=status.HTTP_201_CREATED)
async def add_member(organization_id: uuid.UUID, body: MemberCreate, call: CallerDep) -> MemberRead:
    """Add a member to the caller's organisation (admins)."""
    member = await call(
        lambda uow, actor: org_service.add_member(
            uow, actor, organization_id, name=body.name, role=body.role, email=body.email
        )
    )
    return MemberRead.model_validate(member)


@router.get("/organizations/{organization_id}/keys", response_model=KeyPage)
async def list_keys(
    organization_id: uuid.UUID,
    call: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> KeyPage:
    """API keys of the caller's organisation, by prefix (admins)."""
    page = await call(lambda uow, actor: key_service.list_keys(uow, actor, organization_id, cursor=cursor, limit=limit))
    return KeyPage(items=[KeyRead.model_validate(k) for k in page.items], next_cursor=page.next_cursor)


@router.post("/keys", response_model=KeyCreated, status_code=status.HTTP_201_CREATED)
async def create_key(body: KeyCreate, call: CallerDep) -> KeyCreated:
    """Create an API key for a member of the caller's organisation; the key is shown only in this answer."""
    key, token = await call(
        lambda uow, actor: key_service.create_key(
            uow, actor, member_id=body.member_id, label=body.label, expires_at=body.expires_at
        )
    )
    return KeyCreated(**KeyRead.model_validate(key).model_dump(), key=token)


@router.delete("/keys/{key_id}", response_model=KeyRead)
async def revoke_key(key_id: uuid.UUID, call: CallerDep) -> KeyRead:
    """Revoke an API key at once (admins, or the key itself)."""
    return KeyRead.model_validate(await call(lambda uow, actor: key_service.revoke_key(uow, actor, key_id)))
