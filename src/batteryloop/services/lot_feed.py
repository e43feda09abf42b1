"""The input of a lot formed from packs: checks of the packs and their masses from the passports (or an assay).

Every pack must be at the facility (custody log), in no other lot, of one battery group, sorted for the route
(direct recycling takes one cathode chemistry; LFP-type and nickel-based feed stay apart unless the facility's
process declares ``mixed_feed``) and, when damaged, discharged first: a ``condition_measured`` with
``state_of_charge`` at most :data:`DISCHARGED_SOC` since the damage. A pack is sorted by the chemistry an assay
identified on site (a ``sorted`` event), where there is one, rather than by its passport's label. Element masses
come from the passports' materials (#33), mapped to elements by CAS number or name.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select

from batteryloop.domain.access import Actor
from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.health.triage import DISCHARGED_SOC
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.domain.recovery.routedata import SYMBOL
from batteryloop.domain.recovery.routes import check_sorting
from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services import custody
from batteryloop.services import passport as passport_service
from batteryloop.storage.tables import FacilityRow, LotItemRow
from batteryloop.storage.uow import UnitOfWork

MILLI: Final = Decimal("0.001")
#: elements by CAS registry number (CAS Common Chemistry), for passport materials (#33) that give a CAS
CAS_ELEMENTS: Final = {
    "7439-93-2": "Li",
    "7440-02-0": "Ni",
    "7440-48-4": "Co",
    "7439-96-5": "Mn",
    "7439-89-6": "Fe",
    "7723-14-0": "P",
    "7429-90-5": "Al",
    "7440-50-8": "Cu",
    "7782-42-5": "C",
    "7782-41-4": "F",
    "7439-92-1": "Pb",
    "7440-43-9": "Cd",
}
NAME_ELEMENTS: Final = {
    "lithium": "Li",
    "nickel": "Ni",
    "cobalt": "Co",
    "manganese": "Mn",
    "iron": "Fe",
    "phosphorus": "P",
    "aluminium": "Al",
    "aluminum": "Al",
    "copper": "Cu",
    "graphite": "C",
    "carbon": "C",
    "fluorine": "F",
    "lead": "Pb",
    "cadmium": "Cd",
}
EU_MEMBER_STATES: Final = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)


def dec(value: object) -> Decimal:
    """A stored decimal string (or number) as a Decimal."""
    return Decimal(str(value))


def text(value: Decimal) -> str:
    """A Decimal as stored: fixed point, at most milligram precision, no exponent."""
    return format(value.quantize(MILLI), "f")


def battery_group(chemistry: str | None) -> str:
    """The Annex XII battery group of a chemistry code (lithium-based unless the carrier is not lithium)."""
    if chemistry is None:
        return "other"
    try:
        return "lithium_based" if get_chemistry(chemistry).charge_carrier == "Li" else "other"
    except InvalidInputError:
        return "other"


def _element(material: dict[str, Any]) -> str | None:
    cas = material.get("cas")
    if isinstance(cas, str) and cas in CAS_ELEMENTS:
        return CAS_ELEMENTS[cas]
    name = material.get("name")
    return NAME_ELEMENTS.get(name.strip().lower()) if isinstance(name, str) else None


def _member_state(timeline: Sequence[tuple[Any, ...]]) -> str | None:
    for _leaf, kind, _org, entry, _c, _s in timeline:
        if kind == "collected":
            site = custody.entry_site(entry)
            prefix = site[:2] if site else None
            return prefix if prefix in EU_MEMBER_STATES else None
    return None


def _log_facts(timeline: Sequence[tuple[Any, ...]]) -> tuple[bool, bool, str | None]:
    """(damaged, discharged since, chemistry identified on site) from the custody events the caller may read."""
    damaged, discharged, identified = False, False, None
    for _leaf, kind, _org, entry, _c, _s in timeline:
        details = custody.entry_details(entry)
        if kind == "sorted" and details.get("chemistry") and details.get("method") == "assay":
            identified = str(details["chemistry"])
        if kind == "condition_measured" and details.get("condition") in ("damaged_stable", "critically_damaged"):
            damaged, discharged = True, False
        if kind == "condition_measured" and isinstance(details.get("state_of_charge"), int | float):
            discharged = discharged or details["state_of_charge"] <= DISCHARGED_SOC
        if kind == "incident":
            damaged, discharged = True, False
    return damaged, discharged, identified


def pack_feed(
    uow: UnitOfWork, actor: Actor, facility: FacilityRow, items: list[Any], route: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    problems: list[Problem] = []
    states = uow.custody.states([i for i in items if isinstance(i, str)])
    taken = set(
        uow.session.scalars(
            select(LotItemRow.passport_id).where(LotItemRow.passport_id.in_([i for i in items if isinstance(i, str)]))
        )
    )
    mass = Decimal(0)
    elements: dict[str, Decimal] = {}
    by_state: dict[str, Decimal] = {}
    rows: list[dict[str, Any]] = []
    chemistries: set[str] = set()
    groups: set[str] = set()
    sorting_feed: list[dict[str, Any]] = []
    relabelled: list[str] = []
    estimated = []
    seen: set[str] = set()
    for n, pid in enumerate(items):
        where = f"items[{n}]"
        if not isinstance(pid, str) or pid in seen:
            problems.append(Problem(field=where, reason="a passport id, each pack once"))
            continue
        seen.add(pid)
        state = states.get(pid)
        if state is not None and state[0].site == facility.code and state[0].phase.value != "at_site":
            problems.append(Problem(field=where, reason=f"{pid} is {custody.where(state[0])} already"))
            continue
        if state is None or state[0].site != facility.code or state[0].phase.value != "at_site":
            at = "nowhere in the log" if state is None else custody.where(state[0])
            problems.append(
                Problem(field=where, reason=f"{pid} is {at}, not at {facility.code}: receive it here first")
            )
            continue
        if pid in taken:
            problems.append(Problem(field=where, reason=f"{pid} is in another lot already"))
            continue
        view = passport_service.read_passport(uow, actor, pid)
        timeline = uow.custody.timeline(actor, pid)  # read once: discharge, identification, place of collection
        attrs = view.attributes
        pack_kg = attrs.get("battery_mass_kg")
        if not isinstance(pack_kg, int | float) or pack_kg <= 0:
            problems.append(Problem(field=where, reason=f"{pid}: the passport gives no battery mass you may read"))
            continue
        damaged, discharged, identified = _log_facts(timeline)
        chemistry = identified or view.chemistry  # a pack is sorted by what it is, not by its label
        if identified and identified != view.chemistry:
            relabelled.append(f"{pid}: passport {view.chemistry}, assay {identified}")
        if damaged and not discharged:
            problems.append(
                Problem(
                    field=where,
                    reason=(
                        f"{pid} is damaged: discharge it safely first "
                        "(record a condition_measured with state_of_charge "
                        f"<= {DISCHARGED_SOC})"
                    ),
                )
            )
            continue
        chemistries.add(chemistry or "unknown")
        sorting_feed.append(
            {
                "chemistry": chemistry,
                "form": "pack",
                "discharged": discharged,
                "condition": "damaged_stable" if damaged else "intact",
            }
        )
        groups.add(battery_group(chemistry))
        kg = dec(pack_kg)
        mass += kg
        materials = attrs.get("cathode_anode_electrolyte_materials")
        if not isinstance(materials, list) or not materials:
            estimated.append(pid)
        for m in materials if isinstance(materials, list) else []:
            symbol = _element(m) if isinstance(m, dict) else None
            if symbol and isinstance(m.get("mass_kg"), int | float):
                elements[symbol] = elements.get(symbol, Decimal(0)) + dec(m["mass_kg"])
        ms = _member_state(timeline)
        by_state[ms or "unknown"] = by_state.get(ms or "unknown", Decimal(0)) + kg
        rows.append({"passport_id": pid, "mass_kg": text(kg), "member_state": ms, "chemistry": chemistry})
    if len(groups) > 1:
        problems.append(
            Problem(field="items", reason=f"one battery group per lot; these packs are {', '.join(sorted(groups))}")
        )
    if not problems:
        mixed = (facility.process or {}).get("mixed_feed")
        try:
            check_sorting(route, sorting_feed, mixed_feed=mixed if isinstance(mixed, bool) else None)
        except ClassificationInputError as exc:
            problems += [Problem(field=p.field.replace("feed[", "items["), reason=p.reason) for p in exc.problems]
    if problems:
        raise PassportValidationError(problems)
    feed = {
        "mass_kg": text(mass),
        "elements_kg": {k: text(v) for k, v in sorted(elements.items())},
        "basis": "passport",
        "member_states": {k: text(v) for k, v in sorted(by_state.items())},
        "chemistries": sorted(chemistries),
        "group": groups.pop() if groups else "other",
        "no_materials": estimated,
        # packs sorted by an assay that contradicts their passport: their declared materials are wrong, assay the lot
        "mislabelled": relabelled,
    }
    return feed, rows


def assay_elements(mass: Decimal, assay: object) -> dict[str, str]:
    """Element masses of a lot from an assay ({symbol: wt %}) of it."""
    if not isinstance(assay, dict) or not assay:
        raise InvalidInputError('an assay is {symbol: wt %}, e.g. {"Li": 3.1, "Ni": 20.4}', field="assay")
    out, total = {}, Decimal(0)
    for symbol, pct in assay.items():
        if not isinstance(symbol, str) or not SYMBOL.match(symbol):
            raise InvalidInputError("an element symbol (Li, Ni, Co, ...)", field=f"assay.{symbol}")
        if isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 <= pct <= 100:
            raise InvalidInputError(f"wt % of {symbol} must be a number from 0 to 100", field=f"assay.{symbol}")
        total += dec(pct)
        out[symbol] = text(mass * dec(pct) / 100)
    if total > 100:
        raise InvalidInputError(f"the elements add up to {total} %, more than the whole sample", field="assay")
    return out
