"""Completeness of a passport: which attributes the regulation requires for its battery category are missing.

An attribute is mandatory for a category when the longlist marks it ``x`` in that category's column
(``data/passport/attributes.csv``, columns ``mandatory_<category>``). It counts as present when its key is given
with a value that is not ``null``, not an empty string and, for a dynamic attribute, not an empty series. An empty
list of a static list attribute counts as present: it declares "none" (e.g. no hazardous substances to report).

References:
    Regulation (EU) 2023/1542 Art. 77 and Annex XIII; Battery Pass longlist v1.2 (mandatory columns per category).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.attributes import Attribute, BatteryCategory, Level, get_attributes


@dataclass(frozen=True, slots=True, kw_only=True)
class CompletenessReport:
    """The mandatory attributes of a category, those given and those missing, and the share complete.

    ``complete_share`` is ``present_count / mandatory_count`` (a fraction in [0, 1]; 1.0 when nothing is
    mandatory). Keys are in longlist order.
    """

    category: BatteryCategory
    level: Level | None
    mandatory_keys: tuple[str, ...]
    present_keys: tuple[str, ...]
    missing_keys: tuple[str, ...]
    complete_share: float
    reasons: tuple[str, ...]

    @property
    def mandatory_count(self) -> int:
        """How many attributes are mandatory."""
        return len(self.mandatory_keys)

    @property
    def present_count(self) -> int:
        """How many mandatory attributes are given."""
        return len(self.present_keys)

    @property
    def missing_count(self) -> int:
        """How many mandatory attributes are missing."""
        return len(self.missing_keys)

    @property
    def is_complete(self) -> bool:
        """True when no mandatory attribute is missing."""
        return not self.missing_keys


def _is_present(attribute: Attribute, value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if attribute.is_dynamic and isinstance(value, list | tuple):
        return bool(value)
    return True


def check_completeness(
    attributes: Mapping[str, Any], category: BatteryCategory | str, *, level: Level | str | None = None
) -> CompletenessReport:
    """Report which mandatory attributes a passport lacks for its battery category.

    Args:
        attributes: The passport's attributes by key (model and item attributes together for a whole passport).
        category: The battery category: ``"ev"``, ``"lmt"``, ``"industrial"`` or ``"stationary"``.
        level: When given, only the mandatory attributes of that level (``"model"`` or ``"item"``) are counted:
            use it to check a battery model record or a battery record on its own.

    Returns:
        The report: mandatory, present and missing keys, the share complete and a reason per missing attribute.

    Raises:
        InvalidInputError: ``field="battery_category"`` for an unknown category, ``field="level"`` for an
            unknown level.

    References:
        Battery Pass longlist v1.2, mandatory columns per battery category.
    """
    cat = _enum(BatteryCategory, category, "battery_category")
    wanted = None if level is None else _enum(Level, level, "level")
    mandatory = [a for a in get_attributes().values() if a.is_mandatory(cat) and (wanted is None or a.level is wanted)]
    present = tuple(a.key for a in mandatory if _is_present(a, attributes.get(a.key)))
    missing = [a for a in mandatory if a.key not in present]
    share = len(present) / len(mandatory) if mandatory else 1.0
    reasons = tuple(
        f"#{a.number} {a.name} ({a.key}, DIN DKE SPEC 99100 §{a.din_clause}) is mandatory for "
        f"{cat.value} batteries and is missing"
        for a in missing
    )
    return CompletenessReport(
        category=cat,
        level=wanted,
        mandatory_keys=tuple(a.key for a in mandatory),
        present_keys=present,
        missing_keys=tuple(a.key for a in missing),
        complete_share=share,
        reasons=reasons,
    )


_E = TypeVar("_E", BatteryCategory, Level)


def _enum(kind: type[_E], value: object, field: str) -> _E:
    if isinstance(value, kind):
        return value
    if isinstance(value, str) and value in kind._value2member_map_:
        return kind(value)
    options = ", ".join(repr(m.value) for m in kind)
    raise InvalidInputError(f"unknown {field.replace('_', ' ')} {value!r}; use one of: {options}", field=field)
