"""Classify a waste battery for carriage by road under ADR 2025, for recycling or disposal.

The decision follows the platform's decision table (regulation-rules.md §3.5, rows D1-D11), which is a reading
of the law, not the law: UN number and proper shipping name (§3.1), special provisions (§3.2), packing
instructions (§3.3) and the thresholds that decide the branch (§3.4). Every figure comes from
``data/transport/adr.toml`` with its source and status; a result names the row that decided it, cites the special
provisions and packing instructions in ``reasons`` and lists in ``assumptions`` the rules it relied on that are
not verified against the legal text (tagged [S] secondary or [U] unverified in the reference notes).

The rows, in the order they are tried:

- installed in a vehicle: D6 (UN 3556/3557/3558, SP 666, not subject to other provisions) unless the damage
  significantly affects the battery's safety, then D7 (remove the battery first, SP 667);
- critically damaged: D9 (SP 376, P911 or LP906); damaged but stable: D8 (SP 376, P908 or LP904);
- intact, collected and carried to the intermediate processing facility, each battery <= 500 g or small: D1
  (SP 636, not subject to other provisions, <= 333 kg per transport unit);
- intact in or with equipment: D5 (UN 3481, SP 377, P909); intact on its own: small D2 (P909(2)), below 12 kg D3
  (P909(1)), 12 kg or more D4 (P909(1), P909(4) or LP903).

Lithium metal batteries (row D10) and sodium-ion batteries (row D11) take the same branches with their own UN
numbers; ``branch_row`` names the Li-ion row followed.

References:
    UNECE, ADR 2025 (applicable from 1 January 2025), 3.3 (special provisions 188, 230, 376, 377, 388, 636, 666,
    667, 670), 4.1.4 (P903, P908-P911, LP903-LP906), 5.4.1.1.1 and 5.4.1.1.3 (transport document).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from batteryloop.domain.transport.adr_rules import AdrRules, ChemistryRules, UnEntry, get_adr_rules
from batteryloop.domain.transport.errors import Number, format_number
from batteryloop.domain.transport.inputs import (
    CHEMISTRIES,
    CONDITIONS,
    CONFIGURATIONS,
    PURPOSES,
    STAGES,
    TransportQuery,
    check_transport_inputs,
    edition_notes,
    is_small,
)

__all__ = [
    "CHEMISTRIES",
    "CONDITIONS",
    "CONFIGURATIONS",
    "PURPOSES",
    "STAGES",
    "TransportClassification",
    "TransportQuery",
    "classify_for_transport",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportClassification:
    """How a waste battery is carried by road: entry, provisions, packing, labels, marks and why.

    ``un_number`` is ``None`` where no UN entry is used (SP 636, row D1) or where the battery must first be
    removed from a vehicle (row D7, ``action``). ``packing_paragraphs`` gives, per packing instruction, the
    paragraphs allowed (empty: the instruction as a whole).
    """

    decision_row: str
    branch_row: str
    edition: str
    edition_notes: tuple[str, ...]
    un_number: str | None
    proper_shipping_name: str | None
    document_description: str | None
    transport_class: str | None
    special_provisions: tuple[str, ...]
    packing_instructions: tuple[str, ...]
    packing_paragraphs: Mapping[str, tuple[str, ...]]
    packing_details: tuple[str, ...]
    labels: tuple[str, ...]
    marks: tuple[str, ...]
    document_notes: tuple[str, ...]
    action: str | None
    not_subject_to_other_provisions: bool
    small: bool | None
    limits: Mapping[str, Decimal | bool | str | None]
    reasons: tuple[str, ...]
    assumptions: tuple[str, ...]
    inputs: TransportQuery


@dataclass(slots=True)
class _Draft:
    """A classification being built by the row functions."""

    rules: AdrRules
    query: TransportQuery
    chem: ChemistryRules
    edition_notes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    limits: dict[str, Decimal | bool | str | None] = field(default_factory=dict)

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)


# ------------------------------------------------------------------------------------------------ the rows
def classify_for_transport(
    *,
    chemistry: str | None,
    configuration: str | None,
    condition: str | None,
    date: dt.date | None,
    energy_wh: Number | None = None,
    cell_energy_wh: Number | None = None,
    lithium_content_g: Number | None = None,
    cell_lithium_content_g: Number | None = None,
    gross_mass_kg: Number | None = None,
    damage_affects_battery_safety: bool | None = None,
    stage: str | None = None,
    transport_unit_lithium_kg: Number | None = None,
    purpose: str | None = None,
) -> TransportClassification:
    """Classify a waste battery for carriage by road (ADR 2025) to recycling or disposal.

    Args:
        chemistry: ``lithium_ion``, ``lithium_metal`` or ``sodium_ion`` (organic electrolyte).
        configuration: ``alone``, ``packed_with_equipment``, ``contained_in_equipment`` or
            ``installed_in_vehicle``.
        condition: ``intact``, ``damaged_stable`` or ``critically_damaged`` (SP 376 assessment).
        date: Date of carriage; decides the edition (ADR 2025 from 2025-01-01; earlier dates are refused).
        energy_wh: Rated energy of one battery [Wh]; required for lithium ion and sodium ion unless in a vehicle.
        cell_energy_wh: Rated energy of one cell [Wh]; required when only it decides whether the battery is small.
        lithium_content_g: Lithium content of one lithium metal battery [g]; required for lithium metal.
        cell_lithium_content_g: Lithium content of one lithium metal cell [g]; as ``cell_energy_wh``.
        gross_mass_kg: Mass of one battery [kg]; required for an intact battery above the small size on its own.
        damage_affects_battery_safety: For a vehicle: whether its damage significantly affects the battery's
            safety (SP 667); required for a damaged (stable) vehicle battery.
        stage: ``collection_to_intermediate_facility`` or ``other`` (default): SP 636 applies to the first only.
        transport_unit_lithium_kg: Mass of all lithium cells and batteries on the transport unit [kg]; above
            333 kg SP 636 does not apply.
        purpose: ``recycling`` (default) or ``disposal``: the SP 377 / SP 636 package mark.

    Returns:
        The classification with the row that decided it, the provisions, packing, labels, marks and reasons.

    Raises:
        ClassificationInputError: Every bad, missing or contradictory input, each with its field and reason.
        InvalidInputError: ``field="date"`` for carriage before ADR 2025 applies (the reason names the edition).

    References:
        regulation-rules.md §3.1-§3.5 (decision table D1-D11); ADR 2025 3.3, 4.1.4, 5.4.1.1.
    """
    rules = get_adr_rules()
    query, notes = check_transport_inputs(
        chemistry=chemistry,
        configuration=configuration,
        condition=condition,
        date=date,
        energy_wh=energy_wh,
        cell_energy_wh=cell_energy_wh,
        lithium_content_g=lithium_content_g,
        cell_lithium_content_g=cell_lithium_content_g,
        gross_mass_kg=gross_mass_kg,
        damage_affects_battery_safety=damage_affects_battery_safety,
        stage=stage,
        transport_unit_lithium_kg=transport_unit_lithium_kg,
        purpose=purpose,
        rules=rules,
    )
    chem = rules.chemistries[query.chemistry]
    vehicle = query.configuration == "installed_in_vehicle"
    notes_on_edition, edition_assumptions = edition_notes(rules, query.date, chem, vehicle)
    draft = _Draft(rules=rules, query=query, chem=chem, edition_notes=tuple(notes_on_edition), notes=tuple(notes))
    for text in edition_assumptions:
        draft.assume(text)
    if chem.chemistry_row:
        draft.reasons.append(f"Row {chem.chemistry_row}: {rules.rows[chem.chemistry_row]}.")
    return _vehicle(draft) if vehicle else _battery(draft)


def _outcome(
    draft: _Draft,
    *,
    branch_row: str,
    entry: UnEntry | None,
    special_provisions: tuple[str, ...],
    packing: Mapping[str, tuple[str, ...]],
    packing_details: tuple[str, ...] = (),
    labels: tuple[str, ...] = (),
    marks: tuple[str, ...] = (),
    document_notes: tuple[str, ...] = (),
    action: str | None = None,
    not_subject: bool = False,
    document: bool = True,
    small: bool | None = None,
) -> TransportClassification:
    """Assemble the result of the row that decided (``branch_row``) from the draft's reasons and limits."""
    doc = draft.rules.document
    description = None
    if entry is not None and document:
        description = f"{doc.waste_prefix} UN {entry.un} {entry.name}, {doc.transport_class}"
    return TransportClassification(
        decision_row=draft.chem.chemistry_row or branch_row,
        branch_row=branch_row,
        edition=draft.rules.implemented_edition,
        edition_notes=draft.edition_notes,
        un_number=entry.un_number if entry else None,
        proper_shipping_name=entry.name if entry else None,
        document_description=description,
        transport_class=doc.transport_class if entry else None,
        special_provisions=special_provisions,
        packing_instructions=tuple(packing),
        packing_paragraphs=MappingProxyType(dict(packing)),
        packing_details=packing_details or _details(draft.rules, packing),
        labels=labels,
        marks=marks,
        document_notes=document_notes,
        action=action,
        not_subject_to_other_provisions=not_subject,
        small=small,
        limits=MappingProxyType(dict(draft.limits)),
        reasons=(*draft.reasons, *draft.notes),
        assumptions=tuple(draft.assumptions),
        inputs=draft.query,
    )


