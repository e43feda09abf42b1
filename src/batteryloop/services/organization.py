"""Organisations and their members."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import (
    Member,
    MemberRole,
    Organization,
    OrganizationKind,
    check_country,
    check_email,
    check_name,
)
from batteryloop.domain.pagination import Page
from batteryloop.services import audit
from batteryloop.storage.uow import UnitOfWork


def _not_found(org_id: object) -> NotFoundError:
    return NotFoundError(f"no organisation {org_id} is visible to you", field="organization_id")


def get_organization(uow: UnitOfWork, actor: Actor, org_id: uuid.UUID) -> Organization:
    """An organisation the actor may see: its own, or one it shares a consortium with."""
    org = uow.organizations.get(actor, org_id)
    if org is None:
        raise _not_found(org_id)
    return org


def find_organization(uow: UnitOfWork, actor: Actor, ref: str) -> Organization:
    """Look an organisation up by id or by exact name (CLI convenience)."""
    try:
        org = uow.organizations.get(actor, uuid.UUID(ref))
    except ValueError:
        org = uow.organizations.get_by_name(actor, ref)
    if org is None:
        raise NotFoundError(f"no organisation named or numbered {ref!r}", field="organization")
    return org


def list_organizations(uow: UnitOfWork, actor: Actor, *, cursor: str | None, limit: int) -> Page[Organization]:
    """The directory the actor may see."""
    return uow.organizations.list_visible(actor, cursor=cursor, limit=limit)


def create_organization(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    kind: OrganizationKind,
    country: str | None = None,
    org_id: uuid.UUID | None = None,
) -> Organization:
    """Onboard an organisation (platform operator only)."""
    if not actor.system:
        raise PermissionDeniedError("only the platform operator onboards organisations", field="actor")
    name = check_name(name)
    if uow.organizations.name_taken(name):
        raise ConflictError(f"an organisation named {name!r} already exists", field="name")
    org = Organization(id=org_id or uuid.uuid4(), name=name, kind=kind, country=check_country(country))
    uow.organizations.add(org)
    audit.record(
        uow,
        actor,
        action="organization.create",
        resource_type="organization",
        resource_id=org.id,
        owner_org_id=org.id,
    )
    return org


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganizationChanges:
    name: str | None = None
    country: str | None = None


def update_organization(uow: UnitOfWork, actor: Actor, org_id: uuid.UUID, changes: OrganizationChanges) -> Organization:
    """Change an organisation's profile (its own admins)."""
    org = get_organization(uow, actor, org_id)
    if not actor.administers(org_id):
        raise PermissionDeniedError(
            "only an admin of this organisation may change it", field="role", owner_org_id=org_id
        )
    name = check_name(changes.name) if changes.name is not None else org.name
    if name != org.name and uow.organizations.name_taken(name, except_id=org_id):
        raise ConflictError(f"an organisation named {name!r} already exists", field="name")
    country = check_country(changes.country) if changes.country is not None else org.country
    updated = Organization(id=org.id, name=name, kind=org.kind, country=country)
    uow.organizations.update(updated)
    audit.record(
        uow,
        actor,
        action="organization.update",
        resource_type="organization",
        resource_id=org.id,
        owner_org_id=org.id,
    )
    return updated


def get_own_organization(uow: UnitOfWork, actor: Actor, org_id: uuid.UUID) -> Organization:
    org = get_organization(uow, actor, org_id)
    if not (actor.system or actor.belongs_to(org_id)):
        raise PermissionDeniedError(
            "members and keys are visible only inside their organisation", field="role", owner_org_id=org_id
        )
    return org


def add_member(
    uow: UnitOfWork,
    actor: Actor,
    org_id: uuid.UUID,
    *,
    name: str,
    role: MemberRole,
    email: str | None = None,
    member_id: uuid.UUID | None = None,
) -> Member:
    """Add a member to an organisation (its admins, or the platform operator)."""
    get_own_organization(uow, actor, org_id)
    if not actor.administers(org_id):
        raise PermissionDeniedError(
            "only an admin of this organisation may add members", field="role", owner_org_id=org_id
        )
    name = check_name(name)
    if uow.members.get_by_name(actor, org_id, name) is not None:
        raise ConflictError(f"a member named {name!r} already exists in this organisation", field="name")
    member = Member(
        id=member_id or uuid.uuid4(), organization_id=org_id, name=name, email=check_email(email), role=role
    )
    uow.members.add(member)
    audit.record(uow, actor, action="member.create", resource_type="member", resource_id=member.id, owner_org_id=org_id)
    return member


def list_members(uow: UnitOfWork, actor: Actor, org_id: uuid.UUID, *, cursor: str | None, limit: int) -> Page[Member]:
    """Members of the actor's own organisation."""
    get_own_organization(uow, actor, org_id)
    return uow.members.list_visible(actor, org_id, cursor=cursor, limit=limit)


def get_member(uow: UnitOfWork, actor: Actor, member_id: uuid.UUID) -> Member:
    member = uow.members.get(actor, member_id)
    if member is None:
        raise NotFoundError(f"no member {member_id} is visible to you", field="member_id")
    return member


def find_member(uow: UnitOfWork, actor: Actor, org_id: uuid.UUID, name: str) -> Member | None:
    return uow.members.get_by_name(actor, org_id, name)
