"""Shared test data: the attribute file read independently of the loader, and a good value per value type."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

RECORDED_AT = "2026-01-02T10:00:00Z"


def csv_rows() -> list[dict[str, str]]:
    """The rows of data/passport/attributes.csv, read with the csv module (not through the code under test)."""
    text = resources.files("batteryloop.data").joinpath("passport", "attributes.csv").read_text(encoding="utf-8")
    lines = [line for line in io.StringIO(text) if not line.startswith("#")]
    return list(csv.DictReader(lines))


ROWS = csv_rows()
ROW_BY_KEY = {row["key"]: row for row in ROWS}


def base_type(row: dict[str, str]) -> str:
    return "enum" if row["value_type"].startswith("enum:") else row["value_type"]


GOOD_BY_TYPE: dict[str, Any] = {
    "passport_id": "urn:acme:bp000123",
    "string": "PACK-77-SN0001",
    "text": "ACME Cells GmbH, Berlin; NMC811 pouch cells in 12 modules.",
    "url": "https://example.com/doc.pdf",
    "string_list": ["Water", "ABC dry powder"],
    "year_month": "2025-03",
    "integer_months": 96,
    "integer": 1240,
    "fraction": 0.2,
    "contact": {"name": "ACME Cells GmbH", "identifier": "4012345000009", "country": "DE", "postal_code": "10719"},
    "address": {"country": "DE", "postal_code": "01067", "street": "Werkstr. 1", "city": "Dresden"},
    "chemistry": {"code": "NMC811", "name": "Lithium nickel manganese cobalt oxide / graphite"},
    "labels": [{"subject": "separate_collection", "symbol_url": "https://example.com/bin.svg", "meaning": "Collect"}],
    "materials": [
        {"name": "Nickel", "cas": "7440-02-0", "mass_kg": 38.5, "component": "cathode", "critical_raw_material": True}
    ],
    "hazardous_substances": [
        {
            "name": "Lithium hexafluorophosphate",
            "cas": "21324-40-3",
            "hazard_class": "AcuteToxicity",
            "concentration_share": 0.012,
            "impacts": ["H301", "H314", "H372"],
            "component": "electrolyte",
        }
    ],
    "documents": [{"type": "dismantling_manual", "url": "https://example.com/dm.pdf", "mime_type": "application/pdf"}],
    "part_numbers": [{"part_name": "Module", "part_number": "M-77-01"}],
    "spare_part_sources": [
        {
            "supplier": "Parts GmbH",
            "address": {"country": "DE", "city": "Munich"},
            "email": "parts@example.com",
            "web": "https://parts.example.com",
            "parts": [{"part_name": "Module", "part_number": "M-77-01"}],
        }
    ],
    "resistances": [{"component": "pack", "ohm": 0.12}, {"component": "cell", "ohm": 0.0012}],
    "resistance_increases": [{"component": "pack", "rate": 0.05}],
    "events": [{"description": "Minor collision, pack inspected", "occurred_at": "2026-01-02T10:00:00+01:00"}],
}

SPECIFIC: dict[str, Any] = {
    "battery_mass_kg": 452.0,
    "minimum_voltage_v": 300.0,
    "nominal_voltage_v": 400.0,
    "maximum_voltage_v": 450.0,
    "idle_temperature_lower_c": -20.0,
    "idle_temperature_upper_c": 45.0,
    "temperature_information": 25.0,
}
"""Values chosen for the cross-attribute checks to hold."""


def good_plain_value(row: dict[str, str]) -> Any:
    """A valid value of the attribute's value type (not wrapped in a series)."""
    if row["key"] in SPECIFIC:
        return SPECIFIC[row["key"]]
    kind = base_type(row)
    if kind == "enum":
        return row["value_type"].removeprefix("enum:").split("|")[0]
    if kind == "decimal":
        return 3.5
    return GOOD_BY_TYPE[kind]


def good_value(row: dict[str, str]) -> Any:
    """A valid value as sent: a one-reading series for dynamic attributes."""
    plain = good_plain_value(row)
    return [{"value": plain, "recorded_at": RECORDED_AT}] if row["behaviour"] == "dynamic" else plain


def good_record() -> dict[str, Any]:
    """A complete, valid record: every one of the 93 attributes with a good value."""
    return {row["key"]: good_value(row) for row in ROWS}
