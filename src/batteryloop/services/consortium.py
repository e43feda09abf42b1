"""Consortia, their members and their data-sharing agreement; the overview each member sees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from batteryloop.domain.access import Actor, SharingRule, check_may_read
from batteryloop.domain.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import (
    Consortium,
    DataCategory,
    Organization,
    OrganizationKind,
    check_name,
)
from batteryloop.domain.pagination import Page
from batteryloop.services import audit
from batteryloop.services.organization import get_organization
from batteryloop.storage.uow import UnitOfWork


def get_consortium(uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID) -> Consortium:
    """A consortium the actor's organisation belongs to."""
    consortium = uow.consortia.get(actor, consortium_id)
    if consortium is None:
        raise NotFoundError(f"no consortium {consortium_id} is visible to you", field="consortium_id")
    return consortium


def find_consortium(uow: UnitOfWork, actor: Actor, ref: str) -> Consortium:
    try:
        found = uow.consortia.get(actor, uuid.UUID(ref))
    except ValueError:
        found = uow.consortia.get_by_name(actor, ref)
    if found is None:
        raise NotFoundError(f"no consortium named or numbered {ref!r}", field="consortium")
    return found


def list_consortia(uow: UnitOfWork, actor: Actor, *, cursor: str | None, limit: int) -> Page[Consortium]:
    return uow.consortia.list_visible(actor, cursor=cursor, limit=limit)


def create_consortium(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    description: str = "",
    convenor_org_id: uuid.UUID | None = None,
    consortium_id: uuid.UUID | None = None,
) -> Consortium:
    """Found a consortium; the convenor (the actor's organisation by default) is its first member."""
    convenor = convenor_org_id or actor.org_id
    if convenor is None:
        raise InvalidInputError("name the convening organisation", field="convenor_org_id")
    get_organization(uow, actor, convenor)
    if not actor.administers(convenor):
        raise PermissionDeniedError("only an admin of the convening organisation may found a consortium", field="role")
    name = check_name(name)
    if uow.consortia.name_taken(name):
        raise ConflictError(f"a consortium named {name!r} already exists", field="name")
    consortium = Consortium(
        id=consortium_id or uuid.uuid4(), name=name, description=description.strip(), convenor_org_id=convenor
    )
    uow.consortia.add(consortium)
    uow.consortia.add_member(consortium.id, convenor)
    audit.record(
        uow,
        actor,
        action="consortium.create",
        resource_type="consortium",
        resource_id=consortium.id,
        owner_org_id=convenor,
    )
    return consortium


def _convened(uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID) -> Consortium:
    consortium = get_consortium(uow, actor, consortium_id)
    if not actor.administers(consortium.convenor_org_id):
        raise PermissionDeniedError(
            "only an admin of the convening organisation may change the consortium", field="role"
        )
    return consortium


def add_member(uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID, org_id: uuid.UUID) -> Organization:
    """Invite an organisation (the convenor's admins); it takes part once its own admin accepts.

    The platform operator (local CLI) admits directly: it acts on the organisation's consent given outside.
    """
    consortium = _convened(uow, actor, consortium_id)
    org = uow.organizations.get(Actor.platform_operator(), org_id)
    if org is None:
        raise NotFoundError(f"no organisation {org_id}", field="organization_id")
    state = uow.consortia.membership(consortium.id, org_id)
    if state is not None:
        raise ConflictError(
            f"{org.name} is already {'a member' if state == 'member' else 'invited'}", field="organization_id"
        )
    status = "member" if actor.system else "invited"
    uow.consortia.add_member(consortium.id, org_id, status=status)
    for owner in {org_id, consortium.convenor_org_id}:  # in the audit trail of both parties
        audit.record(
            uow,
            actor,
            action=f"consortium.{'admit' if actor.system else 'invite'}",
            resource_type="consortium",
            resource_id=consortium.id,
            owner_org_id=owner,
            detail=f"organisation={org_id}",
        )
    return org


def accept_invitation(uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID) -> Consortium:
    """The invited organisation's admin joins the consortium, agreeing to its data-sharing agreement."""
    consortium = get_consortium(uow, actor, consortium_id)
    if actor.org_id is None or not actor.administers(actor.org_id):
        raise PermissionDeniedError("only an admin of the invited organisation may accept", field="role")
    state = uow.consortia.membership(consortium.id, actor.org_id)
    if state != "invited":
        raise ConflictError("your organisation has no pending invitation to this consortium", field="consortium_id")
    uow.consortia.set_membership(consortium.id, actor.org_id, "member")
    audit.record(
        uow,
        actor,
        action="consortium.accept",
        resource_type="consortium",
        resource_id=consortium.id,
        owner_org_id=actor.org_id,
    )
    return consortium


