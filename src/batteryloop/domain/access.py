"""Who may read and do what: the actor behind a request and the rules of consortium data sharing.

Deny by default. An organisation always reads its own data; another organisation's data of a category is
readable only where a consortium both belong to has a sharing rule that covers the provider, the category and
the reader (by organisation or by kind). The storage layer turns the same rule into SQL (``readable_by``); the
function here is the reference it is tested against.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.organization import DataCategory, MemberRole, OrganizationKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """The identified caller of a request: a member of an organisation acting through an API key.

    The platform operator (local CLI with direct database access) is the one actor with ``system=True``.
    """

    org_id: uuid.UUID | None
    org_kind: OrganizationKind | None
    role: MemberRole | None
    member_id: uuid.UUID | None = None
    key_id: uuid.UUID | None = None
    system: bool = False

    @classmethod
    def platform_operator(cls) -> Actor:
        """Return the actor of local administration commands (CLI with direct database access)."""
        return cls(org_id=None, org_kind=None, role=None, system=True)

    @property
    def is_admin(self) -> bool:
        """True for the platform operator and for admins of their own organisation."""
        return self.system or self.role is MemberRole.ADMIN

    def belongs_to(self, org_id: uuid.UUID) -> bool:
        """True when the actor acts for organisation ``org_id``."""
        return self.org_id == org_id

    def administers(self, org_id: uuid.UUID) -> bool:
        """True when the actor may manage organisation ``org_id`` (its profile, members and keys)."""
        return self.system or (self.belongs_to(org_id) and self.role is MemberRole.ADMIN)

    @property
    def may_write(self) -> bool:
        """True for roles that change operational data (admins and operators)."""
        return self.system or self.role in (MemberRole.ADMIN, MemberRole.OPERATOR)

    @property
    def may_read_audit(self) -> bool:
        """True for roles that read audit logs: auditors and admins (of their own scope)."""
        return self.system or self.role in (MemberRole.AUDITOR, MemberRole.ADMIN)


@dataclass(frozen=True, slots=True, kw_only=True)
class SharingRule:
    """One clause of a consortium's data-sharing agreement.

    ``provider_org_id`` None means every member shares this category; exactly one of ``grantee_kind`` and
    ``grantee_org_id`` names who may read it.
    """

    consortium_id: uuid.UUID
    category: DataCategory
    provider_org_id: uuid.UUID | None
    grantee_kind: OrganizationKind | None
    grantee_org_id: uuid.UUID | None

    def __post_init__(self) -> None:
        if (self.grantee_kind is None) == (self.grantee_org_id is None):
            raise InvalidInputError(
                "name exactly one grantee: an organisation kind or one organisation", field="grantee"
            )

    def covers(self, *, reader_org_id: uuid.UUID, reader_kind: OrganizationKind, owner_org_id: uuid.UUID) -> bool:
        """True when this rule opens ``owner_org_id``'s data of its category to the reader."""
        if self.provider_org_id is not None and self.provider_org_id != owner_org_id:
            return False
        if self.grantee_org_id is not None:
            return self.grantee_org_id == reader_org_id
        return self.grantee_kind is reader_kind


def check_may_read(
    actor: Actor,
    *,
    owner_org_id: uuid.UUID,
    category: DataCategory,
    rules: Iterable[SharingRule],
    shared_consortia: frozenset[uuid.UUID],
) -> bool:
    """Decide whether ``actor`` may read data of ``category`` owned by ``owner_org_id``.

    Args:
        actor: The caller.
        owner_org_id: Organisation that owns the data.
        category: Category of the data.
        rules: Sharing rules of the consortia involved.
        shared_consortia: Consortia in which both the actor's organisation and the owner are members.

    Returns:
        True when allowed; False otherwise (deny by default).

    References:
        batteryloop design §4 (consortium data-sharing agreements).
    """
    if actor.system:
        return True
    if actor.org_id is None or actor.org_kind is None:
        return False
    if actor.org_id == owner_org_id:
        return True
    return any(
        rule.consortium_id in shared_consortia
        and rule.category is category
        and rule.covers(reader_org_id=actor.org_id, reader_kind=actor.org_kind, owner_org_id=owner_org_id)
        for rule in rules
    )
