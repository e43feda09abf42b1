"""Completeness per battery category, against the mandatory columns of data/passport/attributes.csv.

Mandatory counts (x marks) of the longlist v1.2: EV 70, LMT 79, industrial 72, stationary 80; recomputed below
from the CSV.
"""

from __future__ import annotations

import pytest

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.attributes import BatteryCategory, Level
from batteryloop.domain.passport.completeness import check_completeness
from tests.unit.passport._samples import ROWS, good_record

COUNTS = {"ev": 70, "lmt": 79, "industrial": 72, "stationary": 80}


def _mandatory(category: str, level: str | None = None) -> list[str]:
    return [
        row["key"] for row in ROWS if row[f"mandatory_{category}"] == "x" and (level is None or row["level"] == level)
    ]


@pytest.mark.parametrize("category", list(BatteryCategory))
def test_a_full_record_is_complete(category: BatteryCategory) -> None:
    report = check_completeness(good_record(), category)
    assert report.is_complete
    assert report.mandatory_count == report.present_count == COUNTS[category.value]
    assert report.missing_keys == () and report.reasons == ()
    assert report.complete_share == 1.0


@pytest.mark.parametrize("category", list(BatteryCategory))
def test_an_empty_record_misses_every_mandatory_attribute(category: BatteryCategory) -> None:
    report = check_completeness({}, category.value)
    assert list(report.missing_keys) == _mandatory(category.value)
    assert report.missing_count == COUNTS[category.value]
    assert report.complete_share == 0.0
    assert len(report.reasons) == report.missing_count


@pytest.mark.parametrize("category", list(BatteryCategory))
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["key"])
def test_dropping_one_attribute(category: BatteryCategory, row: dict[str, str]) -> None:
    record = good_record()
    del record[row["key"]]
    report = check_completeness(record, category)
    mandatory = row[f"mandatory_{category.value}"] == "x"
    assert report.missing_keys == ((row["key"],) if mandatory else ())
    total = COUNTS[category.value]
    assert report.complete_share == pytest.approx((total - 1) / total if mandatory else 1.0)
    if mandatory:
        assert f"#{row['number']} " in report.reasons[0]
        assert f"mandatory for {category.value} batteries" in report.reasons[0]


def test_empty_values_do_not_count_but_a_declared_empty_list_does() -> None:
    record = good_record() | {"battery_id": "  ", "battery_status": [], "hazardous_substances": []}
    report = check_completeness(record, BatteryCategory.EV)
    assert report.missing_keys == ("battery_id", "battery_status")


@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize("category", list(BatteryCategory))
def test_by_level(level: Level, category: BatteryCategory) -> None:
    report = check_completeness({}, category, level=level.value)
    assert list(report.missing_keys) == _mandatory(category.value, level.value)
    assert report.level is level


def test_ev_specific_attributes() -> None:
    # State of certified energy (#57) and the capacity threshold for exhaustion (#83) are mandatory for EV only.
    ev = check_completeness({}, "ev").missing_keys
    lmt = check_completeness({}, "lmt").missing_keys
    assert {"state_of_certified_energy_share", "capacity_threshold_for_exhaustion_share"} <= set(ev)
    assert not {"state_of_certified_energy_share", "capacity_threshold_for_exhaustion_share"} & set(lmt)


@pytest.mark.parametrize(
    ("category", "level", "field"),
    [("car", None, "battery_category"), ("EV", None, "battery_category"), ("ev", "pack", "level")],
)
def test_unknown_category_or_level(category: str, level: str | None, field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        check_completeness({}, category, level=level)
    assert info.value.field == field
