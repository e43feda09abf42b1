"""European List of Waste codes by date: the old list before 9 November 2026, Delegated Decision (EU) 2025/934 from it.

Expected values from regulation-rules.md §4.1 ("Platform rule: before 9 Nov 2026 -> old list; on or after -> new
list. A waste EV pack -> 16 06 07*. Black mass from Li batteries -> 19 14 02*. An off-spec pack from a gigafactory
-> 16 06 24*"; Li-ion batteries were usually 16 06 05, non-hazardous).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.transport import ClassificationInputError, classify_waste_code
from batteryloop.domain.transport.waste_codes import CHEMISTRIES, ITEMS

LAST_OLD_DAY = dt.date(2026, 11, 8)
FIRST_NEW_DAY = dt.date(2026, 11, 9)


def test_lithium_battery_16_06_05_until_8_nov_2026_then_16_06_07_hazardous() -> None:
    old = classify_waste_code(item="battery", chemistry="lithium_ion", date=LAST_OLD_DAY)
    assert (old.code, old.hazardous, old.list_version) == ("16 06 05", False, "2000/532/EC")
    assert old.description == "other batteries and accumulators"
    assert old.list_applies_until == LAST_OLD_DAY
    assert any("From 2026-11-09 (2025/934) the same waste is 16 06 07*, hazardous" in r for r in old.reasons)
    new = classify_waste_code(item="battery", chemistry="lithium_ion", date=FIRST_NEW_DAY)
    assert (new.code, new.hazardous, new.list_version) == ("16 06 07*", True, "2025/934")
    assert new.description == "waste lithium-based batteries"
    assert new.list_applies_from == FIRST_NEW_DAY and new.list_applies_until is None
    metal = classify_waste_code(item="battery", chemistry="lithium_metal", date=FIRST_NEW_DAY)
    assert metal.code == "16 06 07*"


def test_black_mass_has_no_entry_before_and_is_19_14_02_from_9_nov_2026() -> None:
    old = classify_waste_code(item="black_mass", chemistry="lithium_ion", date=LAST_OLD_DAY)
    assert old.code is None and old.hazardous is None and old.description is None
    assert old.candidates == ("19 12 11*", "19 12 12")
    assert any("no entry for black mass" in r for r in old.reasons)
    new = classify_waste_code(item="black_mass", chemistry="lithium_ion", date=FIRST_NEW_DAY)
    assert (new.code, new.hazardous) == ("19 14 02*", True)
    assert "black mass" in (new.description or "")
    assert new.candidates == ()


def test_manufacturing_waste_is_a_mirror_entry_16_06_24_by_default() -> None:
    off_spec = classify_waste_code(item="manufacturing_waste", chemistry="lithium_ion", date=FIRST_NEW_DAY)
    assert (off_spec.code, off_spec.hazardous, off_spec.mirror_entry) == ("16 06 24*", True, True)
    assert off_spec.alternative_code == "16 06 25"
    anode = classify_waste_code(
        item="manufacturing_waste", chemistry="lithium_ion", date=FIRST_NEW_DAY, contains_hazardous_substances=False
    )
    assert (anode.code, anode.hazardous, anode.alternative_code) == ("16 06 25", False, "16 06 24*")
    before = classify_waste_code(item="manufacturing_waste", chemistry="lithium_ion", date=LAST_OLD_DAY)
    assert before.code is None and before.candidates == ("16 06 05",)


@pytest.mark.parametrize(
    ("chemistry", "old", "new"),
    [
        ("lead_acid", "16 06 01*", "16 06 01*"),
        ("nickel_cadmium", "16 06 02*", "16 06 02*"),
        ("alkaline", "16 06 04", "16 06 04*"),  # becomes hazardous
        ("nickel_metal_hydride", "16 06 05", "16 06 08*"),
        ("sodium_nickel_chloride", "16 06 05", "16 06 08*"),
        ("zinc_based", "16 06 05", "16 06 09*"),
        ("sodium_ion", "16 06 05", "16 06 10*"),
        ("sodium_sulphur", "16 06 05", "16 06 11*"),
    ],
)
def test_battery_codes_on_both_sides_of_9_nov_2026(chemistry: str, old: str, new: str) -> None:
    before = classify_waste_code(item="battery", chemistry=chemistry, date=LAST_OLD_DAY)
    after = classify_waste_code(item="battery", chemistry=chemistry, date=FIRST_NEW_DAY)
    assert (before.code, after.code) == (old, new)
    assert before.hazardous is old.endswith("*") and after.hazardous is new.endswith("*")


def test_every_item_and_chemistry_has_an_answer_on_both_lists() -> None:
    for day in (LAST_OLD_DAY, FIRST_NEW_DAY):
        for item in ITEMS:
            for chemistry in CHEMISTRIES:
                result = classify_waste_code(item=item, chemistry=chemistry, date=day)
                assert result.code is not None or result.candidates
                assert result.reasons


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"chemistry": "lithium_ionn"}, "chemistry", "did you mean 'lithium_ion'"),
        ({"chemistry": "NMC811"}, "chemistry", "'lithium_ion'"),
        ({"chemistry": None}, "chemistry", "required"),
        ({"item": "slag"}, "item", "battery, black_mass, manufacturing_waste"),
        ({"date": None}, "date", "required"),
        ({"contains_hazardous_substances": "no"}, "contains_hazardous_substances", "true or false"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    arguments: dict[str, Any] = {"item": "battery", "chemistry": "lithium_ion", "date": FIRST_NEW_DAY, **changes}
    with pytest.raises(ClassificationInputError) as excinfo:
        classify_waste_code(**arguments)
    found = {p.field: p.reason for p in excinfo.value.problems}
    assert words in found[field]


def test_aliases_and_dates_before_the_list() -> None:
    assert classify_waste_code(item="Black mass", chemistry="Li-ion", date=FIRST_NEW_DAY).code == "19 14 02*"
    assert classify_waste_code(item="battery", chemistry="NiMH", date=FIRST_NEW_DAY).code == "16 06 08*"
    with pytest.raises(InvalidInputError) as excinfo:
        classify_waste_code(item="battery", chemistry="lithium_ion", date=dt.date(2001, 12, 31))
    assert excinfo.value.field == "date"
