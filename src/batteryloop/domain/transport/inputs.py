"""The inputs of :func:`~batteryloop.domain.transport.classification.classify_for_transport`, checked.

Which inputs each case needs (``energy_wh`` for lithium ion and sodium ion unless in a vehicle, ``lithium_content_g``
for lithium metal, the cells' size or the gross mass only where they decide the row, the SP 667 assessment for a
damaged vehicle), contradictions between them, and the ADR edition that applies on the date of carriage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.transport.adr_rules import AdrRules, ChemistryRules
from batteryloop.domain.transport.errors import (
    Problems,
    cathode_chemistry_hint,
    check_choice,
    check_date,
    check_decimal,
    format_number,
    normalize_choice,
)

CHEMISTRIES: Final = ("lithium_ion", "lithium_metal", "sodium_ion")
CONFIGURATIONS: Final = ("alone", "packed_with_equipment", "contained_in_equipment", "installed_in_vehicle")
CONDITIONS: Final = ("intact", "damaged_stable", "critically_damaged")
STAGES: Final = ("collection_to_intermediate_facility", "other")
PURPOSES: Final = ("recycling", "disposal")
DEFAULT_STAGE: Final = "other"
"""Without a stage, SP 636 (collection to the intermediate processing facility) is not considered."""
DEFAULT_PURPOSE: Final = "recycling"

_CHEMISTRY_ALIASES: Final = MappingProxyType(
    {
        "li_ion": "lithium_ion",
        "liion": "lithium_ion",
        "lithium_ion_polymer": "lithium_ion",
        "li_polymer": "lithium_ion",
        "lipo": "lithium_ion",
        "li_metal": "lithium_metal",
        "lithium_alloy": "lithium_metal",
        "na_ion": "sodium_ion",
        "naion": "sodium_ion",
    }
)
_CONFIGURATION_ALIASES: Final = MappingProxyType(
    {
        "in_equipment": "contained_in_equipment",
        "with_equipment": "packed_with_equipment",
        "in_vehicle": "installed_in_vehicle",
        "vehicle": "installed_in_vehicle",
    }
)
_CONDITION_ALIASES: Final = MappingProxyType(
    {"damaged": "damaged_stable", "defective": "damaged_stable", "critical": "critically_damaged"}
)
_NOT_COVERED: Final = frozenset(
    {"lead_acid", "nickel_metal_hydride", "nickel_cadmium", "alkaline", "zinc_based", "mercury", "sodium_sulphur"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportQuery:
    """The checked inputs of a classification (quantities as exact decimals)."""

    chemistry: str
    configuration: str
    condition: str
    date: dt.date
    purpose: str
    stage: str
    energy_wh: Decimal | None = None
    cell_energy_wh: Decimal | None = None
    lithium_content_g: Decimal | None = None
    cell_lithium_content_g: Decimal | None = None
    gross_mass_kg: Decimal | None = None
    damage_affects_battery_safety: bool | None = None
    transport_unit_lithium_kg: Decimal | None = None


# ------------------------------------------------------------------------------------------------ inputs
def check_transport_inputs(
    *,
    chemistry: object,
    configuration: object,
    condition: object,
    date: object,
    energy_wh: object,
    cell_energy_wh: object,
    lithium_content_g: object,
    cell_lithium_content_g: object,
    gross_mass_kg: object,
    damage_affects_battery_safety: object,
    stage: object,
    transport_unit_lithium_kg: object,
    purpose: object,
    rules: AdrRules,
) -> tuple[TransportQuery, list[str]]:
    """Check every input; return the query and notes on inputs that were ignored. Raise all problems at once.

    Raises:
        ClassificationInputError: Every bad, missing or contradictory input, each with its field and reason.
    """
    p = Problems()
    notes: list[str] = []
    chem = _check_chemistry(chemistry, p)
    config = check_choice(
        configuration,
        "configuration",
        p,
        choices=CONFIGURATIONS,
        aliases=_CONFIGURATION_ALIASES,
        required_reason=(
            "required: how the battery travels: alone (on its own), packed_with_equipment, contained_in_equipment "
            "or installed_in_vehicle; it decides the UN number (e.g. UN 3480, 3481 or 3556)"
        ),
    )
    cond = check_choice(
        condition,
        "condition",
        p,
        choices=CONDITIONS,
        aliases=_CONDITION_ALIASES,
        required_reason=(
            "required: intact, damaged_stable or critically_damaged, as assessed by the manufacturer or a technical "
            "expert (SP 376); a battery that cannot be diagnosed before carriage counts as damaged"
        ),
        hint="critically_damaged means liable to react dangerously (flame, heat, gas) under normal carriage",
    )
    day = check_date(
        date,
        "date",
        p,
        required_reason="required: the date of carriage (ISO 8601, e.g. 2026-03-15); it decides the ADR edition",
    )
    stg = check_choice(
        stage,
        "stage",
        p,
        choices=STAGES,
        hint="collection_to_intermediate_facility is the first leg from collection to the intermediate processing "
        "facility (SP 636)",
    )
    purp = check_choice(
        purpose,
        "purpose",
        p,
        choices=PURPOSES,
        hint="batteries carried for reuse or repair are not waste; this calculator covers carriage for recycling or "
        "disposal",
    )
    energy = check_decimal(
        energy_wh, "energy_wh", p, unit="Wh", what="the battery's rated energy; an 85 kWh pack is 85000 Wh"
    )
    cell_energy = check_decimal(cell_energy_wh, "cell_energy_wh", p, unit="Wh", what="the rated energy of one cell")
    lithium = check_decimal(
        lithium_content_g, "lithium_content_g", p, unit="g", what="the lithium metal content of one battery"
    )
    cell_lithium = check_decimal(
        cell_lithium_content_g, "cell_lithium_content_g", p, unit="g", what="the lithium metal content of one cell"
    )
    gross = check_decimal(gross_mass_kg, "gross_mass_kg", p, unit="kg", what="the mass of one battery")
    unit_kg = check_decimal(
        transport_unit_lithium_kg,
        "transport_unit_lithium_kg",
        p,
        unit="kg",
        what="the mass of all lithium cells and batteries on the transport unit",
        allow_zero=True,
    )
    damage = damage_affects_battery_safety if isinstance(damage_affects_battery_safety, bool) else None
    if damage_affects_battery_safety is not None and damage is None:
        p.add("damage_affects_battery_safety", f"must be true or false; got {damage_affects_battery_safety!r}")
    if chem and config and cond and day is not None and not p.items:
        _check_combination(
            p,
            notes,
            chem=chem,
            config=config,
            cond=cond,
            energy=energy,
            cell_energy=cell_energy,
            lithium=lithium,
            cell_lithium=cell_lithium,
            gross=gross,
            damage=damage,
            stage=stg,
            unit_kg=unit_kg,
            rules=rules,
        )
    p.raise_if_any()
    # every absence was a problem above
    assert chem
    assert config
    assert cond
    assert day is not None
    return (
        TransportQuery(
            chemistry=chem,
            configuration=config,
            condition=cond,
            date=day,
            purpose=purp or DEFAULT_PURPOSE,
            stage=stg or DEFAULT_STAGE,
            energy_wh=energy,
            cell_energy_wh=cell_energy,
            lithium_content_g=lithium,
            cell_lithium_content_g=cell_lithium,
            gross_mass_kg=gross,
            damage_affects_battery_safety=damage,
            transport_unit_lithium_kg=unit_kg,
        ),
        notes,
    )


def _check_chemistry(value: object, p: Problems) -> str | None:
    if isinstance(value, str) and normalize_choice(value) not in (*CHEMISTRIES, *_CHEMISTRY_ALIASES):
        if normalize_choice(value) in _NOT_COVERED:
            p.add(
                "chemistry",
                f"{value!r} batteries are not covered: this calculator classifies lithium ion, lithium metal and "
                "sodium ion batteries (give lithium_ion, lithium_metal or sodium_ion)",
            )
            return None
        hint = cathode_chemistry_hint(value)
        if hint is not None:
            p.add("chemistry", f"{hint} (one of {', '.join(CHEMISTRIES)})")
            return None
    return check_choice(
        value,
        "chemistry",
        p,
        choices=CHEMISTRIES,
        aliases=_CHEMISTRY_ALIASES,
        required_reason="required: lithium_ion, lithium_metal or sodium_ion; it decides the UN number",
        hint="lithium ion polymer batteries are lithium_ion",
    )


def _check_combination(
    p: Problems,
    notes: list[str],
    *,
    chem: str,
    config: str,
    cond: str,
    energy: Decimal | None,
    cell_energy: Decimal | None,
    lithium: Decimal | None,
    cell_lithium: Decimal | None,
    gross: Decimal | None,
    damage: bool | None,
    stage: str | None,
    unit_kg: Decimal | None,
    rules: AdrRules,
) -> None:
    """Which inputs each case needs, and inputs that contradict each other."""
    vehicle = config == "installed_in_vehicle"
    by_energy = rules.chemistries[chem].size == "energy"
    if by_energy and (lithium is not None or cell_lithium is not None):
        name = "lithium_content_g" if lithium is not None else "cell_lithium_content_g"
        p.add(name, f"applies to lithium metal batteries only; {chem} batteries are classified by energy_wh")
    if not by_energy and not vehicle and lithium is None:
        p.add(
            "lithium_content_g",
            "required for lithium metal batteries: the lithium content of one battery [g]; it decides whether the "
            f"battery is small (<= {format_number(rules.threshold('small_battery_max_lithium_g'))} g, rows D1/D2)",
        )
    if by_energy and not vehicle and energy is None:
        p.add(
            "energy_wh",
            f"required for {chem} batteries (unless installed_in_vehicle): the rated energy of one battery [Wh] "
            f"(V x Ah; an 85 kWh pack is 85000 Wh); it decides whether the battery is small "
            f"(<= {format_number(rules.threshold('small_battery_max_wh'))} Wh, rows D1/D2)",
        )
    if by_energy and energy is not None and cell_energy is not None and cell_energy > energy:
        p.add(
            "cell_energy_wh",
            f"a cell cannot hold more energy than its battery: {format_number(cell_energy)} Wh > energy_wh "
            f"{format_number(energy)} Wh; check the units (both in Wh)",
        )
    if not by_energy and lithium is not None and cell_lithium is not None and cell_lithium > lithium:
        p.add(
            "cell_lithium_content_g",
            f"a cell cannot hold more lithium than its battery: {format_number(cell_lithium)} g > lithium_content_g "
            f"{format_number(lithium)} g",
        )
    if vehicle:
        if cond == "damaged_stable" and damage is None:
            p.add(
                "damage_affects_battery_safety",
                "required for a damaged vehicle (SP 667): does the damage significantly affect the battery's "
                "safety? true: the battery must be removed first; false: the vehicle is carried as intact (SP 666)",
            )
        if cond == "critically_damaged" and damage is False:
            p.add(
                "damage_affects_battery_safety",
                "contradicts condition critically_damaged: a critically damaged battery is a significant effect on "
                "battery safety (SP 667); give true, or correct the condition",
            )
        if energy is not None or cell_energy is not None or lithium is not None:
            notes.append("Battery energy and lithium content are not used for a vehicle (SP 388, 666 do not use them).")
    elif damage is True:
        p.add(
            "damage_affects_battery_safety",
            "applies to batteries installed in vehicles (SP 667); for a battery on its own or in equipment give its "
            "condition: damaged_stable or critically_damaged",
        )
    if not by_energy and (energy is not None or cell_energy is not None):
        notes.append("energy_wh is not used for lithium metal batteries: their size is their lithium content (D10).")
    if not vehicle and damage is False:
        notes.append("damage_affects_battery_safety is used for vehicles only (SP 667); ignored.")
    needs_size = cond == "intact" and config in ("alone", "packed_with_equipment")
    if needs_size and not p.items:
        small = is_small(rules, chem, energy, cell_energy, lithium, cell_lithium)
        if small is None and not _sp636_by_mass(rules, chem, config, stage, gross, unit_kg):
            name, unit, limit, size_name = (
                ("cell_energy_wh", "Wh", rules.threshold("small_cell_max_wh"), "energy")
                if by_energy
                else ("cell_lithium_content_g", "g", rules.threshold("small_cell_max_lithium_g"), "lithium content")
            )
            p.add(
                name,
                f"required for an intact battery of this size: its {size_name} is within the small-battery limit, "
                f"so whether each cell is <= {format_number(limit)} {unit} decides between row D2 (P909(2)) and "
                "rows D3/D4",
            )
        elif small is False and config == "alone" and gross is None:
            p.add(
                "gross_mass_kg",
                "required for an intact battery above the small-battery limit carried on its own: the mass of one "
                f"battery [kg]; it decides between P909(1) (below "
                f"{format_number(rules.threshold('strong_casing_min_gross_mass_kg'))} kg, row D3) and P909(4) or "
                "LP903 (row D4), and SP 636 for collected batteries of "
                f"<= {format_number(rules.threshold('sp636_max_gross_mass_kg'))} kg",
            )


def _sp636_by_mass(
    rules: AdrRules, chem: str, config: str, stage: str | None, gross: Decimal | None, unit_kg: Decimal | None
) -> bool:
    """Whether SP 636 applies by gross mass alone (<= 500 g each), so the battery's size need not be known."""
    return (
        rules.chemistries[chem].sp636_applies
        and config == "alone"
        and stage == "collection_to_intermediate_facility"
        and gross is not None
        and gross <= rules.threshold("sp636_max_gross_mass_kg")
        and (unit_kg is None or unit_kg <= rules.threshold("sp636_transport_unit_max_kg"))
    )


