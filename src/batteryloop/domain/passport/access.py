"""Who sees which passport attributes: the level a passport is served at, and the attributes of that level.

Levels (:class:`ServedLevel`), from the regulation's access groups (Art. 77(2), Annex XIII):

- ``public``: anyone, signed in or not: the ``public`` attributes (Annex XIII point 1).
- ``legitimate_interest``: an organisation whose kind holds legitimate-interest roles
  (``data/passport/legitimate_interest_roles.csv``: a recycler is recycler and sorter; a dismantler is
  dismantler, repairer and second-life operator) **and** with whom the passport's owner shares the ``passports``
  data category. It sees the public attributes plus every ``legitimate_interest`` (point 4) and
  ``legitimate_interest_and_commission`` (point 2) attribute whose ``pli_roles`` include one of its roles.
  Without the sharing rule it is served the public level (deny by default, design §4).
- ``authority``: an organisation of kind ``authority`` (notified bodies, market surveillance authorities). It sees
  the public (point 1) and ``authority`` (point 3, "notified bodies, market surveillance authorities and the
  Commission": test reports) attributes.
- ``commission``: the organisation of kind ``commission`` (the European Commission). It sees what authorities see
  plus the ``legitimate_interest_and_commission`` attributes (point 2, "persons with a legitimate interest and the
  Commission": dismantling information, part numbers, detailed composition).

  Neither public body sees the ``legitimate_interest``-only attributes: Annex XIII point 4 (item-level status,
  state of health and usage data) names persons with a legitimate interest alone. Their access follows from the
  regulation itself, so it does not wait for a consortium sharing rule.
- ``owner``: the economic operator responsible for the passport (Art. 77(4)) sees every attribute.

References:
    Regulation (EU) 2023/1542, Art. 77(2) and (9), Annex XIII points 1-4.
    DIN DKE SPEC 99100:2025-02 §5.2.2 and §6.5.4 e).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Any, Final

from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.organization import PUBLIC_BODIES, OrganizationKind
from batteryloop.domain.passport.attributes import AccessLevel, Attribute, PliRole, get_attributes
from batteryloop.domain.refdata import read_csv

ROLES_FILE: Final = "passport/legitimate_interest_roles.csv"


class ServedLevel(StrEnum):
    """The level a passport is served at; a response states it."""

    PUBLIC = "public"
    LEGITIMATE_INTEREST = "legitimate_interest"
    AUTHORITY = "authority"
    COMMISSION = "commission"
    OWNER = "owner"


_AUTHORITY_ACCESS: Final = frozenset({AccessLevel.PUBLIC, AccessLevel.AUTHORITY})
_COMMISSION_ACCESS: Final = _AUTHORITY_ACCESS | {AccessLevel.LEGITIMATE_INTEREST_AND_COMMISSION}
_PLI_ACCESS: Final = frozenset({AccessLevel.LEGITIMATE_INTEREST, AccessLevel.LEGITIMATE_INTEREST_AND_COMMISSION})


@dataclass(frozen=True, slots=True, kw_only=True)
class PassportView:
    """The level a reader is served at, the legitimate-interest roles it holds, and why.

    ``roles`` is non-empty exactly for the ``legitimate_interest`` level.
    """

    level: ServedLevel
    roles: frozenset[PliRole] = frozenset()
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.level is ServedLevel.LEGITIMATE_INTEREST) != bool(self.roles):
            raise InvalidInputError(
                "legitimate-interest roles go with the legitimate_interest level and only with it", field="roles"
            )


@cache
def get_legitimate_interest_roles() -> Mapping[OrganizationKind, frozenset[PliRole]]:
    """Return the legitimate-interest roles of each organisation kind (``data/passport/legitimate_interest_roles.csv``).

    Returns:
        Every organisation kind with its roles (empty for kinds without a legitimate interest), read-only.

    Raises:
        ReferenceDataError: If the file is missing, names an unknown kind or role, lists a kind twice, leaves a
            kind out, or gives roles to the authority kind (served its own level).
    """
    roles: dict[OrganizationKind, frozenset[PliRole]] = {}
    try:
        for row in read_csv(ROLES_FILE):
            kind = OrganizationKind(row["kind"].strip())
            if kind in roles:
                raise ReferenceDataError(f"kind {kind.value!r} is listed twice")
            roles[kind] = frozenset(PliRole(r.strip()) for r in (row["roles"] or "").split("|") if r.strip())
    except (KeyError, ValueError, AttributeError, ReferenceDataError) as exc:
        raise ReferenceDataError(f"{ROLES_FILE} is malformed: {exc}") from exc
    missing = set(OrganizationKind) - set(roles)
    if missing:
        raise ReferenceDataError(f"{ROLES_FILE} is malformed: kinds missing: {', '.join(sorted(missing))}")
    if any(roles[kind] for kind in PUBLIC_BODIES):
        raise ReferenceDataError(f"{ROLES_FILE} is malformed: public bodies are served their own level, not roles")
    return MappingProxyType(roles)


def decide_served_level(
    *, reader_kind: OrganizationKind | None, is_owner: bool, passports_shared: bool
) -> PassportView:
    """Decide the level at which a passport is served to a reader.

    Args:
        reader_kind: Kind of the reader's organisation; None for an anonymous reader (the public QR page).
        is_owner: True when the reader's organisation is the economic operator responsible for the passport.
        passports_shared: True when a consortium data-sharing rule opens the owner's ``passports`` category to
            the reader (see :func:`batteryloop.domain.access.check_may_read`).

    Returns:
        The view: level, legitimate-interest roles (for that level) and the reasons.

    References:
        Regulation (EU) 2023/1542, Art. 77(2), Annex XIII points 1-4; design §4.
    """
    if is_owner:
        reason = "the reader's organisation is responsible for the passport and sees every attribute"
        return PassportView(level=ServedLevel.OWNER, reasons=(reason,))
    if reader_kind is None:
        reason = "anonymous readers see the public attributes (Annex XIII point 1)"
        return PassportView(level=ServedLevel.PUBLIC, reasons=(reason,))
    if reader_kind is OrganizationKind.AUTHORITY:
        reason = (
            "notified bodies and market surveillance authorities see the public attributes and those of Annex XIII "
            "point 3 (test reports); point 2 is open to the Commission and persons with a legitimate interest, "
            "point 4 item data to persons with a legitimate interest only"
        )
        return PassportView(level=ServedLevel.AUTHORITY, reasons=(reason,))
    if reader_kind is OrganizationKind.COMMISSION:
        reason = (
            "the Commission sees the public attributes and those of Annex XIII points 2 and 3; point 4 item data is "
            "open to persons with a legitimate interest only"
        )
        return PassportView(level=ServedLevel.COMMISSION, reasons=(reason,))
    roles = get_legitimate_interest_roles()[reader_kind]
    if not roles:
        reason = f"a {reader_kind.value} organisation holds no legitimate-interest role; it sees the public attributes"
        return PassportView(level=ServedLevel.PUBLIC, reasons=(reason,))
    names = ", ".join(sorted(r.value for r in roles))
    if not passports_shared:
        reason = (
            f"a {reader_kind.value} organisation may have a legitimate interest ({names}), but the passport's owner "
            "does not share its passports with it; ask for a data-sharing rule on 'passports' to see more than the "
            "public attributes"
        )
        return PassportView(level=ServedLevel.PUBLIC, reasons=(reason,))
    reason = (
        f"a {reader_kind.value} organisation with shared passports has a legitimate interest as {names}; it sees "
        "the public attributes and the restricted ones granted to these roles"
    )
    return PassportView(level=ServedLevel.LEGITIMATE_INTEREST, roles=roles, reasons=(reason,))


def is_visible(attribute: Attribute, view: PassportView) -> bool:
    """True when a reader served at ``view`` may see ``attribute``.

    Args:
        attribute: A registered attribute.
        view: The reader's view (see :func:`decide_served_level`).

    Returns:
        Whether the attribute is shown.
    """
    if view.level is ServedLevel.OWNER or attribute.access is AccessLevel.PUBLIC:
        return True
    if view.level is ServedLevel.AUTHORITY:
        return attribute.access in _AUTHORITY_ACCESS
    if view.level is ServedLevel.COMMISSION:
        return attribute.access in _COMMISSION_ACCESS
    if view.level is ServedLevel.LEGITIMATE_INTEREST:
        return attribute.access in _PLI_ACCESS and bool(attribute.pli_roles & view.roles)
    return False


@cache
def _visible_keys(level: ServedLevel, roles: frozenset[PliRole]) -> frozenset[str]:
    view = PassportView(level=level, roles=roles)
    return frozenset(key for key, attribute in get_attributes().items() if is_visible(attribute, view))


def visible_keys(view: PassportView) -> frozenset[str]:
    """Return the keys of every attribute a reader served at ``view`` may see.

    Args:
        view: The reader's view.

    Returns:
        The visible attribute keys (60 for the public level, all 93 for the owner).
    """
    return _visible_keys(view.level, view.roles)


def filter_attributes(attributes: Mapping[str, Any], view: PassportView) -> dict[str, Any]:
    """Return only the attributes a reader served at ``view`` may see.

    Keys that are not registered attributes are dropped at every level: nothing unknown leaves the platform.

    Args:
        attributes: A passport's attributes by key.
        view: The reader's view.

    Returns:
        A new dictionary with exactly the visible keys of ``attributes``, in their original order.
    """
    visible = visible_keys(view)
    return {key: value for key, value in attributes.items() if key in visible}
