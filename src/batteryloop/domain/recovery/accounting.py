"""Recycling efficiency and material recovery of one lot through its recycling chain (rule set RS-A), exactly.

A lot enters the first recycler's facility; its outputs are input-derived fractions, each with a fate. An
``intermediate`` output sent ``to_facility`` F (black mass to a refinery) counts for nothing by itself; the outputs
listed with ``facility`` F are what F made of it (already attributed to this lot), and they count where recycled.

- Recycling efficiency (Art. 3(60), RS-A2..A6) = sum of counted output mass / input mass. The input mass is the lot's
  mass, less its water with ``input_excludes_water``, less the pack periphery unless ``input_includes_pack_periphery``
  (outputs marked ``periphery`` then count for nothing), less ``excluded_substances`` (RS-A6: removed from input and
  counted outputs alike). A counted output's mass is its input-derived mass: ``reagent_kg`` (added reagents and
  fluxes) is never counted, nor its ``water_kg`` when water is excluded from the input.
- Material recovery of x in Co, Cu, Pb, Li, Ni (RS-A7) = mass of x in counted outputs that recover x / mass of x in
  the input; ``None`` (not applicable) when the input holds none. An output that lists ``recovered_elements``
  recovers only those (slag sold as aggregate counts for efficiency and recovers no lithium); without the list it
  recovers every element it carries.
- Mass balance per facility and per element: outputs above the facility's input beyond ``mass_balance_tolerance``,
  and any counted mass above the input, are data-integrity errors naming the outputs (RS-A8: a rate above 100 %).

All arithmetic is :class:`~decimal.Decimal`; rates are compared unrounded and inclusively with the targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final

from batteryloop.domain.recovery.routedata import SYMBOL
from batteryloop.domain.recovery.targets import (
    BATTERY_GROUPS,
    EFFECTIVE_RULES,
    FATES,
    RECOVERY_ELEMENTS,
    fate_of_code,
)
from batteryloop.domain.transport.errors import (
    ClassificationInputError,
    Problems,
    check_choice,
    check_decimal,
)

ZERO: Final = Decimal(0)
DEFAULT_TOLERANCE: Final = Decimal("0.005")
FIRST: Final = ""  # the first recycler's facility when outputs name none
MAX_NAME: Final = 200
MAX_MASS: Final = Decimal(100_000_000)  # 100,000 t: more is a unit error, not a lot


class MassBalanceError(ClassificationInputError):
    """Outputs exceed what went in: a data-integrity error naming the outputs (``problems``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """The open points of the law as named options with their documented defaults (RS-A2, A6, A9)."""

    input_excludes_water: bool = False
    input_includes_pack_periphery: bool = True
    excluded_substances: frozenset[str] = frozenset()
    target_effective_rule: str = "period_end_on_or_after_deadline"
    mass_balance_tolerance: Decimal = DEFAULT_TOLERANCE


@dataclass(frozen=True, slots=True, kw_only=True)
class LotInput:
    """The waste batteries entering the first recycler: mass, element masses, water and pack periphery [kg]."""

    mass_kg: Decimal
    elements_kg: Mapping[str, Decimal]
    water_kg: Decimal | None = None
    pack_periphery_kg: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """One output fraction of a facility of the chain, its input-derived mass, fate and element content [kg]."""

    name: str
    facility: str
    mass_kg: Decimal
    fate: str
    rd_code: str | None = None
    to_facility: str | None = None
    elements_kg: Mapping[str, Decimal] | None = None
    recovered_elements: frozenset[str] | None = None
    reagent_kg: Decimal = ZERO
    water_kg: Decimal = ZERO
    periphery: bool = False

    @property
    def derived_kg(self) -> Decimal:
        """The input-derived mass: the output less what added reagents and fluxes put in it."""
        return self.mass_kg - self.reagent_kg


@dataclass(frozen=True, slots=True, kw_only=True)
class Lot:
    """A checked lot: battery group, reporting period end, input, outputs of every facility, options."""

    battery_group: str
    period_end: date
    input: LotInput
    outputs: tuple[Output, ...]
    options: Options = field(default_factory=Options)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetCheck:
    """One dated target with whether it applies to the period and whether the rate meets it (None: n/a)."""

    metric: str
    element: str | None
    target: Decimal
    deadline: date
    applies: bool
    met: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FacilityBalance:
    """Mass balance of one facility: input, outputs, counted and residual mass; per element (input, output)."""

    facility: str
    input_kg: Decimal
    outputs_kg: Decimal
    counted_kg: Decimal
    residual_kg: Decimal
    elements: Mapping[str, tuple[Decimal, Decimal]]  # element -> (input kg, output kg)


@dataclass(frozen=True, slots=True, kw_only=True)
class Recovery:
    """The rates (exact fractions), their numerators and denominators, targets, balances and reasons."""

    recycling_efficiency: Decimal
    material_recovery: Mapping[str, Decimal | None]
    input_kg: Decimal  # the denominator of the efficiency
    counted_kg: Decimal  # its numerator
    element_input_kg: Mapping[str, Decimal]
    element_counted_kg: Mapping[str, Decimal]
    targets: tuple[TargetCheck, ...]
    balances: tuple[FacilityBalance, ...]
    reasons: tuple[str, ...]


# ------------------------------------------------------------------------------------------ checking raw input
def _elements(raw: object, where: str, p: Problems) -> dict[str, Decimal] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        p.add(where, 'must be an object of element symbols to kg, e.g. {"Li": 12.5}')
        return None
    out = {}
    for symbol, value in raw.items():
        if not isinstance(symbol, str) or not SYMBOL.match(symbol):
            p.add(f"{where}.{symbol}", "is not an element symbol (one capital letter, optionally one small: Li, Co)")
            continue
        number = check_decimal(value, f"{where}.{symbol}", p, unit="kg", what=f"mass of {symbol}", allow_zero=True)
        if number is not None:
            out[symbol] = number
    return out


def _bool(raw: Mapping[str, Any], key: str, where: str, default: bool, p: Problems) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        p.add(f"{where}.{key}", f"must be true or false; got {value!r}")
        return default
    return value


def _options(raw: object, p: Problems) -> Options:
    if raw is None:
        return Options()
    if not isinstance(raw, Mapping):
        p.add("options", "must be an object of named options")
        return Options()
    known = {
        "input_excludes_water",
        "input_includes_pack_periphery",
        "excluded_substances",
        "target_effective_rule",
        "mass_balance_tolerance",
    }
    for name in sorted(set(raw) - known):
        p.add(f"options.{name}", f"unknown option; known: {', '.join(sorted(known))}")
    substances = raw.get("excluded_substances") or []
    if not isinstance(substances, list) or not all(isinstance(s, str) and SYMBOL.match(s) for s in substances):
        p.add("options.excluded_substances", 'must be a list of element symbols, e.g. ["C", "P"]')
        substances = []
    if set(substances) & set(RECOVERY_ELEMENTS):
        p.add(
            "options.excluded_substances",
            f"cannot exclude an element with a recovery target ({', '.join(RECOVERY_ELEMENTS)})",
        )
    rule = check_choice(raw.get("target_effective_rule"), "options.target_effective_rule", p, choices=EFFECTIVE_RULES)
    tolerance = raw.get("mass_balance_tolerance")
    tol = DEFAULT_TOLERANCE
    if tolerance is not None:
        checked = check_decimal(
            tolerance,
            "options.mass_balance_tolerance",
            p,
            unit="(fraction)",
            what="relative mass-balance tolerance",
            allow_zero=True,
        )
        if checked is not None and checked > Decimal("0.2"):
            p.add("options.mass_balance_tolerance", "must be at most 0.2 (20 % of the input)")
        tol = checked if checked is not None else tol
    return Options(
        input_excludes_water=_bool(raw, "input_excludes_water", "options", False, p),
        input_includes_pack_periphery=_bool(raw, "input_includes_pack_periphery", "options", True, p),
        excluded_substances=frozenset(substances),
        target_effective_rule=rule or "period_end_on_or_after_deadline",
        mass_balance_tolerance=tol,
    )


def _output(raw: object, i: int, p: Problems) -> Output | None:
    where = f"outputs[{i}]"
    if not isinstance(raw, Mapping):
        p.add(where, "must be an object with name, mass_kg and fate or rd_code")
        return None
    known = {
        "name",
        "facility",
        "to_facility",
        "mass_kg",
        "fate",
        "rd_code",
        "elements_kg",
        "recovered_elements",
        "reagent_kg",
        "water_kg",
        "periphery",
    }
    for name in sorted(set(raw) - known):
        p.add(f"{where}.{name}", f"unknown field; known: {', '.join(sorted(known))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        p.add(f"{where}.name", "is required: what the fraction is, e.g. black mass, Li2CO3, slag")
    elif len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        p.add(f"{where}.name", f"at most {MAX_NAME} characters, without control characters")
    mass = check_decimal(
        raw.get("mass_kg"), f"{where}.mass_kg", p, unit="kg", what="the output's mass", allow_zero=True
    )
    if raw.get("mass_kg") is None:
        p.add(f"{where}.mass_kg", "is required: the output's mass [kg]")
    elif mass is not None and mass > MAX_MASS:
        p.add(f"{where}.mass_kg", f"at most {MAX_MASS:,} kg for one output of a lot; check the unit")
    fate = check_choice(raw.get("fate"), f"{where}.fate", p, choices=FATES)
    code = raw.get("rd_code")
    by_code = None
    if code is not None:
        code = code.strip().upper().replace(" ", "") if isinstance(code, str) else code
        by_code = fate_of_code(code) if isinstance(code, str) else None
        ambiguous = code in ("R10", "R11")
        if by_code is None and not (ambiguous and fate is not None):
            p.add(f"{where}.rd_code", f"{code!r} is not an R1-R13 or D1-D15 code (with R10 or R11 give fate too)")
    if fate is None and by_code is None and raw.get("fate") is None and code is None:
        p.add(f"{where}.fate", f"give fate ({', '.join(FATES)}) or rd_code")
    if fate and by_code and fate != by_code and not (fate == "backfilling" and code == "R5"):
        p.add(f"{where}.fate", f"{fate} contradicts rd_code {code} ({by_code})")
    elements = _elements(raw.get("elements_kg"), f"{where}.elements_kg", p)
    recovered = raw.get("recovered_elements")
    if recovered is not None and (
        not isinstance(recovered, list) or not all(isinstance(s, str) and SYMBOL.match(s) for s in recovered)
    ):
        p.add(f"{where}.recovered_elements", 'must be a list of element symbols, e.g. ["Co", "Ni"]')
        recovered = None
    if recovered and elements is None:
        p.add(f"{where}.elements_kg", "is required with recovered_elements: how much of each element the output holds")
    reagent = check_decimal(
        raw.get("reagent_kg"), f"{where}.reagent_kg", p, unit="kg", what="mass from added reagents", allow_zero=True
    )
    water = check_decimal(
        raw.get("water_kg"), f"{where}.water_kg", p, unit="kg", what="water in the output", allow_zero=True
    )
    if mass is not None and reagent is not None and reagent > mass:
        p.add(f"{where}.reagent_kg", "cannot exceed the output's mass")
    if mass is not None and elements and sum(elements.values(), ZERO) > mass:
        p.add(f"{where}.elements_kg", "the elements add up to more than the output's mass")
    facility = raw.get("facility")
    to_facility = raw.get("to_facility")
    for key, value in (("facility", facility), ("to_facility", to_facility)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            p.add(f"{where}.{key}", "must be a facility's name or code")
    resolved = fate or by_code
    if to_facility is not None and resolved != "intermediate":
        p.add(f"{where}.to_facility", "only an intermediate fraction is sent on to another facility")
    periphery = raw.get("periphery", False)
    if not isinstance(periphery, bool):
        p.add(f"{where}.periphery", "must be true or false")
    if not isinstance(name, str) or mass is None or resolved is None:
        return None
    return Output(
        name=name.strip(),
        facility=str(facility or FIRST).strip(),
        mass_kg=mass,
        fate=resolved,
        rd_code=code if isinstance(code, str) else None,
        to_facility=to_facility.strip() if isinstance(to_facility, str) else None,
        elements_kg=elements,
        recovered_elements=frozenset(recovered) if recovered is not None else None,
        reagent_kg=reagent or ZERO,
        water_kg=water or ZERO,
        periphery=periphery is True,
    )


def check_lot(raw: Mapping[str, Any]) -> Lot:
    """Check a raw lot (the ``recovery`` calculator's input) and return it; every problem is listed."""
    p = Problems()
    group = check_choice(
        raw.get("battery_group"),
        "battery_group",
        p,
        choices=BATTERY_GROUPS,
        required_reason=f"is required: one of {', '.join(BATTERY_GROUPS)}",
    )
    period_end = None
    text = raw.get("period_end")
    if text is None:
        p.add("period_end", "is required: the last day of the reporting period, e.g. 2027-12-31")
    else:
        try:
            period_end = date.fromisoformat(str(text))
        except ValueError:
            p.add("period_end", f"must be a date YYYY-MM-DD; got {text!r}")
    options = _options(raw.get("options"), p)
    lot_in = raw.get("input")
    lot_input = None
    if not isinstance(lot_in, Mapping):
        p.add("input", "is required: {mass_kg, elements_kg, water_kg?, pack_periphery_kg?}")
    else:
        for name in sorted(set(lot_in) - {"mass_kg", "elements_kg", "water_kg", "pack_periphery_kg"}):
            p.add(f"input.{name}", "unknown field; known: mass_kg, elements_kg, water_kg, pack_periphery_kg")
        mass = check_decimal(lot_in.get("mass_kg"), "input.mass_kg", p, unit="kg", what="the lot's mass")
        if lot_in.get("mass_kg") is None:
            p.add("input.mass_kg", "is required: the mass of the waste batteries entering the process [kg]")
        elements = _elements(lot_in.get("elements_kg"), "input.elements_kg", p) or {}
        water = check_decimal(
            lot_in.get("water_kg"), "input.water_kg", p, unit="kg", what="water in the lot", allow_zero=True
        )
        periphery = check_decimal(
            lot_in.get("pack_periphery_kg"),
            "input.pack_periphery_kg",
            p,
            unit="kg",
            what="pack casing, cables and electronics",
            allow_zero=True,
        )
        if options.input_excludes_water and water is None and not p.has("input.water_kg"):
            p.add("input.water_kg", "is required with input_excludes_water: the lot's water content [kg]")
        if not options.input_includes_pack_periphery and periphery is None and not p.has("input.pack_periphery_kg"):
            p.add("input.pack_periphery_kg", "is required when the input excludes the pack periphery [kg]")
        if mass is not None and sum(elements.values(), ZERO) + (water or ZERO) > mass:
            p.add("input.elements_kg", "the elements (and water) add up to more than the lot's mass")
        for s in sorted(options.excluded_substances):
            if s not in elements:
                p.add(f"input.elements_kg.{s}", f"is required to exclude {s} (options.excluded_substances)")
        if mass is not None:
            lot_input = LotInput(mass_kg=mass, elements_kg=elements, water_kg=water, pack_periphery_kg=periphery)
    raw_outputs = raw.get("outputs")
    outputs: list[Output] = []
    positions: list[int] = []  # each checked output's index in the raw list
    if not isinstance(raw_outputs, list) or not raw_outputs:
        p.add("outputs", "is required: a list of the output fractions")
    else:
        for i, item in enumerate(raw_outputs):
            out = _output(item, i, p)
            if out is not None:
                outputs.append(out)
                positions.append(i)
                if options.excluded_substances and out.fate == "recycled" and out.elements_kg is None:
                    p.add(f"outputs[{i}].elements_kg", "is required to remove the excluded substances from it")
    named: dict[tuple[str, str], int] = {}
    for i, out in zip(positions, outputs, strict=True):
        if (out.facility, out.name) in named:
            p.add(f"outputs[{i}].name", f"another output of the same facility is named {out.name!r}: name them apart")
        named[(out.facility, out.name)] = i
    p.raise_if_any()
    assert group is not None
    assert period_end is not None
    assert lot_input is not None
    return Lot(battery_group=group, period_end=period_end, input=lot_input, outputs=tuple(outputs), options=options)
