"""The dated targets of Annex XII (recycling efficiency per battery group, recovery per element) and output fates.

Data: ``data/recovery/targets.toml``. When a target applies is the named option ``target_effective_rule`` (RS-A9):
``period_end_on_or_after_deadline`` (default: calendar year 2025 is assessed against the 2025 target) or
``following_year`` (a target applies from 1 January after its deadline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Final

from batteryloop.domain.errors import ReferenceDataError
from batteryloop.domain.refdata import read_toml

TARGETS_FILE: Final = "recovery/targets.toml"
BATTERY_GROUPS: Final = ("lead_acid", "nickel_cadmium", "lithium_based", "other")
RECOVERY_ELEMENTS: Final = ("Co", "Cu", "Pb", "Li", "Ni")
FATES: Final = ("recycled", "energy_recovery", "backfilling", "disposal", "loss", "intermediate")
EFFECTIVE_RULES: Final = ("period_end_on_or_after_deadline", "following_year")


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """One dated target: ``metric`` is ``recycling_efficiency`` (``element`` None) or ``material_recovery``."""

    metric: str
    battery_group: str | None
    element: str | None
    target: Decimal
    deadline: date
    source: str
    status: str

    def applies(self, period_end: date, rule: str) -> bool:
        """Whether a period ending on ``period_end`` is assessed against this target under ``rule``."""
        if rule == "following_year":
            return period_end.year > self.deadline.year
        return period_end >= self.deadline


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetData:
    """The parsed ``targets.toml``."""

    efficiency: tuple[Target, ...]
    recovery: tuple[Target, ...]
    counting_fates: frozenset[str]
    rd_codes: Mapping[str, str]
    sources: Mapping[str, str]

    def for_group(self, battery_group: str) -> tuple[Target, ...]:
        """The efficiency targets of ``battery_group`` and every recovery target, by metric, element, deadline."""
        return tuple(t for t in self.efficiency if t.battery_group == battery_group) + self.recovery


def _target(raw: Mapping[str, Any], metric: str, where: str) -> Target:
    try:
        value = Decimal(str(raw["target"]))
        deadline = date.fromisoformat(str(raw["deadline"]))
        group = raw.get("battery_group")
        element = raw.get("element")
        source, status = str(raw["source"]), str(raw["status"])
    except (KeyError, InvalidOperation, ValueError) as exc:
        raise ReferenceDataError(f"{TARGETS_FILE}: {where} is malformed: {exc!r}") from exc
    if not Decimal(0) < value <= 1:
        raise ReferenceDataError(f"{TARGETS_FILE}: {where} target {value} is not a fraction in (0, 1]")
    if metric == "recycling_efficiency" and group not in BATTERY_GROUPS:
        raise ReferenceDataError(f"{TARGETS_FILE}: {where} names an unknown battery group {group!r}")
    if metric == "material_recovery" and element not in RECOVERY_ELEMENTS:
        raise ReferenceDataError(f"{TARGETS_FILE}: {where} names an element without a target {element!r}")
    return Target(
        metric=metric,
        battery_group=group,
        element=element,
        target=value,
        deadline=deadline,
        source=source,
        status=status,
    )


@cache
def get_targets() -> TargetData:
    """The parsed target data (cached)."""
    raw = read_toml(TARGETS_FILE)
    sources = {k: str(v.get("citation", "")) for k, v in raw.get("sources", {}).items()}
    eff = tuple(_target(r, "recycling_efficiency", f"efficiency[{i}]") for i, r in enumerate(raw.get("efficiency", [])))
    rec = tuple(_target(r, "material_recovery", f"recovery[{i}]") for i, r in enumerate(raw.get("recovery", [])))
    for t in (*eff, *rec):
        if t.source not in sources:
            raise ReferenceDataError(
                f"{TARGETS_FILE}: target {t.metric} {t.element or t.battery_group} cites {t.source!r}"
            )
    fates = raw.get("fates", {})
    if set(fates) != set(FATES):
        raise ReferenceDataError(f"{TARGETS_FILE}: [fates] must list exactly {', '.join(FATES)}")
    codes = {str(k): str(v) for k, v in raw.get("rd_codes", {}).items()}
    if not set(codes.values()) <= set(FATES):
        raise ReferenceDataError(f"{TARGETS_FILE}: [rd_codes] maps to an unknown fate")
    return TargetData(
        efficiency=tuple(sorted(eff, key=lambda t: (str(t.battery_group), t.deadline))),
        recovery=tuple(sorted(rec, key=lambda t: (RECOVERY_ELEMENTS.index(str(t.element)), t.deadline))),
        counting_fates=frozenset(name for name, f in fates.items() if f.get("counts") is True),
        rd_codes=codes,
        sources=sources,
    )


def fate_of_code(code: str) -> str | None:
    """The fate an R or D code stands for (``R4`` -> recycled, ``D1`` -> disposal); None when ambiguous/unknown."""
    codes = get_targets().rd_codes
    key = code.strip().upper().replace(" ", "")
    if key in codes:
        return codes[key]
    if key.startswith("D") and key[1:].isdigit() and 1 <= int(key[1:]) <= 15:
        return codes.get("D")
    return None
