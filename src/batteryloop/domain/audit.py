"""Audit events: who did or read what, when, and with which outcome.

Leaves out: where they are stored (append-only table) and who may read them (:mod:`.access`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AuditOutcome(StrEnum):
    """How an audited action ended."""

    SUCCESS = "success"
    DENIED = "denied"
    REJECTED = "rejected"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """One audited action. ``owner_org_id`` is the organisation whose data was touched."""

    id: int
    occurred_at: datetime
    actor_org_id: uuid.UUID | None
    actor_member_id: uuid.UUID | None
    actor_key_id: uuid.UUID | None
    action: str
    resource_type: str
    resource_id: str | None
    owner_org_id: uuid.UUID | None
    outcome: AuditOutcome
    detail: str