def _details(rules: AdrRules, packing: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    lines = []
    for code, paragraphs in packing.items():
        instruction = rules.packing_instructions[code]
        for number in paragraphs or tuple(instruction.paragraphs):
            label = f"{code}({number})" if number else code
            lines.append(f"{label}: {instruction.paragraphs[number]}")
    return tuple(lines)


def _sp(rules: AdrRules, number: str) -> str:
    return f"SP {number} ({rules.special_provisions[number].gist})"


def _vehicle(draft: _Draft) -> TransportClassification:
    """Rows D6 and D7: a battery installed in a vehicle (SP 388, 666, 667)."""
    rules, query, chem = draft.rules, draft.query, draft.chem
    entry = chem.vehicle
    if query.damage_affects_battery_safety is True or query.condition == "critically_damaged":
        why = (
            "the battery is critically damaged"
            if query.condition == "critically_damaged"
            else "the damage significantly affects the battery's safety"
        )
        draft.reasons += [
            f"Row D7: {rules.rows['D7']}; {why}.",
            f"{_sp(rules, '667')} ({rules.special_provisions['667'].status}).",
            "Record the decision and who assessed it.",
        ]
        action = (
            "Remove the battery from the vehicle and classify it on its own (configuration 'alone' with its "
            "condition: rows D8/D9, SP 376). If it cannot be removed safely or its state cannot be checked, the "
            f"vehicle may be towed or carried as in row D6 (UN {entry.un}, SP 666) under SP 667."
        )
        return _outcome(draft, branch_row="D7", entry=None, special_provisions=("667",), packing={}, action=action)
    provisions: tuple[str, ...] = ("388", "666")
    draft.reasons += [
        f"Row D6: {rules.rows['D6']}.",
        f"UN {entry.un} {entry.name}: {_sp(rules, '388')} ({entry.status}).",
        f"{_sp(rules, '666')}: no packing instruction, labels, marks or transport document.",
    ]
    if query.condition == "damaged_stable":
        provisions = (*provisions, "667")
        draft.reasons.append(
            "SP 667: the vehicle is damaged, but the damage has no significant effect on the battery's safety, so it "
            "is carried as an intact vehicle under SP 666."
        )
    return _outcome(
        draft, branch_row="D6", entry=entry, special_provisions=provisions, packing={}, not_subject=True, document=False
    )


def _battery(draft: _Draft) -> TransportClassification:
    """Rows D1-D5, D8, D9: a battery on its own, packed with or contained in equipment."""
    query, chem = draft.query, draft.chem
    entry = {
        "alone": chem.battery,
        "packed_with_equipment": chem.packed_with_equipment,
        "contained_in_equipment": chem.contained_in_equipment,
    }[query.configuration]
    small = is_small(
        draft.rules,
        query.chemistry,
        query.energy_wh,
        query.cell_energy_wh,
        query.lithium_content_g,
        query.cell_lithium_content_g,
    )
    if query.condition != "intact":
        return _damaged(draft, entry, small)
    if chem.chemistry_row == "D11":
        draft.assume("Li-ion Wh thresholds applied to sodium-ion batteries: [U] (regulation-rules.md §3.5 D11).")
    if query.stage == "collection_to_intermediate_facility":
        exempt = _sp636(draft, small)
        if exempt is not None:
            return exempt
    elif query.transport_unit_lithium_kg is not None:
        draft.reasons.append(
            "transport_unit_lithium_kg is used for SP 636 only, on the collection stage; ignored for stage 'other'."
        )
    return _sp377(draft, entry, small)


def _size_text(draft: _Draft, small: bool | None) -> str:
    """``"85000 Wh: not small (battery <= 100 Wh, cell <= 20 Wh, SP 188 size)"``."""
    rules, query = draft.rules, draft.query
    if draft.chem.size == "energy":
        battery, cell, unit = query.energy_wh, query.cell_energy_wh, "Wh"
        battery_max, cell_max = rules.threshold("small_battery_max_wh"), rules.threshold("small_cell_max_wh")
    else:
        battery, cell, unit = query.lithium_content_g, query.cell_lithium_content_g, "g"
        battery_max = rules.threshold("small_battery_max_lithium_g")
        cell_max = rules.threshold("small_cell_max_lithium_g")
    given = f"{format_number(battery)} {unit}" if battery is not None else "size not given"
    cells = f", cells {format_number(cell)} {unit}" if cell is not None else ""
    limit = f"battery <= {format_number(battery_max)} {unit}, cell <= {format_number(cell_max)} {unit}"
    verdict = {True: "small", False: "not small", None: "small or not depending on its cells (not given)"}[small]
    return f"{given}{cells}: {verdict} ({limit}, SP 188 size)"


def _damaged(draft: _Draft, entry: UnEntry, small: bool | None) -> TransportClassification:
    """Rows D8 (damaged or defective, stable) and D9 (critically damaged): SP 376."""
    rules, query, chem = draft.rules, draft.query, draft.chem
    doc = rules.document
    sp376 = rules.special_provisions["376"]
    draft.assume(f"SP 376 document statement {doc.sp376_note!r}: [U] wording (regulation-rules.md §3.5 D8).")
    draft.assume(f"Package mark {chem.damaged_mark!r}: {chem.damaged_mark_status}.")
    if query.condition == "critically_damaged":
        branch = "D9"
        packing: dict[str, tuple[str, ...]] = {"P911": (), "LP906": ()}
        details = (*_details(rules, packing), f"Alternative: {sp376.critical_alternative} (SP 376).")
        specific = (
            "Liable to react dangerously under normal conditions of carriage: P911 or LP906, "
            f"{sp376.critical_alternative}; the package keeps its outer surface <= 100 °C, no flame or projectiles "
            "outside, its structural integrity, and manages gas."
        )
    else:
        branch = "D8"
        packing = {"P908": (), "LP904": ()}
        details = _details(rules, packing)
        limit = rules.threshold("one_per_package_above_net_kg")
        draft.limits["one_battery_per_package_above_net_kg"] = limit
        specific = (
            "P908: each battery in its own inner packaging with thermal insulation; a battery of more than "
            f"{format_number(limit)} kg net goes alone in its outer packaging (or LP904, one per large packaging)."
        )
    draft.reasons += [
        f"Row {branch}: {rules.rows[branch]}.",
        f"UN {entry.un} {entry.name} ({entry.status}).",
        f"{_sp(rules, '376')} ({sp376.status}): SP 230 does not apply, nor SP 377 and P909 (intact batteries only).",
        specific,
        f"Packages labelled {doc.battery_label} and marked {chem.damaged_mark!r}; the transport document states "
        f"{doc.sp376_note!r}.",
    ]
    if query.stage == "collection_to_intermediate_facility":
        draft.reasons.append("SP 636 is not applied to damaged batteries (whether it disapplies SP 376 is [U]).")
    draft.reasons.append(_document_reason(draft))
    return _outcome(
        draft,
        branch_row=branch,
        entry=entry,
        special_provisions=("376",),
        packing=packing,
        packing_details=details,
        labels=(doc.battery_label,),
        marks=(chem.damaged_mark,),
        document_notes=(doc.sp376_note,),
        small=small,
    )


def _sp636(draft: _Draft, small: bool | None) -> TransportClassification | None:
    """Row D1, or ``None`` after saying in the reasons why SP 636 does not apply."""
    rules, query, chem = draft.rules, draft.query, draft.chem
    if not chem.sp636_applies:
        draft.reasons.append(f"SP 636 (row D1) is not applied to {chem.label} batteries ({chem.sp636_status}).")
        draft.assume(f"SP 636 not applied to {chem.label} batteries: {chem.sp636_status}.")
        return None
    if query.configuration != "alone":
        draft.reasons.append(
            "SP 636 (row D1) covers collected cells and batteries on their own; for equipment from households, check "
            f"{_sp(rules, '670')} first."
        )
        return None
    max_each = rules.threshold("sp636_max_gross_mass_kg")
    gross = query.gross_mass_kg
    light = gross is not None and gross <= max_each
    mass_text = f"{format_number(gross)} kg gross" if gross is not None else "gross mass not given"
    if not (small or light):
        draft.reasons.append(
            f"SP 636 (row D1) does not apply: {mass_text}, above {format_number(max_each)} kg, and "
            f"{_size_text(draft, small)}."
        )
        return None
    unit_max = rules.threshold("sp636_transport_unit_max_kg")
    unit_kg = query.transport_unit_lithium_kg
    exceeds = unit_kg is not None and unit_kg > unit_max
    draft.limits.update(
        {
            "sp636_transport_unit_max_kg": unit_max,
            "transport_unit_lithium_kg": unit_kg,
            "transport_unit_exceeds_sp636_limit": exceeds,
        }
    )
    if exceeds:
        draft.reasons.append(
            f"SP 636 (row D1) does not apply: {mass_text}, {_size_text(draft, small)}, but "
            f"{format_number(unit_kg or Decimal(0))} kg of lithium cells and batteries on the transport unit is "
            f"above {format_number(unit_max)} kg (SP 636 (ii))."
        )
        return None
    if not small:
        draft.assume(f"SP 636 by gross mass alone: {rules.thresholds['sp636_max_gross_mass_kg'].status}.")
    mark = chem.sp377_marks[query.purpose]
    given = f" (given: {format_number(unit_kg)} kg)" if unit_kg is not None else ""
    draft.limits["sp636_only_until"] = "the intermediate processing facility"
    draft.reasons += [
        f"Row D1: {rules.rows['D1']}.",
        f"SP 636 ({rules.special_provisions['636'].status}): collected for {query.purpose} and carried to the "
        f"intermediate processing facility; {mass_text}, {_size_text(draft, small)}.",
        "Conditions: packed per P909 except its additional requirements 1 and 2; a quality-assurance system keeps "
        f"<= {format_number(unit_max)} kg of lithium cells and batteries per transport unit{given}; packages marked "
        f"{mark!r}.",
        "No UN number, label or transport document. Only up to the intermediate processing facility; beyond it, "
        "classify with stage 'other'. ADR only (road).",
    ]
    return _outcome(
        draft,
        branch_row="D1",
        entry=None,
        special_provisions=("636",),
        packing={"P909": ()},
        packing_details=("P909 except its additional requirements 1 and 2 (SP 636 (i))",),
        marks=(mark,),
        not_subject=True,
        small=small,
    )


def _sp377(draft: _Draft, entry: UnEntry, small: bool | None) -> TransportClassification:
    """Rows D2-D5: intact batteries carried for recycling or disposal under SP 377 and P909."""
    rules, query, chem = draft.rules, draft.query, draft.chem
    doc = rules.document
    mark = chem.sp377_marks[query.purpose]
    strong = rules.threshold("strong_casing_min_gross_mass_kg")
    gross = query.gross_mass_kg
    packing: dict[str, tuple[str, ...]]
    if query.configuration == "contained_in_equipment":
        branch, packing = "D5", {"P909": ("3",)}
        extra = [
            "P909(3): equipment containing batteries in strong outer packagings, or unpackaged or on pallets where the "
            "equipment protects the batteries equally.",
            f"Household equipment collected for depollution, dismantling or recycling: check {_sp(rules, '670')} "
            "first (ADR only).",
        ]
    elif query.configuration == "packed_with_equipment":
        branch, packing = "D5", {"P909": ("2", "1") if small else ("1",)}
        extra = [
            f"The batteries are packed per P909({packing['P909'][0]}) as batteries on their own: "
            f"{_size_text(draft, small)}."
        ]
        draft.assume(
            "[U] batteries packed with equipment are packed per P909(1)/(2) as batteries on their own; P909(3) is "
            "for equipment containing batteries (platform reading of regulation-rules.md §3.3)."
        )
    elif small:
        branch, packing = "D2", {"P909": ("2", "1")}
        package_max = rules.threshold("p909_small_package_max_gross_kg")
        draft.limits["p909_2_package_max_gross_kg"] = package_max
        extra = [
            f"Battery {_size_text(draft, small)}: P909(2), a strong outer packaging of not more than "
            f"{format_number(package_max)} kg gross; heavier packages: P909(1).",
            "SP 188 (small batteries) could relieve further only for UN 38.3-tested types; not assumed for waste.",
        ]
    elif gross is not None and gross >= strong:
        branch, packing = "D4", {"P909": ("1", "4"), "LP903": ()}
        draft.limits["strong_casing_min_gross_mass_kg"] = strong
        draft.assume(
            f"P909(4) for a battery of >= 12 kg gross: {rules.thresholds['strong_casing_min_gross_mass_kg'].status}."
        )
        extra = [
            f"Battery {_size_text(draft, small)}; {format_number(gross)} kg >= {format_number(strong)} kg gross: "
            "with a strong, impact-resistant casing (EV modules and packs) P909(4) strong outer packagings [U] or "
            "LP903 (one battery per large packaging, PG II), besides P909(1).",
            "With a UN 38.3 test summary, P903(2) (crate or pallet) is also possible outside SP 377.",
        ]
    else:
        branch, packing = "D3", {"P909": ("1",)}
        mass = f"; {format_number(gross)} kg < {format_number(strong)} kg gross" if gross is not None else ""
        extra = [f"Battery {_size_text(draft, small)}{mass}: P909(1), PG II drums, boxes or jerricans."]
    draft.assume(f"Package mark {mark!r}: {chem.sp377_status}.")
    draft.reasons += [
        f"Row {branch}: {rules.rows[branch]}.",
        f"UN {entry.un} {entry.name} ({entry.status}).",
        f"{_sp(rules, '377')}: carried for {query.purpose}, intact; packages marked {mark!r} and labelled "
        f"{doc.battery_label}.",
        *extra,
        _document_reason(draft),
    ]
    return _outcome(
        draft,
        branch_row=branch,
        entry=entry,
        special_provisions=("377",),
        packing=packing,
        labels=(doc.battery_label,),
        marks=(mark,),
        small=small,
    )


def _document_reason(draft: _Draft) -> str:
    doc = draft.rules.document
    draft.assume(
        "Tunnel restriction code: [U] (the e-book gives (E) for UN 3480); not printed in document_description, check "
        "ADR Table A column (15)."
    )
    return (
        f"Transport document: {doc.waste_prefix!r} precedes the UN number for waste carried for "
        f"{draft.query.purpose} (ADR 5.4.1.1.3); the class is {doc.transport_class!r}, not "
        f"{doc.battery_label!r} (5.4.1.1.1(c))."
    )
