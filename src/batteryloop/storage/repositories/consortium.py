from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from batteryloop.domain.access import Actor, SharingRule
from batteryloop.domain.organization import Consortium, DataCategory, Organization, OrganizationKind
from batteryloop.domain.pagination import Page
from batteryloop.storage.pagination import fetch_page
from batteryloop.storage.tables import ConsortiumMemberRow, ConsortiumRow, OrganizationRow, SharingRuleRow

if TYPE_CHECKING:
    from batteryloop.storage.uow import UnitOfWork


def _consortium(row: ConsortiumRow) -> Consortium:
    return Consortium(id=row.id, name=row.name, description=row.description, convenor_org_id=row.convenor_org_id)


def _rule(row: SharingRuleRow) -> SharingRule:
    return SharingRule(
        consortium_id=row.consortium_id,
        category=DataCategory(row.category),
        provider_org_id=row.provider_org_id,
        grantee_kind=OrganizationKind(row.grantee_kind) if row.grantee_kind else None,
        grantee_org_id=row.grantee_org_id,
    )


class SqlConsortiumRepository:
    """Consortia, their members and sharing rules; visible to the consortium's own members."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> Session:
        return self._uow.session

    def readable_by(self, actor: Actor) -> Select[ConsortiumRow]:
        stmt = select(ConsortiumRow)
        if actor.system:
            return stmt
        mine = select(ConsortiumMemberRow.consortium_id).where(ConsortiumMemberRow.organization_id == actor.org_id)
        return stmt.where(ConsortiumRow.id.in_(mine))

    def get(self, actor: Actor, consortium_id: uuid.UUID) -> Consortium | None:
        row = self.session.scalar(self.readable_by(actor).where(ConsortiumRow.id == consortium_id))
        return _consortium(row) if row else None

    def get_by_name(self, actor: Actor, name: str) -> Consortium | None:
        row = self.session.scalar(self.readable_by(actor).where(ConsortiumRow.name == name))
        return _consortium(row) if row else None

    def name_taken(self, name: str) -> bool:
        stmt = select(func.count()).select_from(ConsortiumRow).where(func.lower(ConsortiumRow.name) == name.lower())
        return bool(self.session.scalar(stmt))

    def list_visible(self, actor: Actor, *, cursor: str | None, limit: int) -> Page[Consortium]:
        return fetch_page(
            self.session,
            self.readable_by(actor),
            ConsortiumRow.id,
            to_domain=_consortium,
            cursor=cursor,
            limit=limit,
        )

    def add(self, consortium: Consortium) -> None:
        self.session.add(
            ConsortiumRow(
                id=consortium.id,
                name=consortium.name,
                description=consortium.description,
                convenor_org_id=consortium.convenor_org_id,
            )
        )
        self.session.flush()

    def members(self, consortium_id: uuid.UUID, *, status: str = "member") -> list[Organization]:
        stmt = (
            select(OrganizationRow)
            .join(ConsortiumMemberRow, ConsortiumMemberRow.organization_id == OrganizationRow.id)
            .where(ConsortiumMemberRow.consortium_id == consortium_id, ConsortiumMemberRow.status == status)
            .order_by(OrganizationRow.name)
        )
        return [
            Organization(id=r.id, name=r.name, kind=OrganizationKind(r.kind), country=r.country)
            for r in self.session.scalars(stmt)
        ]

    def membership(self, consortium_id: uuid.UUID, org_id: uuid.UUID) -> str | None:
        """``"member"``, ``"invited"`` or None."""
        row = self.session.get(ConsortiumMemberRow, (consortium_id, org_id))
        return row.status if row else None

    def is_member(self, consortium_id: uuid.UUID, org_id: uuid.UUID) -> bool:
        return self.membership(consortium_id, org_id) == "member"

    def add_member(self, consortium_id: uuid.UUID, org_id: uuid.UUID, *, status: str = "member") -> None:
        self.session.add(ConsortiumMemberRow(consortium_id=consortium_id, organization_id=org_id, status=status))
        self.session.flush()

    def set_membership(self, consortium_id: uuid.UUID, org_id: uuid.UUID, status: str | None) -> None:
        row = self.session.get_one(ConsortiumMemberRow, (consortium_id, org_id))
        if status is None:
            self.session.delete(row)
        else:
            row.status = status
        self.session.flush()

    def rules(self, consortium_id: uuid.UUID) -> list[SharingRule]:
        stmt = (
            select(SharingRuleRow)
            .where(SharingRuleRow.consortium_id == consortium_id)
            .order_by(SharingRuleRow.category, SharingRuleRow.created_at)
        )
        return [_rule(r) for r in self.session.scalars(stmt)]

    def add_rule(self, rule: SharingRule) -> None:
        self.session.add(
            SharingRuleRow(
                consortium_id=rule.consortium_id,
                category=rule.category.value,
                provider_org_id=rule.provider_org_id,
                grantee_kind=rule.grantee_kind.value if rule.grantee_kind else None,
                grantee_org_id=rule.grantee_org_id,
            )
        )
        self.session.flush()

    def remove_rule(self, rule: SharingRule) -> int:
        stmt = select(SharingRuleRow).where(
            SharingRuleRow.consortium_id == rule.consortium_id,
            SharingRuleRow.category == rule.category.value,
            SharingRuleRow.provider_org_id.is_(None)
            if rule.provider_org_id is None
            else SharingRuleRow.provider_org_id == rule.provider_org_id,
            SharingRuleRow.grantee_kind.is_(None)
            if rule.grantee_kind is None
            else SharingRuleRow.grantee_kind == rule.grantee_kind.value,
            SharingRuleRow.grantee_org_id.is_(None)
            if rule.grantee_org_id is None
            else SharingRuleRow.grantee_org_id == rule.grantee_org_id,
        )
        rows = list(self.session.scalars(stmt))
        for row in rows:
            self.session.delete(row)
        self.session.flush()
        return len(rows)
