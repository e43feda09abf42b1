from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Select, insert, or_, select
from sqlalchemy.orm import Session

from batteryloop.domain.access import Actor
from batteryloop.domain.audit import AuditEvent, AuditOutcome
from batteryloop.domain.organization import PUBLIC_BODIES
from batteryloop.domain.pagination import Page
from batteryloop.storage.access import fellow_member_ids
from batteryloop.storage.pagination import fetch_page
from batteryloop.storage.tables import AuditEventRow

if TYPE_CHECKING:
    from batteryloop.storage.uow import UnitOfWork


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_org_id=row.actor_org_id,
        actor_member_id=row.actor_member_id,
        actor_key_id=row.actor_key_id,
        action=row.action,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        owner_org_id=row.owner_org_id,
        outcome=AuditOutcome(row.outcome),
        detail=row.detail,
    )


class SqlAuditRepository:
    """Append-only audit log. Auditors and admins read their organisation's entries; an authority's
    auditors and admins also read the entries of the organisations it shares a consortium with."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> Session:
        return self._uow.session

    def readable_by(self, actor: Actor) -> Select[AuditEventRow]:
        stmt = select(AuditEventRow)
        if actor.system:
            return stmt
        if actor.org_id is None or not actor.may_read_audit:
            return stmt.where(False)  # type: ignore[arg-type]
        if actor.org_kind in PUBLIC_BODIES:
            scope = fellow_member_ids(actor.org_id)
            return stmt.where(
                or_(
                    AuditEventRow.owner_org_id == actor.org_id,
                    AuditEventRow.actor_org_id == actor.org_id,
                    AuditEventRow.owner_org_id.in_(scope),
                    AuditEventRow.actor_org_id.in_(scope),
                )
            )
        return stmt.where(or_(AuditEventRow.owner_org_id == actor.org_id, AuditEventRow.actor_org_id == actor.org_id))

    def add(
        self,
        *,
        actor: Actor,
        action: str,
        resource_type: str,
        resource_id: str | None,
        owner_org_id: uuid.UUID | None,
        outcome: AuditOutcome,
        occurred_at: datetime,
        detail: str = "",
    ) -> None:
        # a plain insert on the unit's connection: audited reads are frequent, and an ORM session (savepoint,
        # flush) per entry cost more than the read itself (bench/bench_passport_read.py)
        self._uow.connection.execute(
            insert(AuditEventRow),
            {
                "occurred_at": occurred_at,
                "actor_org_id": actor.org_id,
                "actor_member_id": actor.member_id,
                "actor_key_id": actor.key_id,
                "action": action,
                "resource_type": resource_type,
                "resource_id": resource_id,
                "owner_org_id": owner_org_id,
                "outcome": outcome.value,
                "detail": detail[:2000],
            },
        )

    def list_visible(
        self, actor: Actor, *, cursor: str | None, limit: int, owner_org_id: uuid.UUID | None = None
    ) -> Page[AuditEvent]:
        stmt = self.readable_by(actor)
        if owner_org_id is not None:
            stmt = stmt.where(AuditEventRow.owner_org_id == owner_org_id)
        return fetch_page(
            self.session,
            stmt,
            AuditEventRow.id,
            to_domain=_event,
            cursor=cursor,
            limit=limit,
            descending=True,
        )
