from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import ApiKey, Member, MemberRole, Organization, OrganizationKind
from batteryloop.domain.pagination import Page
from batteryloop.storage.access import READER_ORG_ID, fellow_member_ids
from batteryloop.storage.pagination import fetch_page
from batteryloop.storage.tables import ApiKeyRow, MemberRow, OrganizationRow

if TYPE_CHECKING:
    from batteryloop.storage.uow import UnitOfWork


def _org(row: OrganizationRow) -> Organization:
    return Organization(id=row.id, name=row.name, kind=OrganizationKind(row.kind), country=row.country)


def _member(row: MemberRow) -> Member:
    return Member(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        email=row.email,
        role=MemberRole(row.role),
    )


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        organization_id=row.organization_id,
        member_id=row.member_id,
        prefix=row.prefix,
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


_ORGS = OrganizationRow.__table__
#: Who may see an organisation: itself and the members of its consortia. Built once, reader as a parameter.
_VISIBLE_TO_READER = or_(_ORGS.c.id == READER_ORG_ID, _ORGS.c.id.in_(fellow_member_ids(READER_ORG_ID)))
_READABLE = select(OrganizationRow).where(_VISIBLE_TO_READER)
# The hot read (GET /v1/organizations/{id}): plain columns, no ORM instance to build.
_GET_READABLE = select(_ORGS.c.id, _ORGS.c.name, _ORGS.c.kind, _ORGS.c.country).where(
    _ORGS.c.id == bindparam("org_id", type_=_ORGS.c.id.type), _VISIBLE_TO_READER
)


class SqlOrganizationRepository:
    """Organisations; an actor sees its own and those it shares a consortium with (the directory)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> Session:
        return self._uow.session

    def readable_by(self, actor: Actor) -> Select[OrganizationRow]:
        if actor.system:
            return select(OrganizationRow)
        if actor.org_id is None:
            return select(OrganizationRow).where(False)  # type: ignore[arg-type]
        return _READABLE.params(reader_org_id=actor.org_id)

    def get(self, actor: Actor, org_id: uuid.UUID) -> Organization | None:
        if actor.system or actor.org_id is None:
            row = self.session.scalar(self.readable_by(actor).where(OrganizationRow.id == org_id))
            return _org(row) if row else None
        found = self._uow.connection.execute(_GET_READABLE, {"org_id": org_id, "reader_org_id": actor.org_id}).first()
        if found is None:
            return None
        return Organization(id=found.id, name=found.name, kind=OrganizationKind(found.kind), country=found.country)

    def get_by_name(self, actor: Actor, name: str) -> Organization | None:
        row = self.session.scalar(self.readable_by(actor).where(OrganizationRow.name == name))
        return _org(row) if row else None

    def name_taken(self, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        stmt = select(func.count()).select_from(OrganizationRow).where(func.lower(OrganizationRow.name) == name.lower())
        if except_id is not None:
            stmt = stmt.where(OrganizationRow.id != except_id)
        return bool(self.session.scalar(stmt))

    def list_visible(self, actor: Actor, *, cursor: str | None, limit: int) -> Page[Organization]:
        return fetch_page(
            self.session,
            self.readable_by(actor),
            OrganizationRow.id,
            to_domain=_org,
            cursor=cursor,
            limit=limit,
        )

    def add(self, org: Organization) -> None:
        self.session.add(OrganizationRow(id=org.id, name=org.name, kind=org.kind.value, country=org.country))
        self.session.flush()

    def update(self, org: Organization) -> None:
        row = self.session.get_one(OrganizationRow, org.id)
        row.name, row.country = org.name, org.country
        self.session.flush()


class SqlMemberRepository:
    """Members; only an organisation's own actors see its members (they are people)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> Session:
        return self._uow.session

    def readable_by(self, actor: Actor) -> Select[MemberRow]:
        stmt = select(MemberRow)
        return stmt if actor.system else stmt.where(MemberRow.organization_id == actor.org_id)

    def get(self, actor: Actor, member_id: uuid.UUID) -> Member | None:
        row = self.session.scalar(self.readable_by(actor).where(MemberRow.id == member_id))
        return _member(row) if row else None

    def get_by_name(self, actor: Actor, org_id: uuid.UUID, name: str) -> Member | None:
        row = self.session.scalar(
            self.readable_by(actor).where(MemberRow.organization_id == org_id, MemberRow.name == name)
        )
        return _member(row) if row else None

    def list_visible(self, actor: Actor, org_id: uuid.UUID, *, cursor: str | None, limit: int) -> Page[Member]:
        stmt = self.readable_by(actor).where(MemberRow.organization_id == org_id)
        return fetch_page(self.session, stmt, MemberRow.id, to_domain=_member, cursor=cursor, limit=limit)

    def add(self, member: Member) -> None:
        self.session.add(
            MemberRow(
                id=member.id,
                organization_id=member.organization_id,
                name=member.name,
                email=member.email,
                role=member.role.value,
            )
        )
        self.session.flush()

    def count(self, org_id: uuid.UUID) -> int:
        return (
            self.session.scalar(select(func.count()).select_from(MemberRow).where(MemberRow.organization_id == org_id))
            or 0
        )


