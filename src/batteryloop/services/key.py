"""API keys: created (shown once), listed by prefix, revoked."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from batteryloop.domain.access import Actor
from batteryloop.domain.apikey import API_KEY_PREFIX, display_prefix, hash_api_key
from batteryloop.domain.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from batteryloop.domain.organization import ApiKey, check_name
from batteryloop.domain.pagination import Page
from batteryloop.services import audit
from batteryloop.services.organization import get_member, get_own_organization
from batteryloop.storage.uow import UnitOfWork


def new_token() -> str:
    """A fresh key: ``bl_`` and 32 random bytes, URL-safe base64 (43 characters)."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def create_key(
    uow: UnitOfWork,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    label: str = "default",
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key for a member; returns the record and the key itself, which is never shown again."""
    member = get_member(uow, actor, member_id)
    if not actor.administers(member.organization_id):
        raise PermissionDeniedError(
            "only an admin of the member's organisation may create keys",
            field="role",
            owner_org_id=member.organization_id,
        )
    now = uow.now()
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InvalidInputError("must include a time zone, e.g. 2027-01-01T00:00:00Z", field="expires_at")
        if expires_at <= now:
            raise InvalidInputError("must lie in the future", field="expires_at")
    token = new_token()
    key = ApiKey(
        id=uuid.uuid4(),
        organization_id=member.organization_id,
        member_id=member.id,
        prefix=display_prefix(token),
        label=check_name(label, field="label"),
        created_at=now,
        expires_at=expires_at,
        revoked_at=None,
    )
    uow.keys.add(key, key_hash=hash_api_key(token))
    audit.record(
        uow,
        actor,
        action="key.create",
        resource_type="api_key",
        resource_id=key.id,
        owner_org_id=key.organization_id,
        detail=f"member={member.id} prefix={key.prefix}",
    )
    return key, token


def revoke_key(uow: UnitOfWork, actor: Actor, key_id: uuid.UUID) -> ApiKey:
    """Revoke a key at once; its next use answers 401."""
    key = uow.keys.get(actor, key_id)
    if key is None:
        raise NotFoundError(f"no API key {key_id} is visible to you", field="key_id")
    if not actor.administers(key.organization_id) and actor.key_id != key.id:
        raise PermissionDeniedError(
            "only an admin (or the key itself) may revoke a key", field="role", owner_org_id=key.organization_id
        )
    if key.revoked_at is not None:
        raise ConflictError(f"the key was already revoked at {key.revoked_at.isoformat()}", field="key_id")
    now = uow.now()
    uow.keys.revoke(key_id, now)
    audit.record(
        uow,
        actor,
        action="key.revoke",
        resource_type="api_key",
        resource_id=key.id,
        owner_org_id=key.organization_id,
    )
    return ApiKey(**{**{f: getattr(key, f) for f in key.__dataclass_fields__}, "revoked_at": now})


def list_keys(uow: UnitOfWork, actor: Actor, org_id: uuid.UUID, *, cursor: str | None, limit: int) -> Page[ApiKey]:
    """Keys of the actor's organisation (prefixes only). Admins only."""
    get_own_organization(uow, actor, org_id)
    if not actor.administers(org_id):
        raise PermissionDeniedError(
            "only an admin of this organisation may list its keys", field="role", owner_org_id=org_id
        )
    page = uow.keys.list_visible(actor, org_id, cursor=cursor, limit=limit)
    audit.record(uow, actor, action="key.list", resource_type="api_key", owner_org_id=org_id)
    return page
