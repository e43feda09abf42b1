"""Who is calling: API keys to actors."""

from __future__ import annotations

import uuid

from batteryloop.domain.access import Actor
from batteryloop.domain.apikey import check_api_key_format, check_key_usable, hash_api_key
from batteryloop.domain.errors import AuthenticationError
from batteryloop.storage.repositories.organization import KeyOwner
from batteryloop.storage.uow import UnitOfWork


def _actor(owner: KeyOwner | None, uow: UnitOfWork) -> Actor:
    if owner is None:
        raise AuthenticationError(
            "the API key is not known; check it was copied whole, or ask your organisation's admin for one",
            field="authorization",
        )
    check_key_usable(revoked_at=owner.key.revoked_at, expires_at=owner.key.expires_at, now=uow.now())
    return Actor(
        org_id=owner.organization.id,
        org_kind=owner.organization.kind,
        role=owner.member.role,
        member_id=owner.member.id,
        key_id=owner.key.id,
    )


def authenticate(uow: UnitOfWork, token: str) -> Actor:
    """Return the actor behind an API key, or raise AuthenticationError saying why not."""
    check_api_key_format(token)
    return _actor(uow.keys.find_owner_by_hash(hash_api_key(token)), uow)


def actor_for_key_id(uow: UnitOfWork, key_id: uuid.UUID) -> Actor:
    """Return the actor of a key by id (web sessions keep the id, never the key); checks it is still valid."""
    return _actor(uow.keys.find_owner_by_id(key_id), uow)
