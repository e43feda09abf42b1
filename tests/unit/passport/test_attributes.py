"""The attribute registry: the 93 rows of the Battery Pass longlist v1.2, loaded once and checked on load.

Counts from reference/passport-data-model.md §1.3 ("60 PUB, 27 PLI, 5 PLI+COM, 1 NB/MSA/COM ... 67 model, 26 item"),
computed there from the longlist sheet 2025_Battery_Passport_Data_Attributes_V1.2.xlsx.
"""

from __future__ import annotations

from collections import Counter

import pytest

from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.passport import attributes as attrs
from batteryloop.domain.passport.attributes import (
    ATTRIBUTES,
    AccessLevel,
    BatteryCategory,
    Behaviour,
    Level,
    PliRole,
    Requirement,
    get_attribute,
    get_attributes,
    parse_attributes,
)
from batteryloop.domain.passport.values import SUPPORTED_VALUE_TYPES
from tests.unit.passport._samples import ROWS


def test_the_registry_holds_the_93_longlist_attributes_in_order() -> None:
    assert len(ATTRIBUTES) == 93
    assert [a.number for a in ATTRIBUTES.values()] == list(range(1, 94))
    assert ATTRIBUTES is get_attributes()
    assert list(ATTRIBUTES) == [row["key"] for row in ROWS]


def test_access_level_and_granularity_counts_match_the_longlist() -> None:
    access = Counter(a.access for a in ATTRIBUTES.values())
    assert access == {
        AccessLevel.PUBLIC: 60,
        AccessLevel.LEGITIMATE_INTEREST: 27,
        AccessLevel.LEGITIMATE_INTEREST_AND_COMMISSION: 5,
        AccessLevel.AUTHORITY: 1,
    }
    assert Counter(a.level for a in ATTRIBUTES.values()) == {Level.MODEL: 67, Level.ITEM: 26}
    plicom = [a.number for a in ATTRIBUTES.values() if a.access is AccessLevel.LEGITIMATE_INTEREST_AND_COMMISSION]
    assert plicom == [33, 36, 37, 38, 39]
    assert [a.key for a in ATTRIBUTES.values() if a.access is AccessLevel.AUTHORITY] == ["test_reports"]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["key"])
def test_every_row_is_parsed_faithfully(row: dict[str, str]) -> None:
    attribute = ATTRIBUTES[row["key"]]
    assert attribute.number == int(row["number"])
    assert attribute.din_clause == row["din_clause"]
    assert attribute.name == row["name"]
    assert attribute.access.value == row["access"]
    assert attribute.behaviour.value == row["behaviour"]
    assert attribute.level.value == row["level"]
    for category in BatteryCategory:
        assert attribute.requirement(category).value == row[f"mandatory_{category.value}"]
        assert attribute.is_mandatory(category) == (row[f"mandatory_{category.value}"] == "x")
    assert {r.value for r in attribute.pli_roles} == {r for r in row["pli_roles"].split("|") if r}
    assert attribute.base_type in SUPPORTED_VALUE_TYPES
    assert attribute.is_dynamic == (attribute.behaviour is Behaviour.DYNAMIC)


def test_enum_attributes_expose_their_options() -> None:
    assert ATTRIBUTES["battery_status"].enum_options == ("original", "repurposed", "re-used", "remanufactured", "waste")
    assert ATTRIBUTES["battery_category"].enum_options == tuple(c.value for c in BatteryCategory)
    assert ATTRIBUTES["battery_mass_kg"].enum_options == ()


def test_restricted_attributes_name_their_roles_and_others_none() -> None:
    for attribute in ATTRIBUTES.values():
        restricted = attribute.access in (
            AccessLevel.LEGITIMATE_INTEREST,
            AccessLevel.LEGITIMATE_INTEREST_AND_COMMISSION,
        )
        assert bool(attribute.pli_roles) == restricted, attribute.key
    # DIN DKE SPEC 99100 §6.5.4 e): the detailed composition goes to sorters, dismantlers and recyclers
    assert ATTRIBUTES["cathode_anode_electrolyte_materials"].pli_roles == {
        PliRole.RECYCLER,
        PliRole.DISMANTLER,
        PliRole.SORTER,
    }


def test_unknown_key_is_refused_with_a_suggestion() -> None:
    with pytest.raises(InvalidInputError) as info:
        get_attribute("battery_mass")
    assert info.value.field == "attributes.battery_mass"
    assert "battery_mass_kg" in info.value.reason


def _rows() -> list[dict[str, str]]:
    return [dict(row) for row in ROWS]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows.pop(), "holds 92 attributes, expected 93"),
        (lambda rows: rows[1].update(key=rows[0]["key"]), "duplicate key"),
        (lambda rows: rows[1].update(number="1"), "duplicate number 1"),
        (lambda rows: rows[4].update(access="pub"), "'pub' is not a valid AccessLevel"),
        (lambda rows: rows[4].update(behaviour="sometimes"), "not a valid Behaviour"),
        (lambda rows: rows[4].update(level="pack"), "not a valid Level"),
        (lambda rows: rows[4].update(mandatory_ev="y"), "not a valid Requirement"),
        (lambda rows: rows[4].update(value_type="blob"), "unknown value_type 'blob'"),
        (lambda rows: rows[6].update(pli_roles="recycler|janitor"), "not a valid PliRole"),
        (lambda rows: rows[6].update(pli_roles=""), "pli_roles must be given exactly"),
        (lambda rows: rows[0].update(pli_roles="recycler"), "pli_roles must be given exactly"),
        (lambda rows: rows[10].update(level="model"), "dynamic data belongs to the individual battery"),
        (lambda rows: rows[0].update(key="Passport ID"), "must be snake_case"),
        (lambda rows: rows[0].pop("stored_unit"), "missing column 'stored_unit'"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_row(change, message) -> None:
    rows = _rows()
    change(rows)
    with pytest.raises(ReferenceDataError) as info:
        parse_attributes(rows)
    assert message in str(info.value)
    assert "passport/attributes.csv is malformed" in str(info.value)


def test_the_shipped_file_parses_unchanged() -> None:
    parsed = parse_attributes(_rows())
    assert list(parsed) == list(ATTRIBUTES)
    assert all(parsed[k] == ATTRIBUTES[k] for k in parsed)


def test_requirement_marks_are_the_longlists() -> None:
    assert {r.value for r in Requirement} == {"x", "o", "-"}
    assert attrs.EXPECTED_ATTRIBUTE_COUNT == 93
