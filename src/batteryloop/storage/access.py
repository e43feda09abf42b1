"""The SQL form of the sharing rules in :mod:`batteryloop.domain.access` (deny by default).

Every repository that reads another organisation's data builds its ``readable_by(actor)`` statement on
:func:`readable_owner_ids`; a property test checks it against :func:`batteryloop.domain.access.check_may_read`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import BindParameter, Connection, Select, Uuid, and_, bindparam, literal, or_, select, union
from sqlalchemy.orm import aliased

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import DataCategory
from batteryloop.storage.tables import ConsortiumMemberRow, OrganizationRow, SharingRuleRow

_NOBODY = uuid.UUID(int=0)
MEMBER = "member"  # invited organisations take no part in sharing until they accept


# Aliases are built once: making them per call costs more than the query itself on the hot read path.
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


def _shared_with_reader_statement() -> Select[int]:
    owner, reader, rule = _OWNER_T, _READER_T, _RULES_T
    return (
        select(literal(1))
        .select_from(owner)
        .join(
            reader,
            and_(
                reader.c.consortium_id == owner.c.consortium_id,
                reader.c.organization_id == READER_ORG_ID,
                reader.c.status == MEMBER,
            ),
        )
        .join(
            rule,
            and_(
                rule.c.consortium_id == owner.c.consortium_id,
                rule.c.category == bindparam("category"),
                or_(rule.c.provider_org_id.is_(None), rule.c.provider_org_id == owner.c.organization_id),
                or_(rule.c.grantee_org_id == READER_ORG_ID, rule.c.grantee_kind == bindparam("reader_kind")),
            ),
        )
        .where(owner.c.organization_id == bindparam("owner_org_id", type_=Uuid()), owner.c.status == MEMBER)
        .limit(1)
    )


_OWNER_T = _MEMBERS.alias("owner_t")
_READER_T = _MEMBERS.alias("reader_t")
_RULES_T = SharingRuleRow.__table__
_SHARED_WITH_READER = _shared_with_reader_statement()


def may_read_owner(connection: Connection, actor: Actor, owner_org_id: uuid.UUID, category: DataCategory) -> bool:
    """The same decision as :func:`readable_owner_ids` for one owner, as one prebuilt statement (hot read path)."""
    if actor.system or actor.org_id == owner_org_id:
        return True
    if actor.org_id is None or actor.org_kind is None:
        return False
    found = connection.execute(
        _SHARED_WITH_READER,
        {
            "reader_org_id": actor.org_id,
            "reader_kind": actor.org_kind.value,
            "owner_org_id": owner_org_id,
            "category": category.value,
        },
    ).first()
    return found is not None