def leave(uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID, org_id: uuid.UUID) -> None:
    """An organisation leaves (its admins), declines an invitation, or is removed (the convenor's admins)."""
    consortium = get_consortium(uow, actor, consortium_id)
    if org_id == consortium.convenor_org_id:
        raise ConflictError("the convenor cannot leave its own consortium", field="organization_id")
    if not (actor.administers(org_id) or actor.administers(consortium.convenor_org_id)):
        raise PermissionDeniedError("only the organisation's admins or the convenor's may do this", field="role")
    if uow.consortia.membership(consortium.id, org_id) is None:
        raise NotFoundError("this organisation is neither a member nor invited", field="organization_id")
    uow.consortia.set_membership(consortium.id, org_id, None)
    for owner in {org_id, consortium.convenor_org_id}:
        audit.record(
            uow,
            actor,
            action="consortium.leave",
            resource_type="consortium",
            resource_id=consortium.id,
            owner_org_id=owner,
            detail=f"organisation={org_id}",
        )


def _check_rule_parties(uow: UnitOfWork, consortium: Consortium, rule: SharingRule) -> None:
    for field, org_id in (("provider_org_id", rule.provider_org_id), ("grantee_org_id", rule.grantee_org_id)):
        if org_id is not None and not uow.consortia.is_member(consortium.id, org_id):
            raise InvalidInputError(f"organisation {org_id} is not a member of {consortium.name}", field=field)


def _agreement_party(uow: UnitOfWork, actor: Actor, rule: SharingRule) -> Consortium:
    """Who may change a clause. A clause about one member's data: that member's admins only (nobody opens
    another organisation's data). A clause for every member: the convenor's admins, under the agreement the
    members accepted when they joined."""
    consortium = get_consortium(uow, actor, rule.consortium_id)
    if rule.provider_org_id is not None:
        if not actor.administers(rule.provider_org_id):
            raise PermissionDeniedError(
                "only the admins of the organisation whose data it is may share it", field="provider_org_id"
            )
    elif not actor.administers(consortium.convenor_org_id):
        raise PermissionDeniedError(
            "only the convenor's admins change clauses for every member; name your own organisation as "
            "provider_org_id to share your own data",
            field="role",
        )
    return consortium


def share(uow: UnitOfWork, actor: Actor, rule: SharingRule) -> SharingRule:
    """Add a clause to the agreement: the convenor for any provider, a member for its own data."""
    consortium = _agreement_party(uow, actor, rule)
    _check_rule_parties(uow, consortium, rule)
    if rule in uow.consortia.rules(consortium.id):
        raise ConflictError("this sharing rule already exists", field="category")
    uow.consortia.add_rule(rule)
    audit.record(
        uow,
        actor,
        action="consortium.share",
        resource_type="sharing_rule",
        resource_id=consortium.id,
        owner_org_id=rule.provider_org_id or consortium.convenor_org_id,
        detail=describe_rule(rule),
    )
    return rule


def unshare(uow: UnitOfWork, actor: Actor, rule: SharingRule) -> None:
    """Remove a clause; the same parties who may add it may remove it."""
    consortium = _agreement_party(uow, actor, rule)
    if uow.consortia.remove_rule(rule) == 0:
        raise NotFoundError("no such sharing rule in this consortium", field="category")
    audit.record(
        uow,
        actor,
        action="consortium.unshare",
        resource_type="sharing_rule",
        resource_id=consortium.id,
        owner_org_id=rule.provider_org_id or consortium.convenor_org_id,
        detail=describe_rule(rule),
    )


def describe_rule(rule: SharingRule) -> str:
    provider = f"org {rule.provider_org_id}" if rule.provider_org_id else "every member"
    grantee = f"org {rule.grantee_org_id}" if rule.grantee_org_id else f"every {rule.grantee_kind}"
    return f"{provider} shares {rule.category} with {grantee}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsortiumOverview:
    """What a member sees of its consortium: who is in it, what is shared with whom, and counts."""

    consortium: Consortium
    members: list[Organization]
    #: invited organisations that have not accepted yet (they take no part in sharing)
    invited: list[Organization]
    rules: list[SharingRule]
    #: for each member, the categories of its data the viewer's organisation may read
    readable: dict[uuid.UUID, list[DataCategory]]
    members_by_kind: dict[OrganizationKind, int]
    rules_by_category: dict[DataCategory, int]


def overview(uow: UnitOfWork, actor: Actor, consortium_id: uuid.UUID) -> ConsortiumOverview:
    consortium = get_consortium(uow, actor, consortium_id)
    members = uow.consortia.members(consortium.id)
    invited = uow.consortia.members(consortium.id, status="invited")
    rules = uow.consortia.rules(consortium.id)
    joined = actor.system or (actor.org_id is not None and uow.consortia.is_member(consortium.id, actor.org_id))
    shared = frozenset({consortium.id}) if joined else frozenset()
    readable = {
        org.id: [
            c
            for c in DataCategory
            if check_may_read(actor, owner_org_id=org.id, category=c, rules=rules, shared_consortia=shared)
        ]
        for org in members
    }
    by_kind: dict[OrganizationKind, int] = {}
    for org in members:
        by_kind[org.kind] = by_kind.get(org.kind, 0) + 1
    by_category = {c: sum(1 for r in rules if r.category is c) for c in DataCategory}
    return ConsortiumOverview(
        consortium=consortium,
        members=members,
        invited=invited,
        rules=rules,
        readable=readable,
        members_by_kind=by_kind,
        rules_by_category=by_category,
    )
