"""Value checks against docs/passport-format.md, table-driven over all 93 attributes of data/passport/attributes.csv.

Implausible values come from the Battery Pass v1.2 generated sample payloads (shared/testdata/batterypass-1.2,
MaterialComposition-payload.json: a material mass of 1.6111172E38 g, a concentration of -1.797...E308 %, the CAS
number "37-70-2"), converted to batteryloop's units (g -> kg, % -> fraction) as an importer would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.problems import PassportValidationError, Problem
from batteryloop.domain.passport.values import check_attributes, check_value
from tests.unit.passport._samples import RECORDED_AT, ROW_BY_KEY, ROWS, base_type, good_record, good_value

Case = tuple[Any, str, str]
"""(bad value, field path suffix, fragment of the reason)."""

MATERIAL = {
    "name": "Nickel",
    "cas": "7440-02-0",
    "mass_kg": 38.5,
    "component": "cathode",
    "critical_raw_material": True,
}
SUBSTANCE = {
    "name": "LiPF6",
    "cas": "21324-40-3",
    "hazard_class": "AcuteToxicity",
    "concentration_share": 0.01,
    "impacts": [],
    "component": "electrolyte",
}

BAD: dict[str, list[Case]] = {
    "passport_id": [
        ("bp-000123", "", "is not a URN"),
        ("urn:uuid:not-a-uuid", "", "give a UUID"),
        ("URN:acme:1", "", "is not a URN"),
        (42, "", "got the number 42"),
    ],
    "string": [("", "", "must not be empty"), ("x" * 501, "", "at most 500"), (12, "", "must be a string")],
    "text": [("  ", "", "must not be empty"), ("x" * 20_001, "", "at most 20,000"), (["a"], "", "must be a string")],
    "url": [("ftp://example.com/a.pdf", "", "absolute http(s) URL"), ("example.com/a.pdf", "", "absolute http(s)")],
    "string_list": [
        ("Water", "", "must be a list"),
        (["Water", ""], "[1]", "must not be empty"),
        ([3], "[0]", "string"),
    ],
    "year_month": [("2025-13", "", "no month 13"), ("March 2025", "", "is not a month"), (202503, "", "'YYYY-MM'")],
    "integer_months": [(-1, "", "whole number >= 0"), (1.5, "", "whole number"), ("12", "", "without quotes")],
    "integer": [(-3, "", "whole number >= 0"), (True, "", "must be a number, got true"), (2.5, "", "whole number")],
    "fraction": [
        (-0.1, "", "fraction in [0, 1]"),
        (85, "", "send 0.85 for 85 %"),
        (1.01, "", "fraction in [0, 1]"),
        ("0.5", "", "without quotes"),
        (float("nan"), "", "finite"),
    ],
    "enum": [("Unknown-Value", "", "is not allowed"), (1, "", "is not allowed")],
    "contact": [
        ({"name": "ACME"}, ".country", "is required"),
        ({"name": "ACME", "country": "Germany"}, ".country", "alpha-2"),
        ({"name": "ACME", "country": "DE", "phone": "1"}, ".phone", "unknown field"),
        ({"name": "ACME", "country": "DE", "email": "nobody"}, ".email", "name@example.com"),
        ("ACME Cells GmbH", "", "must be an object"),
    ],
    "address": [({"country": "DE", "zip": "1"}, ".zip", "unknown field"), ({"city": "Berlin"}, ".country", "required")],
    "chemistry": [({"code": "NMC"}, ".code", "ambiguous"), ({"code": "XYZ"}, ".code", "unknown chemistry")],
    "labels": [
        ([{"subject": "recycling", "meaning": "m"}], "[0].subject", "is not allowed"),
        ([{"subject": "other", "meaning": "m", "symbol_url": "bin.svg"}], "[0].symbol_url", "absolute http(s)"),
        ({"subject": "other", "meaning": "m"}, "", "must be a list"),
    ],
    "materials": [
        ([MATERIAL | {"cas": "7440-02-1"}], "[0].cas", "has check digit 1 but its digits give 0"),
        ([MATERIAL, MATERIAL | {"mass_kg": 1.6111172e35}], "[1].mass_kg", "1.61112e+35 kg is not plausible"),
        ([MATERIAL | {"mass_kg": -1}], "[0].mass_kg", "more than 0"),
        ([MATERIAL | {"critical_raw_material": "yes"}], "[0].critical_raw_material", "true or false"),
        ([MATERIAL | {"component": "Anode"}], "[0].component", "did you mean 'anode'"),
    ],
    "hazardous_substances": [
        ([SUBSTANCE | {"concentration_share": -0.5}], "[0].concentration_share", "got -0.5"),
        ([SUBSTANCE, SUBSTANCE, SUBSTANCE | {"cas": "37-70-2"}], "[2].cas", "its digits give 7"),
        ([SUBSTANCE | {"impacts": "H301"}], "[0].impacts", "must be a list"),
    ],
    "documents": [
        ([{"type": "manual", "url": "https://e.com/m.pdf"}], "[0].type", "is not allowed"),
        ([{"type": "drawing", "url": "https://e.com/d", "mime_type": "pdf"}], "[0].mime_type", "media type"),
    ],
    "part_numbers": [([{"part_name": "Module"}], "[0].part_number", "is required")],
    "spare_part_sources": [
        ([{"supplier": "P", "parts": [{"part_name": "M", "part_number": ""}]}], "[0].parts[0].part_number", "empty"),
        ([{"supplier": "P", "parts": [], "address": {"country": "D"}}], "[0].address.country", "alpha-2"),
    ],
    "resistances": [
        ([{"component": "pack", "ohm": 0}], "[0].ohm", "must be > 0 ohm"),
        ([{"component": "pack", "ohm": 1.0}, {"component": "pack", "ohm": 2.0}], "", "given twice"),
    ],
    "resistance_increases": [([{"component": "cell", "rate": 2}], "[0].rate", "send 0.02 for 2 %")],
    "events": [([{"description": "fire", "occurred_at": "yesterday"}], "[0].occurred_at", "not an ISO 8601")],
}


def _decimal_cases(row: dict[str, str]) -> list[Case]:
    cases: list[Case] = [("3.5", "", "without quotes"), (float("inf"), "", "finite"), (None, "", "null")]
    if row["stored_unit"] == "°C":
        return [*cases, (500, "", "-100 to 200 °C"), (-150, "", "-100 to 200 °C")]
    if row["stored_unit"] == "kg":
        return [*cases, (1.6e38, "", "1.6e+38 kg is not plausible"), (0, "", "more than 0")]
    if row["behaviour"] == "dynamic" or row["stored_unit"] == "-":
        return [*cases, (-1, "", ">= 0")]
    return [*cases, (0, "", "must be > 0"), (-2, "", "must be > 0")]


def _bad_cases() -> list[tuple[str, Case]]:
    out: list[tuple[str, Case]] = []
    for row in ROWS:
        cases = _decimal_cases(row) if base_type(row) == "decimal" else BAD[base_type(row)]
        out.extend((row["key"], case) for case in cases)
    return out


def _field(key: str, suffix: str) -> str:
    dynamic = ROW_BY_KEY[key]["behaviour"] == "dynamic"
    return f"attributes.{key}[0].value{suffix}" if dynamic else f"attributes.{key}{suffix}"


def _send(key: str, value: Any) -> Any:
    return [{"value": value, "recorded_at": RECORDED_AT}] if ROW_BY_KEY[key]["behaviour"] == "dynamic" else value


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["key"])
def test_every_attribute_accepts_a_good_value(row: dict[str, str]) -> None:
    value = check_value(row["key"], good_value(row))
    json.dumps(value)
    if row["behaviour"] == "dynamic":
        assert value[0]["recorded_at"] == RECORDED_AT


@pytest.mark.parametrize(("key", "case"), _bad_cases(), ids=lambda x: x if isinstance(x, str) else repr(x[0])[:30])
def test_every_attribute_refuses_bad_values_with_the_field_path(key: str, case: Case) -> None:
    bad, suffix, fragment = case
    if bad is None and ROW_BY_KEY[key]["behaviour"] == "dynamic":
        fragment = "is required"  # inside a reading, a null value is a missing value
    normalized, problems = check_attributes({key: _send(key, bad)})
    assert key not in normalized
    fields = {p.field: p.reason for p in problems}
    assert _field(key, suffix) in fields, problems
    assert fragment in fields[_field(key, suffix)]


def test_a_complete_record_is_valid_and_json_ready() -> None:
    normalized, problems = check_attributes(good_record())
    assert problems == []
    assert list(normalized) == [row["key"] for row in ROWS]
    assert json.loads(json.dumps(normalized)) == normalized


def test_every_problem_of_a_broken_document_is_listed() -> None:
    # A new user's broken document: bad CAS check digit, negative mass, unknown chemistry, a status typo,
    # a mass in grams sent as kg, plus the Battery Pass sample's implausible values.
    document = {
        "battery_mass_kg": 452_000,
        "battery_chemistry": {"code": "NMX811"},
        "battery_status": [{"value": "wast", "recorded_at": RECORDED_AT}],
        "cathode_anode_electrolyte_materials": [
            MATERIAL | {"cas": "7440-02-9"},
            MATERIAL | {"mass_kg": -3.0},
            MATERIAL | {"name": "Lithium", "cas": "7439-93-2 ", "mass_kg": 1.6111172e38 / 1000},
        ],
        "hazardous_substances": [SUBSTANCE | {"cas": "37-70-2", "concentration_share": -1.7976931348623157e308 / 100}],
    }
    normalized, problems = check_attributes(document)
    assert normalized == {}
    fields = [p.field for p in problems]
    assert fields == [
        "attributes.battery_mass_kg",
        "attributes.battery_chemistry.code",
        "attributes.battery_status[0].value",
        "attributes.cathode_anode_electrolyte_materials[0].cas",
        "attributes.cathode_anode_electrolyte_materials[1].mass_kg",
        "attributes.cathode_anode_electrolyte_materials[2].mass_kg",
        "attributes.hazardous_substances[0].concentration_share",
        "attributes.hazardous_substances[0].cas",
    ]
    reasons = {p.field: p.reason for p in problems}
    assert "452000 kg is not plausible" in reasons["attributes.battery_mass_kg"]
    assert "grams sent as kg" in reasons["attributes.battery_mass_kg"]
    assert "unknown chemistry 'NMX811'" in reasons["attributes.battery_chemistry.code"]
    assert "did you mean 'waste'?" in reasons["attributes.battery_status[0].value"]
    assert "1.61112e+35 kg" in reasons["attributes.cathode_anode_electrolyte_materials[2].mass_kg"]
    assert "-1.79769e+306" in reasons["attributes.hazardous_substances[0].concentration_share"]


def test_check_value_raises_with_every_problem() -> None:
    with pytest.raises(PassportValidationError) as info:
        check_value("hazardous_substances", [SUBSTANCE | {"cas": "1-11-1", "concentration_share": 7}])
    error = info.value
    assert isinstance(error, InvalidInputError)
    assert [p.field for p in error.problems] == [
        "attributes.hazardous_substances[0].concentration_share",
        "attributes.hazardous_substances[0].cas",
    ]
    assert error.field == "attributes.hazardous_substances[0].concentration_share"
    assert "(and 1 more problem)" in error.reason
    assert error.problems[0].to_dict()["field"] == error.field


def test_check_value_takes_an_attribute_or_a_key_and_a_field() -> None:
    from batteryloop.domain.passport.attributes import ATTRIBUTES

    assert check_value(ATTRIBUTES["battery_mass_kg"], 452) == 452.0
    with pytest.raises(PassportValidationError) as info:
        check_value("battery_mass_kg", 0, field="records[3].attributes.battery_mass_kg")
    assert info.value.field == "records[3].attributes.battery_mass_kg"
    with pytest.raises(InvalidInputError, match="unknown attribute"):
        check_value("mass", 1)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("manufacturing_date", "2025-03-01", "2025-03"),
        ("manufacturing_date", "2025-03-01T00:00:00Z", "2025-03"),
        (
            "passport_id",
            "urn:uuid:0B2C7F9E-5D3A-4E0F-9C1B-2A3D4E5F6A7B",
            "urn:uuid:0b2c7f9e-5d3a-4e0f-9c1b-2a3d4e5f6a7b",
        ),
        ("passport_id", "urn:bmwk:123456687678", "urn:bmwk:123456687678"),
        ("passport_id", "urn:acme:BP-2025.000_1:x", "urn:acme:BP-2025.000_1:x"),
        ("battery_chemistry", {"code": "NCM811"}, {"code": "NMC811"}),
        ("battery_chemistry", {"code": "LiFePO4"}, {"code": "LFP"}),
        ("manufacturer_information", {"name": " ACME ", "country": "de"}, {"name": "ACME", "country": "DE"}),
        ("warranty_period", 96.0, 96),
        ("battery_id", "  PACK-1 ", "PACK-1"),
        ("idle_temperature_lower_c", -40, -40.0),
        ("supply_chain_indices", 0, 0.0),
        ("hazardous_substances", [], []),
        (
            "accident_information",
            [
                {
                    "value": [{"description": "crash", "occurred_at": "2026-01-02T11:00:00+01:00"}],
                    "recorded_at": RECORDED_AT,
                }
            ],
            [{"value": [{"description": "crash", "occurred_at": "2026-01-02T10:00:00Z"}], "recorded_at": RECORDED_AT}],
        ),
        (
            "energy_throughput_kwh",
            [{"value": 0, "recorded_at": RECORDED_AT}],
            [{"value": 0.0, "recorded_at": RECORDED_AT}],
        ),
    ],
)
def test_values_are_normalised(key: str, value: Any, expected: Any) -> None:
    assert check_value(key, value) == expected


# ------------------------------------------------------------------------------------------ dynamic series
def test_readings_are_sorted_oldest_first_and_stored_in_utc() -> None:
    series = [
        {"value": 0.8, "recorded_at": "2026-03-01T10:00:00+01:00"},
        {"value": 0.9, "recorded_at": "2026-01-01T10:00:00Z"},
    ]
    assert check_value("state_of_charge_share", series) == [
        {"value": 0.9, "recorded_at": "2026-01-01T10:00:00Z"},
        {"value": 0.8, "recorded_at": "2026-03-01T09:00:00Z"},
    ]


@pytest.mark.parametrize(
    ("series", "field", "fragment"),
    [
        (0.5, "", "is dynamic: send a list of readings"),
        ([], "", "at least one reading"),
        ([{"value": 0.5}], "[0].recorded_at", "is required"),
        ([{"value": 0.5, "recorded_at": "2026-01-01T10:00:00"}], "[0].recorded_at", "has no time zone"),
        ([{"value": 0.5, "recorded_at": "01/02/2026"}], "[0].recorded_at", "not an ISO 8601"),
        ([{"value": 0.5, "recorded_at": RECORDED_AT, "unit": "%"}], "[0].unit", "unknown field"),
        ([0.5], "[0]", "must be an object"),
        (
            [{"value": 0.5, "recorded_at": "2026-01-02T11:00:00+01:00"}, {"value": 0.6, "recorded_at": RECORDED_AT}],
            "[1].recorded_at",
            "already given at [0]",
        ),
    ],
)
def test_bad_series_are_refused(series: Any, field: str, fragment: str) -> None:
    _, problems = check_attributes({"state_of_charge_share": series})
    reasons = {p.field: p.reason for p in problems}
    assert f"attributes.state_of_charge_share{field}" in reasons, problems
    assert fragment in reasons[f"attributes.state_of_charge_share{field}"]


# ------------------------------------------------------------------------------------------ the record as a whole
def test_unknown_keys_nulls_and_wrong_levels_are_reported() -> None:
    _, problems = check_attributes(
        {"batery_mass_kg": 1, "battery_id": None, "battery_status": [{"value": "waste", "recorded_at": RECORDED_AT}]},
        level="model",
    )
    assert problems == [
        Problem(
            field="attributes.batery_mass_kg",
            reason="unknown attribute 'batery_mass_kg'; did you mean 'battery_mass_kg'? The 93 keys are listed in "
            "data/passport/attributes.csv and docs/passport-format.md",
        ),
        Problem(
            field="attributes.battery_id",
            reason="battery_id belongs to an individual battery (item); it cannot be set on a model-level record",
        ),
        Problem(
            field="attributes.battery_status",
            reason="battery_status belongs to an individual battery (item); it cannot be set on a model-level record",
        ),
    ]
    _, item_problems = check_attributes({"battery_mass_kg": 450}, level="item", prefix="records[7].attributes")
    assert item_problems[0].field == "records[7].attributes.battery_mass_kg"
    assert "belongs to the battery model" in item_problems[0].reason
    _, null_problems = check_attributes({"battery_id": None})
    assert null_problems[0].reason.startswith("null is not a value")


def test_a_non_object_and_an_unknown_level_are_refused() -> None:
    assert check_attributes(["battery_id"])[1][0].field == "attributes"
    with pytest.raises(InvalidInputError) as info:
        check_attributes({}, level="pack")
    assert info.value.field == "level"


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        (
            {"minimum_voltage_v": 300, "nominal_voltage_v": 500, "maximum_voltage_v": 450},
            "nominal_voltage_v",
            "above the maximum voltage 450 V",
        ),
        ({"minimum_voltage_v": 300, "nominal_voltage_v": 250}, "nominal_voltage_v", "below the minimum voltage 300 V"),
        ({"minimum_voltage_v": 460, "maximum_voltage_v": 450}, "minimum_voltage_v", "above the maximum voltage"),
        (
            {"idle_temperature_lower_c": 45, "idle_temperature_upper_c": -20},
            "idle_temperature_lower_c",
            "must be below its upper",
        ),
        (
            {"idle_temperature_lower_c": 20, "idle_temperature_upper_c": 20},
            "idle_temperature_lower_c",
            "must be below its upper",
        ),
        (
            {"battery_mass_kg": 50, "cathode_anode_electrolyte_materials": [MATERIAL, MATERIAL]},
            "cathode_anode_electrolyte_materials",
            "77 kg in total, more than the battery mass 50 kg",
        ),
        (
            {"recycled_cobalt_pre_consumer_share": 0.6, "recycled_cobalt_post_consumer_share": 0.5},
            "recycled_cobalt_post_consumer_share",
            "add up to more than 1",
        ),
        (
            {"carbon_footprint_raw_materials_share": 0.7, "carbon_footprint_production_share": 0.4},
            "carbon_footprint_raw_materials_share",
            "add up to 1.1",
        ),
    ],
)
def test_cross_attribute_checks(values: dict[str, Any], field: str, fragment: str) -> None:
    normalized, problems = check_attributes(values)
    assert len(problems) == 1
    assert problems[0].field == f"attributes.{field}"
    assert fragment in problems[0].reason
    assert set(normalized) == set(values)  # each value passed its own check


def test_cross_checks_hold_at_their_bounds() -> None:
    values = {
        "minimum_voltage_v": 400,
        "nominal_voltage_v": 400,
        "maximum_voltage_v": 400,
        "battery_mass_kg": 77,
        "cathode_anode_electrolyte_materials": [MATERIAL, MATERIAL],
        "recycled_lead_pre_consumer_share": 0.15,
        "recycled_lead_post_consumer_share": 0.85,
    }
    assert check_attributes(values)[1] == []


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_fraction_is_accepted_exactly_in_the_unit_interval(x: float) -> None:
    _, problems = check_attributes({"renewable_content_share": x})
    assert (problems == []) == (0.0 <= x <= 1.0)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_a_battery_mass_is_accepted_exactly_between_0_and_10000_kg(x: float) -> None:
    _, problems = check_attributes({"battery_mass_kg": x})
    assert (problems == []) == (0.0 < x < 10_000.0)


# Readings already in the canonical form skip re-formatting; the shortcut must never change what is stored.
_zones = st.sampled_from(["Z", "+00:00", "+01:00", "-05:30", "+14:00"])
_fractions = st.sampled_from(["", ".0", ".5", ".000000", ".123456", ".100000", ".123"])


@given(st.datetimes(min_value=__import__("datetime").datetime(1970, 1, 2)), _fractions, _zones, st.sampled_from("T "))
def test_recorded_at_is_stored_in_one_canonical_form_whatever_its_spelling(moment, fraction, zone, sep) -> None:
    from datetime import datetime

    from batteryloop.domain.passport.primitives import format_datetime

    text = moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + fraction + zone
    stored = check_value("state_of_charge_share", [{"value": 0.5, "recorded_at": text}])[0]["recorded_at"]
    assert stored == format_datetime(datetime.fromisoformat(text))
    assert stored.endswith("Z") and "T" in stored


_readings = st.lists(
    st.fixed_dictionaries(
        {
            "value": st.floats(min_value=-0.5, max_value=1.5) | st.integers(0, 2) | st.just("0.5"),
            "recorded_at": st.datetimes(min_value=__import__("datetime").datetime(2000, 1, 1)).map(
                lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{d.microsecond:06d}" if d.microsecond else "") + "Z"
            )
            | st.sampled_from(["2026-01-02T10:00:00Z", "2026-01-02T11:00:00+01:00", "2026-01-02 10:00:00Z", "x"]),
        }
    ),
    min_size=1,
    max_size=5,
)


@given(_readings)
def test_the_fast_series_path_decides_as_the_general_one(series) -> None:
    import batteryloop.domain.passport.values as values

    def run():
        try:
            return check_value("state_of_charge_share", series)
        except PassportValidationError as exc:
            return [p.field for p in exc.problems]

    fast = run()
    original = values._fast_fraction_series
    values._fast_fraction_series = lambda attribute, value: None
    try:
        assert run() == fast
    finally:
        values._fast_fraction_series = original


@given(
    st.fixed_dictionaries({"code": st.sampled_from(["NMC811", "nmc 811", "NCM811", "LiFePO4", "NMC", "x", " LFP "])})
    | st.fixed_dictionaries({"code": st.text(max_size=8) | st.integers() | st.none()})
    | st.fixed_dictionaries({"code": st.just("LFP"), "name": st.text(max_size=5)})
)
def test_the_fast_chemistry_path_decides_as_the_general_one(chemistry) -> None:
    from batteryloop.domain.passport import records
    from batteryloop.domain.passport.problems import Problems

    fast, general = Problems(), Problems()
    result = records.check_chemistry(chemistry, "attributes.battery_chemistry", fast)
    expected = records._record(
        chemistry,
        "attributes.battery_chemistry",
        general,
        required={"code": records._chemistry_code},
        optional={"name": records.check_string},
    )
    assert (result, fast.items) == (expected, general.items)
