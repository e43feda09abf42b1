"""Calculator ``recovery``: recycling efficiency and material recovery of a lot through its recycling chain (RS-A).

Contract (partners' scripts rely on it):

- in: ``battery_group`` (lead_acid | nickel_cadmium | lithium_based | other), ``period_end`` (YYYY-MM-DD),
  ``input`` ({``mass_kg``, ``elements_kg``, ``water_kg``?, ``pack_periphery_kg``?}), ``outputs``
  ([{``name``, ``facility``?, ``mass_kg``, ``fate`` or ``rd_code``, ``elements_kg``?, ``recovered_elements``?,
  ``to_facility``? (intermediates), ``reagent_kg``?, ``water_kg``?, ``periphery``?}]) and ``options``
  ({``input_excludes_water`` (false), ``input_includes_pack_periphery`` (true), ``excluded_substances`` ([]),
  ``target_effective_rule`` (period_end_on_or_after_deadline | following_year), ``mass_balance_tolerance``
  (0.005)}).
- out: ``recycling_efficiency`` (fraction in [0, 1]), ``material_recovery`` ({Co, Cu, Pb, Li, Ni}: fraction or null
  when the input holds none), ``targets`` ([{metric, element, target, deadline, applies, met}], every target of the
  group), ``mass_balance`` (denominator and numerator, per element, per facility), ``display`` (percentages rounded
  half-up to 2 decimals, for display only), ``exact`` (the rates as decimal strings), ``options`` and ``reasons``.

Rates are computed in :class:`~decimal.Decimal` and compared with the targets unrounded; the JSON numbers are the
nearest binary floats of the exact values.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import Field

from batteryloop.domain.recovery import BATTERY_GROUPS, RECOVERY_ELEMENTS, Lot, Recovery, check_lot, compute_recovery
from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services.calc.base import CalcInput, Calculator
from batteryloop.services.calc.fields import json_number, refused


class RecoveryInput(CalcInput):
    """Input of the ``recovery`` calculator (checked in the domain, which names every bad field)."""

    battery_group: Any = Field(default=None, description=f"One of {', '.join(BATTERY_GROUPS)}.")
    period_end: Any = Field(default=None, description="Last day of the reporting period, e.g. 2027-12-31.")
    input: Any = Field(
        default=None,
        description="The waste batteries entering the first recycler: {mass_kg, elements_kg, water_kg?, "
        "pack_periphery_kg?}.",
    )
    outputs: Any = Field(
        default=None,
        description="Output fractions of every facility: [{name, facility?, mass_kg, fate or rd_code, "
        "elements_kg?, recovered_elements?, to_facility?, reagent_kg?, water_kg?, periphery?}].",
    )
    options: Any = Field(default=None, description="Named options for the open points of the law (see the docs).")


def percent(rate: Decimal | None) -> str | None:
    """A rate as a percentage rounded half-up to 2 decimals, for display (``0.657`` -> ``"65.70 %"``)."""
    if rate is None:
        return None
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %"


def _num(value: Decimal | None) -> int | float | None:
    return None if value is None else json_number(value)


def recovery_as_dict(lot: Lot, result: Recovery) -> dict[str, Any]:
    """The calculator's JSON-ready output for a computed lot."""
    opts = lot.options
    return {
        "battery_group": lot.battery_group,
        "period_end": lot.period_end.isoformat(),
        "recycling_efficiency": _num(result.recycling_efficiency),
        "material_recovery": {x: _num(result.material_recovery[x]) for x in RECOVERY_ELEMENTS},
        "targets": [
            {
                "metric": t.metric,
                "element": t.element,
                "target": _num(t.target),
                "deadline": t.deadline.isoformat(),
                "applies": t.applies,
                "met": t.met,
            }
            for t in result.targets
        ],
        "mass_balance": {
            "input_kg": _num(result.input_kg),
            "counted_kg": _num(result.counted_kg),
            "elements": {
                x: {"input_kg": _num(result.element_input_kg[x]), "counted_kg": _num(result.element_counted_kg[x])}
                for x in RECOVERY_ELEMENTS
            },
            "facilities": [
                {
                    "facility": b.facility or None,
                    "input_kg": _num(b.input_kg),
                    "outputs_kg": _num(b.outputs_kg),
                    "counted_kg": _num(b.counted_kg),
                    "residual_kg": _num(b.residual_kg),
                    "elements": {s: {"input_kg": _num(i), "output_kg": _num(o)} for s, (i, o) in b.elements.items()},
                }
                for b in result.balances
            ],
        },
        "display": {
            "recycling_efficiency": percent(result.recycling_efficiency),
            "material_recovery": {x: percent(result.material_recovery[x]) for x in RECOVERY_ELEMENTS},
        },
        "exact": {
            "recycling_efficiency": format(result.recycling_efficiency, "f"),
            "material_recovery": {
                x: None if (r := result.material_recovery[x]) is None else format(r, "f") for x in RECOVERY_ELEMENTS
            },
        },
        "options": {
            "input_excludes_water": opts.input_excludes_water,
            "input_includes_pack_periphery": opts.input_includes_pack_periphery,
            "excluded_substances": sorted(opts.excluded_substances),
            "target_effective_rule": opts.target_effective_rule,
            "mass_balance_tolerance": _num(opts.mass_balance_tolerance),
        },
        "reasons": list(result.reasons),
    }


def compute_recovery_calc(params: RecoveryInput) -> dict[str, Any]:
    """Check the lot and compute its rates."""
    try:
        lot = check_lot(params.model_dump())
        return recovery_as_dict(lot, compute_recovery(lot))
    except ClassificationInputError as exc:
        raise refused(exc) from exc


EXAMPLE = {
    "battery_group": "lithium_based",
    "period_end": "2027-12-31",
    "input": {"mass_kg": 1000, "elements_kg": {"Li": 20, "Ni": 100, "Co": 30, "Cu": 80}},
    "outputs": [
        {"name": "steel and aluminium", "mass_kg": 290, "rd_code": "R4"},
        {"name": "copper", "mass_kg": 70, "rd_code": "R4", "elements_kg": {"Cu": 70}},
        {"name": "black mass", "mass_kg": 500, "fate": "intermediate", "to_facility": "REFINERY",
         "elements_kg": {"Li": 19, "Ni": 98, "Co": 29.5, "Cu": 5}},
        {"name": "Li2CO3", "facility": "REFINERY", "mass_kg": 90, "reagent_kg": 20, "rd_code": "R5",
         "elements_kg": {"Li": 16}},
        {"name": "mixed hydroxide", "facility": "REFINERY", "mass_kg": 200, "reagent_kg": 60, "rd_code": "R4",
         "elements_kg": {"Ni": 95, "Co": 29}},
        {"name": "residue", "facility": "REFINERY", "mass_kg": 100, "rd_code": "D1"},
    ],
}  # fmt: skip

CALCULATOR = Calculator(
    topic="recovery",
    summary=(
        "Recycling efficiency and material recovery (Co, Cu, Pb, Li, Ni) of a lot through every facility of its "
        "recycling chain, by the EU method (rule set RS-A), against the dated targets of Annex XII, with the mass "
        "balance; exact decimal arithmetic, named options for the open points of the law."
    ),
    input_model=RecoveryInput,
    compute=compute_recovery_calc,
    examples=(EXAMPLE,),
)
