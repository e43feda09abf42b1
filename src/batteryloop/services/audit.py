"""Audit log use cases: record writes and reads of restricted data; let auditors and authorities read it."""

from __future__ import annotations

import uuid

from batteryloop.domain.access import Actor
from batteryloop.domain.audit import AuditEvent, AuditOutcome
from batteryloop.domain.errors import PermissionDeniedError
from batteryloop.domain.pagination import Page
from batteryloop.storage.uow import UnitOfWork


def record(
    uow: UnitOfWork,
    actor: Actor,
    *,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
    owner_org_id: uuid.UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    detail: str = "",
) -> None:
    """Append one audit event in the caller's unit of work."""
    uow.audit.add(
        actor=actor,
        action=action,
        resource_type=resource_type,
        resource_id=None if resource_id is None else str(resource_id),
        owner_org_id=owner_org_id,
        outcome=outcome,
        occurred_at=uow.now(),
        detail=detail,
    )


def list_audit_events(
    uow: UnitOfWork, actor: Actor, *, cursor: str | None, limit: int, owner_org_id: uuid.UUID | None = None
) -> Page[AuditEvent]:
    """Newest first. Auditors and admins read their own organisation's; authorities their consortia's."""
    if not actor.may_read_audit:
        raise PermissionDeniedError("only auditors and admins may read the audit log", field="role")
    page = uow.audit.list_visible(actor, cursor=cursor, limit=limit, owner_org_id=owner_org_id)
    record(uow, actor, action="audit.read", resource_type="audit_log", owner_org_id=actor.org_id)
    return page
