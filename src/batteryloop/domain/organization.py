"""Organisations, their members' roles, and the data categories a consortium agreement can share.

Leaves out: who may do what (see :mod:`.access`) and how anything is stored.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from batteryloop.domain.errors import InvalidInputError


class OrganizationKind(StrEnum):
    """What an organisation does in the chain; decides its default rights (e.g. legitimate interest)."""

    OEM = "oem"
    RECYCLER = "recycler"
    DISMANTLER = "dismantler"
    LOGISTICS = "logistics"
    REFINER = "refiner"
    CATHODE_MAKER = "cathode_maker"
    AUTHORITY = "authority"
    """A notified body or a market surveillance authority (Regulation (EU) 2023/1542 Art. 77(2)(b))."""
    COMMISSION = "commission"
    """The European Commission: besides the authorities' rights, Annex XIII point 2 opens to it."""
    RESEARCH = "research"


PUBLIC_BODIES: frozenset[OrganizationKind] = frozenset({OrganizationKind.AUTHORITY, OrganizationKind.COMMISSION})
"""Kinds served by the regulation itself rather than by a consortium's sharing rules (and who audit their peers)."""


class MemberRole(StrEnum):
    """A member's role inside their own organisation."""

    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"
    AUDITOR = "auditor"


class DataCategory(StrEnum):
    """Categories of data a consortium's data-sharing agreement can open to other members."""

    PASSPORTS = "passports"
    CUSTODY = "custody"
    LOTS = "lots"
    ASSAYS = "assays"
    ECONOMICS = "economics"
    INCIDENTS = "incidents"


_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME_LENGTH = 200


def check_name(value: str, *, field: str = "name") -> str:
    """Return a display name stripped of surrounding blanks.

    Args:
        value: The name as given.
        field: Input field reported on error.

    Returns:
        The stripped name.

    Raises:
        InvalidInputError: If the name is empty or longer than 200 characters.
    """
    stripped = value.strip()
    if not stripped:
        raise InvalidInputError("must not be empty", field=field)
    if len(stripped) > MAX_NAME_LENGTH:
        raise InvalidInputError(f"must be at most {MAX_NAME_LENGTH} characters", field=field)
    return stripped


def check_country(value: str | None, *, field: str = "country") -> str | None:
    """Return an ISO 3166-1 alpha-2 country code in upper case, or None.

    Raises:
        InvalidInputError: If the value is not two letters.
    """
    if value is None:
        return None
    code = value.strip().upper()
    if not _COUNTRY.match(code):
        raise InvalidInputError("must be an ISO 3166-1 alpha-2 code such as 'DE'", field=field)
    return code


def check_email(value: str | None, *, field: str = "email") -> str | None:
    """Return a plausible e-mail address in lower case, or None.

    Raises:
        InvalidInputError: If the value does not look like ``name@domain.tld``.
    """
    if value is None:
        return None
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInputError("must look like name@example.com", field=field)
    return email


@dataclass(frozen=True, slots=True, kw_only=True)
class Organization:
    """A party of the platform: an automaker, a recycler, an authority, ..."""

    id: uuid.UUID
    name: str
    kind: OrganizationKind
    country: str | None = None

    def __post_init__(self) -> None:
        check_name(self.name)
        check_country(self.country)


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """A person (or service account) of an organisation, acting through API keys."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    email: str | None
    role: MemberRole


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    """What is known of an API key after creation: never the key itself, only its prefix."""

    id: uuid.UUID
    organization_id: uuid.UUID
    member_id: uuid.UUID
    prefix: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Consortium:
    """Organisations that agreed to share data with each other under one data-sharing agreement."""

    id: uuid.UUID
    name: str
    description: str
    convenor_org_id: uuid.UUID