def is_small(
    rules: AdrRules,
    chem: str,
    energy: Decimal | None,
    cell_energy: Decimal | None,
    lithium: Decimal | None,
    cell_lithium: Decimal | None,
) -> bool | None:
    """Whether a battery is small (SP 188 size: battery and cells within the limits).

    Returns:
        ``None`` when only the cells' size, which was not given, would decide.
    """
    if rules.chemistries[chem].size == "energy":
        battery, cell = energy, cell_energy
        battery_max, cell_max = rules.threshold("small_battery_max_wh"), rules.threshold("small_cell_max_wh")
    else:
        battery, cell = lithium, cell_lithium
        battery_max = rules.threshold("small_battery_max_lithium_g")
        cell_max = rules.threshold("small_cell_max_lithium_g")
    if battery is None or battery > battery_max:
        return False if battery is not None else None
    if cell is None:
        return True if battery <= cell_max else None  # no cell holds more than its battery
    return cell <= cell_max


# ----------------------------------------------------------------------------------------------- editions
def edition_notes(rules: AdrRules, day: dt.date, chem: ChemistryRules, vehicle: bool) -> tuple[list[str], list[str]]:
    """Return notes on the edition applying on ``day`` and the unverified rules they rest on.

    Raises:
        InvalidInputError: ``field="date"`` before the implemented edition applies (the reason names the edition).
    """
    current = rules.edition
    if day < current.applies_from:
        earlier = [e for e in rules.editions if e.applies_from <= day]
        if earlier:
            in_force = earlier[-1]
            until = current.applies_from - dt.timedelta(days=1)
            what = f"{in_force.name} applies to carriage on {day.isoformat()} (from {in_force.applies_from}"
            what += f" to {until})"
        else:
            what = f"an edition before {rules.editions[0].name} applies to carriage on {day.isoformat()}"
        raise InvalidInputError(
            f"{what}; this calculator holds the {current.name} rules only, which apply from "
            f"{current.applies_from}: classify this carriage under the edition then in force (for example, "
            "lithium-powered vehicles were UN 3171 before ADR 2025)",
            field="date",
        )
    notes = [f"{current.name} applies to carriage on {day.isoformat()} (from {current.applies_from})."]
    assumptions: list[str] = []
    if day <= current.previous_usable_until:
        previous = rules.editions[rules.editions.index(current) - 1]
        notes.append(
            f"Transitional: {previous.name} may still be applied until {current.previous_usable_until} "
            f"(ADR 1.6.1.1); this result follows {current.name}."
        )
        assumptions.append(f"{previous.name} usable until {current.previous_usable_until}: {current.status}.")
        legacy = chem.legacy_vehicle
        if vehicle and legacy is not None and legacy.usable_until is not None and day <= legacy.usable_until:
            notes.append(
                f"Until {legacy.usable_until} a {chem.label} powered vehicle may still be carried as UN {legacy.un} "
                f"{legacy.name} (SP 388); from {legacy.usable_until + dt.timedelta(days=1)}"
                f" only UN {chem.vehicle.un}."
            )
    upcoming = rules.next_edition
    if day >= upcoming.applies_from:
        notes.append(
            f"{upcoming.name} is expected to apply from {upcoming.applies_from} and {current.name} to be usable until "
            f"{upcoming.previous_usable_until}; this result follows {current.name}: check the edition in force."
        )
        assumptions.append(f"{upcoming.name} expected from {upcoming.applies_from}: {upcoming.status}.")
    return notes, assumptions
