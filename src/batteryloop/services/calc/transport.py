"""Calculator ``transport``: ADR 2025 road classification of a waste battery carried for recycling or disposal.

Contract (partners' scripts rely on it):

- in: ``chemistry``, ``configuration``, ``condition``, ``date`` (required), ``energy_wh``, ``cell_energy_wh``,
  ``lithium_content_g``, ``cell_lithium_content_g``, ``gross_mass_kg``, ``damage_affects_battery_safety``,
  ``stage``, ``transport_unit_lithium_kg``, ``purpose``; which of the optional ones a case needs is decided by
  :func:`batteryloop.domain.transport.classify_for_transport` (e.g. ``energy_wh`` for lithium ion and sodium ion
  unless installed in a vehicle, ``lithium_content_g`` for lithium metal);
- out: ``un_number`` ("UN3480", null where no UN entry is used), ``proper_shipping_name``,
  ``document_description`` ("WASTE UN 3480 LITHIUM ION BATTERIES, 9"), ``transport_class`` ("9" or null),
  ``special_provisions``, ``packing_instructions`` (alternatives), ``labels``, ``marks``, ``action``,
  ``not_subject_to_other_provisions``, ``reasons``; and ``decision_row``, ``branch_row``, ``edition``,
  ``edition_notes``, ``packing_details``, ``document_notes``, ``small``, ``limits``, ``assumptions``, ``inputs``.

Quantities are JSON numbers (whole numbers come out as integers); dates are ISO 8601 strings.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from batteryloop.domain.transport import ClassificationInputError, TransportClassification, classify_for_transport
from batteryloop.domain.transport.classification import CHEMISTRIES, CONDITIONS, CONFIGURATIONS, PURPOSES, STAGES
from batteryloop.services.calc.base import CalcInput, Calculator
from batteryloop.services.calc.fields import IsoDate, choice_field, json_value, quantity_field, refused


class TransportInput(CalcInput):
    """Input of the ``transport`` calculator: one waste battery (or vehicle) to be carried by road."""

    model_config = ConfigDict(
        json_schema_extra={"required": ["chemistry", "configuration", "condition", "date"]},
    )

    chemistry: str | None = choice_field("Battery type: lithium_ion, lithium_metal or sodium_ion.", CHEMISTRIES)
    configuration: str | None = choice_field(
        "How it travels: alone, packed_with_equipment, contained_in_equipment or installed_in_vehicle.", CONFIGURATIONS
    )
    condition: str | None = choice_field(
        "intact, damaged_stable or critically_damaged (SP 376 assessment by the manufacturer or an expert).",
        CONDITIONS,
    )
    date: IsoDate = Field(default=None, description="Date of carriage, ISO 8601 (decides the ADR edition).")
    energy_wh: float | None = quantity_field(
        "Rated energy of one battery [Wh]; required for lithium_ion and sodium_ion unless installed_in_vehicle."
    )
    cell_energy_wh: float | None = quantity_field("Rated energy of one cell [Wh]; needed when it decides 'small'.")
    lithium_content_g: float | None = quantity_field("Lithium content of one lithium metal battery [g].")
    cell_lithium_content_g: float | None = quantity_field("Lithium content of one lithium metal cell [g].")
    gross_mass_kg: float | None = quantity_field("Mass of one battery [kg].")
    damage_affects_battery_safety: bool | None = Field(
        default=None, strict=True, description="Vehicles: the damage significantly affects battery safety (SP 667)."
    )
    stage: str | None = choice_field(
        "collection_to_intermediate_facility (SP 636 considered) or other (default).", STAGES
    )
    transport_unit_lithium_kg: float | None = quantity_field(
        "Mass of all lithium cells and batteries on the transport unit [kg] (SP 636: at most 333 kg)."
    )
    purpose: str | None = choice_field("recycling (default) or disposal.", PURPOSES)


def transport_as_dict(result: TransportClassification) -> dict[str, Any]:
    """Return a classification as the calculator's JSON-ready output."""
    query = result.inputs
    return {
        "un_number": result.un_number,
        "proper_shipping_name": result.proper_shipping_name,
        "document_description": result.document_description,
        "transport_class": result.transport_class,
        "special_provisions": list(result.special_provisions),
        "packing_instructions": list(result.packing_instructions),
        "labels": list(result.labels),
        "marks": list(result.marks),
        "action": result.action,
        "not_subject_to_other_provisions": result.not_subject_to_other_provisions,
        "reasons": list(result.reasons),
        "decision_row": result.decision_row,
        "branch_row": result.branch_row,
        "edition": result.edition,
        "edition_notes": list(result.edition_notes),
        "packing_details": list(result.packing_details),
        "document_notes": list(result.document_notes),
        "small": result.small,
        "limits": {name: json_value(value) for name, value in result.limits.items()},
        "assumptions": list(result.assumptions),
        "inputs": {
            "chemistry": query.chemistry,
            "configuration": query.configuration,
            "condition": query.condition,
            "date": query.date.isoformat(),
            "purpose": query.purpose,
            "stage": query.stage,
            "energy_wh": json_value(query.energy_wh),
            "cell_energy_wh": json_value(query.cell_energy_wh),
            "lithium_content_g": json_value(query.lithium_content_g),
            "cell_lithium_content_g": json_value(query.cell_lithium_content_g),
            "gross_mass_kg": json_value(query.gross_mass_kg),
            "damage_affects_battery_safety": query.damage_affects_battery_safety,
            "transport_unit_lithium_kg": json_value(query.transport_unit_lithium_kg),
        },
    }


def compute_transport(params: TransportInput) -> dict[str, Any]:
    """Classify one waste battery for carriage by road (ADR 2025)."""
    try:
        result = classify_for_transport(**params.model_dump())
    except ClassificationInputError as exc:
        raise refused(exc) from exc
    return transport_as_dict(result)


CALCULATOR = Calculator(
    topic="transport",
    summary=(
        "ADR 2025 road classification of a waste lithium or sodium-ion battery carried for recycling or disposal: "
        "UN number, document entry, special provisions, packing instructions, labels and marks, and the row "
        "(D1-D11) of the decision table that decided it."
    ),
    input_model=TransportInput,
    compute=compute_transport,
    examples=(
        {
            "chemistry": "lithium_ion",
            "configuration": "alone",
            "energy_wh": 85000,
            "gross_mass_kg": 450,
            "condition": "intact",
            "date": "2026-03-15",
        },
        {
            "chemistry": "lithium_ion",
            "configuration": "alone",
            "energy_wh": 60000,
            "gross_mass_kg": 380,
            "condition": "critically_damaged",
            "date": "2026-03-15",
        },
        {
            "chemistry": "lithium_ion",
            "configuration": "alone",
            "energy_wh": 50,
            "cell_energy_wh": 12,
            "gross_mass_kg": 0.3,
            "condition": "intact",
            "stage": "collection_to_intermediate_facility",
            "transport_unit_lithium_kg": 250,
            "date": "2026-03-15",
        },
        {
            "chemistry": "lithium_ion",
            "configuration": "installed_in_vehicle",
            "condition": "damaged_stable",
            "damage_affects_battery_safety": True,
            "date": "2026-03-15",
        },
    ),
)
