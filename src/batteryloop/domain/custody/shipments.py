"""Shipments of packs between sites: the plan (checked and classified for carriage) and the weight reconciliation.

A shipment plan names where from and where to, the carrier, and each pack with its condition, energy and gross
mass and the packaging it travels in. Each pack is classified for carriage (ADR 2025, :mod:`batteryloop.domain.
transport`) and its packaging checked against that classification, so a shipment whose packaging does not fit (P909
for a critically damaged pack) is refused before it leaves, with the reason.

Weights are reconciled between dispatch and receipt with a tolerance that is absolute and relative: the difference
is accepted up to ``max(absolute_kg, relative * dispatched mass)``, so small loads are judged by the scale's
resolution and large ones by a share of their mass. Defaults: 2 kg or 0.5 % (typical for a verified platform
scale of a recycler, OIML R 76 class III at 2,000 kg / 0.5 kg divisions, with handling margin; a platform choice,
dated 2026-11-25).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from batteryloop.domain.passport.problems import PassportValidationError, Problem, Problems
from batteryloop.domain.transport.classification import TransportClassification, classify_for_transport
from batteryloop.domain.transport.errors import ClassificationInputError
from batteryloop.domain.transport.packaging import check_packaging

DEFAULT_ABSOLUTE_KG: Final = 2.0
DEFAULT_RELATIVE: Final = 0.005
CONDITIONS: Final = ("intact", "damaged_stable", "critically_damaged")
CHEMISTRIES: Final = ("lithium_ion", "lithium_metal", "sodium_ion")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far the received weight may differ from the dispatched one: ``max(absolute_kg, relative * mass)``."""

    absolute_kg: float = DEFAULT_ABSOLUTE_KG
    relative: float = DEFAULT_RELATIVE

    def allowed_kg(self, dispatched_kg: float) -> float:
        """The largest accepted difference for a load of ``dispatched_kg``."""
        return max(self.absolute_kg, self.relative * dispatched_kg)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The outcome of comparing the weights of a shipment at dispatch and at receipt."""

    dispatched_kg: float
    received_kg: float
    difference_kg: float
    allowed_kg: float
    within_tolerance: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "dispatched_kg": self.dispatched_kg,
            "received_kg": self.received_kg,
            "difference_kg": self.difference_kg,
            "allowed_kg": self.allowed_kg,
            "within_tolerance": self.within_tolerance,
            "reason": self.reason,
        }


def reconcile(dispatched_kg: float, received_kg: float, tolerance: Tolerance) -> Reconciliation:
    """Compare the weights at dispatch and receipt (difference = received - dispatched)."""
    difference = round(received_kg - dispatched_kg, 3)
    allowed = round(tolerance.allowed_kg(dispatched_kg), 3)
    within = abs(difference) <= allowed
    relation = "within" if within else "outside"
    reason = (
        f"received {received_kg:g} kg against {dispatched_kg:g} kg dispatched: {difference:+g} kg, {relation} the "
        f"tolerance of {allowed:g} kg (the larger of {tolerance.absolute_kg:g} kg and "
        f"{tolerance.relative * 100:g} % of the dispatched mass)"
    )
    return Reconciliation(dispatched_kg, received_kg, difference, allowed, within, reason)


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """One pack of a plan, with its classification for carriage."""

    passport_id: str
    chemistry: str
    condition: str
    energy_wh: float
    cell_energy_wh: float | None
    gross_mass_kg: float
    packaging: str
    classification: TransportClassification


@dataclass(frozen=True, slots=True)
class ShipmentPlan:
    """A checked shipment plan."""

    code: str
    from_site: str
    to_site: str
    to_org_id: str
    carrier_org_id: str | None
    planned_date: dt.date
    declared_gross_kg: float
    tolerance: Tolerance
    items: tuple[PlannedItem, ...]


def _number(raw: Mapping[str, Any], key: str, path: str, p: Problems, *, required: bool = True) -> float | None:
    value = raw.get(key)
    if value is None:
        if required:
            p.add(f"{path}.{key}", "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        p.add(f"{path}.{key}", f"must be a number above 0; got {value!r}")
        return None
    return float(value)


def _code(raw: Mapping[str, Any], key: str, path: str, p: Problems, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            p.add(f"{path}.{key}", "is required")
        return None
    if not isinstance(value, str) or not _CODE.match(value):
        p.add(f"{path}.{key}", "must be a short code (letters, digits and . _ : / -)")
        return None
    return value


def check_plan(raw: object, *, chemistry_of: Mapping[str, str]) -> ShipmentPlan:
    """Check a shipment plan, classify each pack and check its packaging; raise listing every problem.

    Args:
        raw: ``{code, from_site, to_site, to_org_id, carrier_org_id?, planned_date, declared_gross_kg,
            tolerance?: {absolute_kg?, relative?}, items: [{passport_id, condition, energy_wh, cell_energy_wh?,
            gross_mass_kg, packaging, chemistry?}]}``.
        chemistry_of: Transport chemistry (``lithium_ion``, ...) of the packs whose passports say it; an item's own
            ``chemistry`` is needed otherwise.
    """
    p = Problems()
    if not isinstance(raw, Mapping):
        raise PassportValidationError([Problem(field="shipment", reason="must be an object")])
    allowed = {"code", "from_site", "to_site", "to_org_id", "carrier_org_id", "planned_date", "declared_gross_kg",
               "tolerance", "items"}  # fmt: skip
    for key in raw:
        if key not in allowed:
            p.add(key, f"unknown field; allowed: {', '.join(sorted(allowed))}")
    code = _code(raw, "code", "shipment", p)
    from_site = _code(raw, "from_site", "shipment", p)
    to_site = _code(raw, "to_site", "shipment", p)
    if from_site and to_site and from_site == to_site:
        p.add("shipment.to_site", "a shipment goes to another site")
    to_org = raw.get("to_org_id")
    if not isinstance(to_org, str) or not to_org:
        p.add("shipment.to_org_id", "is required: the receiving organisation's id")
    carrier = raw.get("carrier_org_id")
    if carrier is not None and not isinstance(carrier, str):
        p.add("shipment.carrier_org_id", "must be an organisation id")
    planned = None
    try:
        planned = dt.date.fromisoformat(str(raw.get("planned_date")))
    except ValueError:
        p.add(
            "shipment.planned_date", "is required: the planned date of carriage, YYYY-MM-DD (decides the ADR edition)"
        )
    declared = _number(raw, "declared_gross_kg", "shipment", p)
    tolerance = Tolerance()
    if raw.get("tolerance") is not None:
        t = raw["tolerance"]
        if not isinstance(t, Mapping) or set(t) - {"absolute_kg", "relative"}:
            p.add("shipment.tolerance", "must be {absolute_kg?, relative?}")
        else:
            absolute = _number(t, "absolute_kg", "shipment.tolerance", p, required=False)
            relative = _number(t, "relative", "shipment.tolerance", p, required=False)
            if relative is not None and relative >= 1:
                p.add("shipment.tolerance.relative", "is a fraction (0.005 = 0.5 %), below 1")
            tolerance = Tolerance(absolute or DEFAULT_ABSOLUTE_KG, relative or DEFAULT_RELATIVE)
    items_raw = raw.get("items")
    items: list[PlannedItem] = []
    if not isinstance(items_raw, list) or not items_raw:
        p.add(
            "shipment.items",
            "list the packs or modules: [{passport_id, condition, energy_wh, gross_mass_kg, packaging}]",
        )
        items_raw = []
    seen: set[str] = set()
    for i, item in enumerate(items_raw):
        path = f"shipment.items[{i}]"
        if not isinstance(item, Mapping):
            p.add(path, "must be an object")
            continue
        pid = item.get("passport_id")
        if not isinstance(pid, str) or not pid:
            p.add(f"{path}.passport_id", "is required")
            continue
        if pid in seen:
            p.add(f"{path}.passport_id", f"{pid!r} is listed twice")
        seen.add(pid)
        chemistry = item.get("chemistry") or chemistry_of.get(pid)
        if chemistry not in CHEMISTRIES:
            p.add(f"{path}.chemistry", f"give one of {', '.join(CHEMISTRIES)} (the passport does not say it)")
        condition = item.get("condition")
        if condition not in CONDITIONS:
            p.add(f"{path}.condition", f"is required: one of {', '.join(CONDITIONS)} (SP 376 assessment)")
        energy = _number(item, "energy_wh", path, p)
        cell = _number(item, "cell_energy_wh", path, p, required=False)
        gross = _number(item, "gross_mass_kg", path, p)
        packaging = _code(item, "packaging", path, p)
        if energy is None or gross is None or packaging is None or planned is None:
            continue
        if chemistry not in CHEMISTRIES or condition not in CONDITIONS:
            continue
        try:
            classification = classify_for_transport(
                chemistry=chemistry, configuration="alone", condition=condition, date=planned, energy_wh=energy,
                cell_energy_wh=cell, gross_mass_kg=gross, purpose="recycling", stage="other",
            )  # fmt: skip
        except ClassificationInputError as exc:
            for problem in exc.problems:
                p.add(f"{path}.{problem.field}", problem.reason)
            continue
        check = check_packaging(classification, packaging_code=packaging, net_mass_kg_per_package=gross,
                                gross_mass_kg_per_package=gross)  # fmt: skip
        if not check.accepted:
            why = [problem.reason for problem in check.problems] or list(check.reasons)
            p.add(f"{path}.packaging", "; ".join(why) or "this packaging does not fit the classification")
            continue
        items.append(PlannedItem(pid, chemistry, condition, energy, cell, gross, packaging, classification))
    if p.items:
        raise PassportValidationError(p.items)
    if not (code and from_site and to_site and planned and declared is not None and isinstance(to_org, str)):
        raise PassportValidationError([Problem(field="shipment", reason="incomplete plan")])  # pragma: no cover
    return ShipmentPlan(code, from_site, to_site, to_org, carrier, planned, declared, tolerance, tuple(items))
