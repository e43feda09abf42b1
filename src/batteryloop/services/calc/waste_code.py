"""Calculator ``waste-code``: the European List of Waste code of a waste battery, black mass or manufacturing waste.

Contract (partners' scripts rely on it):

- in: ``item``, ``chemistry``, ``date`` (required), ``contains_hazardous_substances`` (mirror entries only);
- out: ``code`` ("16 06 07*", null where the list in force has no entry), ``description``, ``hazardous``,
  ``list_version`` ("2000/532/EC" before 2026-11-09, "2025/934" from it), ``list_title``, ``list_applies_from``,
  ``list_applies_until``, ``mirror_entry``, ``alternative_code``, ``candidates``, ``reasons``, ``assumptions``,
  ``inputs``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from batteryloop.domain.transport import ClassificationInputError, WasteCodeResult, classify_waste_code
from batteryloop.domain.transport.waste_codes import CHEMISTRIES, ITEMS
from batteryloop.services.calc.base import CalcInput, Calculator
from batteryloop.services.calc.fields import IsoDate, choice_field, refused


class WasteCodeInput(CalcInput):
    """Input of the ``waste-code`` calculator."""

    model_config = ConfigDict(json_schema_extra={"required": ["item", "chemistry", "date"]})

    item: str | None = choice_field("battery, black_mass or manufacturing_waste.", ITEMS)
    chemistry: str | None = choice_field(
        "Battery chemistry: " + ", ".join(CHEMISTRIES) + ".",
        CHEMISTRIES,
    )
    date: IsoDate = Field(
        default=None, description="Date of classification or movement, ISO 8601 (the list changes on 2026-11-09)."
    )
    contains_hazardous_substances: bool | None = Field(
        default=None,
        strict=True,
        description="Your assessment, used for mirror entries only (default: the hazardous entry).",
    )


def waste_code_as_dict(result: WasteCodeResult) -> dict[str, Any]:
    """Return a waste-code result as the calculator's JSON-ready output."""
    return {
        "code": result.code,
        "description": result.description,
        "hazardous": result.hazardous,
        "list_version": result.list_version,
        "list_title": result.list_title,
        "list_applies_from": result.list_applies_from.isoformat(),
        "list_applies_until": result.list_applies_until.isoformat() if result.list_applies_until else None,
        "mirror_entry": result.mirror_entry,
        "alternative_code": result.alternative_code,
        "candidates": list(result.candidates),
        "reasons": list(result.reasons),
        "assumptions": list(result.assumptions),
        "inputs": {
            "item": result.item,
            "chemistry": result.chemistry,
            "date": result.date.isoformat(),
            "contains_hazardous_substances": result.contains_hazardous_substances,
        },
    }


def compute_waste_code(params: WasteCodeInput) -> dict[str, Any]:
    """Return the List of Waste code of one waste on its date."""
    try:
        result = classify_waste_code(**params.model_dump())
    except ClassificationInputError as exc:
        raise refused(exc) from exc
    return waste_code_as_dict(result)


CALCULATOR = Calculator(
    topic="waste-code",
    summary=(
        "European List of Waste code of a waste battery, black mass or battery manufacturing waste on a date: the "
        "old list before 2026-11-09 (Li-ion usually 16 06 05), Delegated Decision (EU) 2025/934 from it "
        "(16 06 07* lithium batteries, 19 14 02* black mass)."
    ),
    input_model=WasteCodeInput,
    compute=compute_waste_code,
    examples=(
        {"item": "battery", "chemistry": "lithium_ion", "date": "2026-11-09"},
        {"item": "black_mass", "chemistry": "lithium_ion", "date": "2027-01-15"},
        {"item": "battery", "chemistry": "lithium_ion", "date": "2026-06-30"},
        {"item": "manufacturing_waste", "chemistry": "lithium_ion", "date": "2027-01-15"},
    ),
)
