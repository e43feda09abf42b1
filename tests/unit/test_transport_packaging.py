"""Packaging checked against the classification (regulation-rules.md §3.3 packing instructions, §3.4 thresholds).

"One pack per package above 30 kg net; a shipment whose packaging does not fit (P909 for a critically damaged
pack) is refused with the reason."
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.transport import (
    ClassificationInputError,
    TransportClassification,
    check_packaging,
    classify_for_transport,
)
from batteryloop.domain.transport.packaging import PackagingRefusedError

DAY = dt.date(2026, 3, 15)


def classify(**changes: Any) -> TransportClassification:
    base: dict[str, Any] = {
        "chemistry": "lithium_ion",
        "configuration": "alone",
        "energy_wh": 60_000,
        "gross_mass_kg": 380,
        "condition": "intact",
        "date": DAY,
    }
    return classify_for_transport(**{**base, **changes})


def test_p909_for_a_critically_damaged_pack_is_refused_with_the_reason() -> None:
    # D9: SP 376 requires P911 or LP906; P909 is for intact batteries under SP 377.
    check = check_packaging(
        classify(condition="critically_damaged"), packaging_code="P909", net_mass_kg_per_package=380
    )
    assert check.accepted is False
    (problem,) = check.problems
    assert problem.field == "packaging_code"
    assert "P909 is for cells and batteries carried for disposal or recycling (SP 377)" in problem.reason
    assert "critically damaged" in problem.reason and "row D9" in problem.reason
    assert "P911 or LP906" in problem.reason
    with pytest.raises(PackagingRefusedError) as excinfo:
        check.raise_if_refused()
    assert isinstance(excinfo.value, InvalidInputError) and excinfo.value.field == "packaging_code"


def test_p911_and_lp906_fit_a_critically_damaged_pack() -> None:
    critical = classify(condition="critically_damaged")
    for code in ("P911", "lp906", "LP 906"):
        check = check_packaging(critical, packaging_code=code, net_mass_kg_per_package=380)
        assert check.accepted, check.problems
        check.raise_if_refused()


def test_p908_one_pack_per_package_above_30_kg_net() -> None:
    # §3.3 P908 / §3.4: net mass > 30 kg -> one battery per outer packaging.
    damaged = classify(condition="damaged_stable")
    two_packs = check_packaging(damaged, packaging_code="P908", net_mass_kg_per_package=80, batteries_per_package=2)
    assert not two_packs.accepted
    assert two_packs.problems[0].field == "batteries_per_package"
    assert "more than 30 kg net goes alone" in two_packs.problems[0].reason
    assert check_packaging(damaged, packaging_code="P908", net_mass_kg_per_package=380).accepted
    small_modules = check_packaging(damaged, packaging_code="P908", net_mass_kg_per_package=60, batteries_per_package=2)
    assert small_modules.accepted  # 30 kg each: not more than 30 kg
    heaviest = check_packaging(
        damaged, packaging_code="P908", net_mass_kg_per_package=50, batteries_per_package=2, battery_net_mass_kg=31
    )
    assert not heaviest.accepted


def test_large_packagings_hold_a_single_battery() -> None:
    check = check_packaging(classify(), packaging_code="LP903", net_mass_kg_per_package=700, batteries_per_package=2)
    assert not check.accepted and "single battery" in check.problems[0].reason
    assert check_packaging(classify(), packaging_code="LP903", net_mass_kg_per_package=380).accepted


def test_p909_paragraph_must_fit_the_row() -> None:
    # D4 (EV pack): P909(1)/(4) or LP903; P909(2) is for small batteries only.
    check = check_packaging(classify(), packaging_code="P909(2)", net_mass_kg_per_package=380)
    assert not check.accepted and "P909(1) or P909(4) or LP903" in check.problems[0].reason
    assert check_packaging(classify(), packaging_code="P909(4)", net_mass_kg_per_package=380).accepted


def test_p909_2_packages_are_limited_to_30_kg_gross() -> None:
    small = classify(energy_wh=80, cell_energy_wh=10, gross_mass_kg=0.6)
    ok = check_packaging(
        small,
        packaging_code="P909(2)",
        net_mass_kg_per_package=24,
        batteries_per_package=40,
        gross_mass_kg_per_package=30,
    )
    assert ok.accepted
    heavy = check_packaging(
        small,
        packaging_code="P909(2)",
        net_mass_kg_per_package=30,
        batteries_per_package=50,
        gross_mass_kg_per_package=35,
    )
    assert not heavy.accepted and heavy.problems[0].field == "gross_mass_kg_per_package"


def test_sp636_transport_unit_limit_of_333_kg() -> None:
    collected = classify(
        energy_wh=50, cell_energy_wh=12, gross_mass_kg=0.3, stage="collection_to_intermediate_facility"
    )
    assert collected.branch_row == "D1"
    fits = check_packaging(collected, packaging_code="P909", net_mass_kg_per_package=33.3, packages=10)
    assert fits.accepted  # 333 kg: inclusive
    over = check_packaging(collected, packaging_code="P909", net_mass_kg_per_package=20, packages=20)
    assert not over.accepted and over.problems[0].field == "packages"
    assert "400 kg" in over.problems[0].reason


def test_vehicles_need_no_packaging_and_a_battery_to_remove_is_not_ready() -> None:
    vehicle: dict[str, Any] = {"configuration": "installed_in_vehicle", "energy_wh": None, "gross_mass_kg": None}
    intact = classify(**vehicle)
    assert check_packaging(intact, packaging_code=None, net_mass_kg_per_package=450).accepted
    assert not check_packaging(intact, packaging_code="P909", net_mass_kg_per_package=450).accepted
    remove = classify(**vehicle, condition="damaged_stable", damage_affects_battery_safety=True)
    check = check_packaging(remove, packaging_code="P908", net_mass_kg_per_package=450)
    assert not check.accepted and "Remove the battery" in check.problems[0].reason


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"net_mass_kg_per_package": -1}, "net_mass_kg_per_package"),
        ({"net_mass_kg_per_package": None}, "net_mass_kg_per_package"),
        ({"batteries_per_package": 0}, "batteries_per_package"),
        ({"packages": 1.5}, "packages"),
        ({"battery_net_mass_kg": 400}, "battery_net_mass_kg"),
        ({"gross_mass_kg_per_package": 100}, "gross_mass_kg_per_package"),
    ],
)
def test_bad_packaging_input_raises_naming_the_field(changes: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"packaging_code": "P909", "net_mass_kg_per_package": 380, **changes}
    with pytest.raises(ClassificationInputError) as excinfo:
        check_packaging(classify(), **arguments)
    assert field in {p.field for p in excinfo.value.problems}


def test_unknown_code_is_refused() -> None:
    check = check_packaging(classify(), packaging_code="crate", net_mass_kg_per_package=380)
    assert not check.accepted and "not a packing instruction code" in check.problems[0].reason