@dataclass(frozen=True, slots=True)
class KeyOwner:
    key: ApiKey
    member: Member
    organization: Organization


_KEYS, _MEMBERS = ApiKeyRow.__table__, MemberRow.__table__
_OWNER_COLUMNS = (
    *(_KEYS.c[n] for n in ("id", "member_id", "organization_id", "prefix", "label", "created_at", "expires_at")),
    _KEYS.c.revoked_at,
    *(_MEMBERS.c[n] for n in ("name", "email", "role")),
    *(_ORGS.c[n] for n in ("name", "kind", "country")),
)


def _owner_statement(condition: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    # Built once with a bound parameter, and columns rather than entities: authentication runs on every
    # request, and building the statement and loading ORM instances cost more than the query itself.
    return (
        select(*_OWNER_COLUMNS)
        .join(_MEMBERS, _MEMBERS.c.id == _KEYS.c.member_id)
        .join(_ORGS, _ORGS.c.id == _KEYS.c.organization_id)
        .where(condition)
    )


_OWNER_BY_HASH = _owner_statement(_KEYS.c.key_hash == bindparam("value"))
_OWNER_BY_ID = _owner_statement(_KEYS.c.id == bindparam("value", type_=_KEYS.c.id.type))


class SqlApiKeyRepository:
    """API keys, stored as SHA-256 hashes; an organisation's own actors see its keys."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> Session:
        return self._uow.session

    def readable_by(self, actor: Actor) -> Select[ApiKeyRow]:
        stmt = select(ApiKeyRow)
        return stmt if actor.system else stmt.where(ApiKeyRow.organization_id == actor.org_id)

    def _find_owner(self, stmt: Select[*tuple[Any, ...]], value: object) -> KeyOwner | None:
        row = self._uow.connection.execute(stmt, {"value": value}).first()
        if row is None:
            return None
        (
            key_id,
            member_id,
            org_id,
            prefix,
            label,
            created,
            expires,
            revoked,
            member_name,
            email,
            role,
            org_name,
            kind,
            country,
        ) = row
        return KeyOwner(
            key=ApiKey(
                id=key_id,
                organization_id=org_id,
                member_id=member_id,
                prefix=prefix,
                label=label,
                created_at=created,
                expires_at=expires,
                revoked_at=revoked,
            ),
            member=Member(id=member_id, organization_id=org_id, name=member_name, email=email, role=MemberRole(role)),
            organization=Organization(id=org_id, name=org_name, kind=OrganizationKind(kind), country=country),
        )

    def find_owner_by_hash(self, key_hash: str) -> KeyOwner | None:
        """The lookup behind authentication: one indexed query for key, member and organisation."""
        return self._find_owner(_OWNER_BY_HASH, key_hash)

    def find_owner_by_id(self, key_id: uuid.UUID) -> KeyOwner | None:
        return self._find_owner(_OWNER_BY_ID, key_id)

    def get(self, actor: Actor, key_id: uuid.UUID) -> ApiKey | None:
        row = self.session.scalar(self.readable_by(actor).where(ApiKeyRow.id == key_id))
        return _key(row) if row else None

    def list_visible(self, actor: Actor, org_id: uuid.UUID, *, cursor: str | None, limit: int) -> Page[ApiKey]:
        stmt = self.readable_by(actor).where(ApiKeyRow.organization_id == org_id)
        return fetch_page(self.session, stmt, ApiKeyRow.id, to_domain=_key, cursor=cursor, limit=limit)

    def add(self, key: ApiKey, *, key_hash: str) -> None:
        self.session.add(
            ApiKeyRow(
                id=key.id,
                member_id=key.member_id,
                organization_id=key.organization_id,
                key_hash=key_hash,
                prefix=key.prefix,
                label=key.label,
                created_at=key.created_at,
                expires_at=key.expires_at,
                revoked_at=None,
            )
        )
        self.session.flush()

    def revoke(self, key_id: uuid.UUID, at: datetime) -> None:
        row = self.session.get_one(ApiKeyRow, key_id)
        row.revoked_at = at
        self.session.flush()
