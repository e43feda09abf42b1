"""The SQL form of the sharing rules in :mod:`batteryloop.domain.access` (deny by default).

Every repository that reads another organisation's data builds its ``readable_by(actor)`` statement on
:func:`readable_owner_ids`; a property test checks it against :func:`batteryloop.domain.access.check_may_read`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import BindParameter, Select, Uuid, and_, bindparam, literal, or_, select, union
from sqlalchemy.orm import aliased

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import DataCategory
from batteryloop.storage.tables import ConsortiumMemberRow, OrganizationRow, SharingRuleRow

_NOBODY = uuid.UUID(int=0)
MEMBER = "member"  # invited organisations take no part in sharing until they accept


# Aliases are built once: making them per call costs more than the query itself on the hot read path.
_MINE = aliased(ConsortiumMemberRow, name="mine")
_THEIRS = aliased(ConsortiumMemberRow, name="theirs")
_OWNER = aliased(ConsortiumMemberRow, name="owner")
_READER = aliased(ConsortiumMemberRow, name="reader")
_MEMBERS = ConsortiumMemberRow.__table__
_MINE_T = _MEMBERS.alias("mine_t")
_THEIRS_T = _MEMBERS.alias("theirs_t")

#: The reader's organisation as a bound parameter, for statements built once and run many times.
READER_ORG_ID = bindparam("reader_org_id", type_=Uuid())


def fellow_member_ids(org_id: uuid.UUID | BindParameter[uuid.UUID]) -> Select[uuid.UUID]:
    """Organisations sharing at least one consortium with ``org_id`` (itself included when a member)."""
    return (
        select(_THEIRS_T.c.organization_id)
        .join(_MINE_T, _MINE_T.c.consortium_id == _THEIRS_T.c.consortium_id)
        .where(_MINE_T.c.organization_id == org_id, _MINE_T.c.status == MEMBER, _THEIRS_T.c.status == MEMBER)
    )


def readable_owner_ids(actor: Actor, category: DataCategory) -> Select[uuid.UUID]:
    """Organisations whose data of ``category`` the actor may read: its own, plus what agreements open."""
    if actor.system:
        return select(OrganizationRow.id)
    if actor.org_id is None or actor.org_kind is None:
        return select(literal(_NOBODY, type_=OrganizationRow.id.type)).where(literal(False))
    owner, reader = _OWNER, _READER
    rule = SharingRuleRow
    shared = (
        select(owner.organization_id)
        .join(
            reader,
            and_(
                reader.consortium_id == owner.consortium_id,
                reader.organization_id == actor.org_id,
                reader.status == MEMBER,
            ),
        )
        .join(
            rule,
            and_(
                rule.consortium_id == owner.consortium_id,
                rule.category == category.value,
                or_(rule.provider_org_id.is_(None), rule.provider_org_id == owner.organization_id),
                or_(rule.grantee_org_id == actor.org_id, rule.grantee_kind == actor.org_kind.value),
            ),
        )
        .where(owner.status == MEMBER)
    )
    own = select(literal(actor.org_id, type_=OrganizationRow.id.type))
    return select(union(own, shared).subquery().c[0])
