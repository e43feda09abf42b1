"""Product quality grading against the specifications of ``data/grading/specifications.toml``.

Table-driven: for every parameter of every specification, an assay that passes on the limit and one that fails
just beyond it (exactly that parameter failing). Golden cases cite the reference numbers (recycling-process-data.md
§5.1/§5.2 for the battery-grade salts, §3.4 for black mass).
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from batteryloop.domain.errors import ReferenceDataError
from batteryloop.domain.grading import (
    FAIL,
    NOT_MEASURED,
    PASS,
    STATUSES,
    UNCONFIRMED,
    Specification,
    SpecParameter,
    get_grading_data,
    grade,
    parse_grading_data,
)
from batteryloop.domain.refdata import read_toml
from batteryloop.domain.transport import ClassificationInputError

DATA = get_grading_data()
STEP = Decimal("0.001")


def _inside(p: SpecParameter) -> Decimal:
    """A value well inside the limits."""
    if p.minimum is not None and p.maximum is not None:
        return (p.minimum + p.maximum) / 2
    if p.minimum is not None:
        return (p.minimum + (Decimal(100) if p.unit == "%" else p.minimum * 2)) / 2
    assert p.maximum is not None
    return p.maximum / 2


def _assay(spec: Specification, **override: Decimal) -> dict[str, Any]:
    """An assay of every (non-derived) parameter of ``spec`` well inside its limits, with ``override``."""
    assay: dict[str, Any] = {"content_pct": {}, "impurities_ppm": {}}
    for p in spec.parameters:
        if p.sum_of:
            continue
        value = override.get(p.name, _inside(p))
        if p.main:
            assay["main_content_pct"] = value
        elif p.unit == "pH":
            assay["ph"] = value
        else:
            assay["content_pct" if p.unit == "%" else "impurities_ppm"][p.name] = value
    return assay


def _cases() -> list[Any]:
    """(spec, parameter, side, passing value, failing value) for every bound of every parameter."""
    cases = []
    for spec in DATA.specifications.values():
        for p in spec.parameters:
            if p.minimum is not None:
                cases.append(pytest.param(spec, p, "min", p.minimum, p.minimum - STEP, id=f"{spec.id}:{p.name}:min"))
            if p.maximum is not None:
                on, beyond = (p.maximum - STEP, p.maximum) if p.max_exclusive else (p.maximum, p.maximum + STEP)
                cases.append(pytest.param(spec, p, "max", on, beyond, id=f"{spec.id}:{p.name}:max"))
    return cases


def _derived_override(spec: Specification, p: SpecParameter, side: str, total: Decimal) -> dict[str, Decimal]:
    """Component values summing to ``total``: the second on its own bound of ``side``, the first the rest."""
    first, second = (next(q for q in spec.parameters if q.name == n) for n in p.sum_of)
    bound = second.minimum if side == "min" else second.maximum
    assert bound is not None
    return {first.name: total - bound, second.name: bound}


def test_the_baseline_assay_of_every_specification_passes() -> None:
    for spec in DATA.specifications.values():
        result = grade(spec.product, _assay(spec), spec.id)
        assert result.verdict == PASS, (spec.id, [c.reason for c in result.grades[0].checks])
        assert [c.parameter.name for c in result.grades[0].checks] == [p.name for p in spec.parameters]


@pytest.mark.parametrize(("spec", "param", "side", "passing", "failing"), _cases())
def test_every_parameter_passes_on_its_limit_and_fails_beyond_it(
    spec: Specification, param: SpecParameter, side: str, passing: Decimal, failing: Decimal
) -> None:
    if param.sum_of:
        ok, bad = _derived_override(spec, param, side, passing), _derived_override(spec, param, side, failing)
    else:
        ok, bad = {param.name: passing}, {param.name: failing}
    good = grade(spec.product, _assay(spec, **ok), spec.id).grades[0]
    check = next(c for c in good.checks if c.parameter.name == param.name)
    assert good.verdict == PASS, [c.reason for c in good.checks if c.outcome != PASS]
    assert check.outcome == PASS and check.value == passing
    if not param.max_exclusive or side == "min":
        assert "on the limit" in check.reason

    failed = grade(spec.product, _assay(spec, **bad), spec.id).grades[0]
    check = next(c for c in failed.checks if c.parameter.name == param.name)
    assert failed.verdict == FAIL
    assert check.outcome == FAIL and check.value == failing
    if param.sum_of:
        # the sum's bounds are the sums of its components' bounds (Ni 15 + Co 5 = Ni+Co 20): it fails only with one
        assert param.name in failed.failing and len(failed.failing) == 2
    else:
        assert failed.failing == (param.name,)
    expected = {"min": "below the minimum", "max": "strict '<'" if param.max_exclusive else "exceeds the maximum"}
    assert expected[side] in check.reason


# ------------------------------------------------------------------------------------------ golden cases
def _by_id(result: Any, spec_id: str) -> Any:
    return next(g for g in result.grades if g.specification.id == spec_id)


def test_li2co3_fastmarkets_china_numbers() -> None:
    # FM China spot spec (notice of 2020-05-30): Li2CO3 >= 99.5 %, Na <= 0.025 %, Ca <= 0.005 %, Mg <= 0.008 %,
    # magnetic <= 300 ppb
    spec = "li2co3-fastmarkets-china"
    lot = {"main_content_pct": 99.5, "impurities_ppm": {"Na": 250, "Ca": 50, "Mg": 80, "magnetic": 0.3}}
    assert grade("Li2CO3", lot, spec).verdict == PASS
    # 0.025 % Na is 250 ppm exactly (ppm = 10^4 x %)
    as_pct = {"main_content_pct": 99.5, "content_pct": {"Na": 0.025}, "impurities_ppm": {"Ca": 5, "Mg": 8}}
    as_pct["impurities_ppm"]["magnetic"] = 0.1
    result = grade("lithium carbonate", as_pct, spec)
    na = result.grades[0].checks[1]
    assert result.verdict == PASS and na.value == 250 and "given as 0.025 %" in na.reason
    low = grade("Li2CO3", {**lot, "main_content_pct": 99.49}, spec)
    assert low.verdict == FAIL and low.grades[0].failing == ("Li2CO3",)
    assert "below the minimum 99.5 % by 0.01 %" in low.grades[0].checks[0].reason
    high_na = grade("Li2CO3", {**lot, "impurities_ppm": {**lot["impurities_ppm"], "Na": 251}}, spec)
    assert "Na 251 ppm exceeds the maximum 250 ppm by 1 ppm" in high_na.grades[0].checks[1].reason


def test_li2co3_seaborne_accepts_what_china_refuses() -> None:
    # seaborne: Na <= 0.060 %, Ca <= 0.016 %, Mg <= 0.008 %, Li2CO3 99.2 % accepted
    lot = {"main_content_pct": 99.3, "impurities_ppm": {"Na": 600, "Ca": 160, "Mg": 80, "magnetic": 0.2}}
    result = grade("Li2CO3", lot)
    assert result.verdict == PASS
    assert result.best is not None and result.best.specification.id == "li2co3-fastmarkets-seaborne"
    china = _by_id(result, "li2co3-fastmarkets-china")
    assert china.verdict == FAIL and set(china.failing) == {"Li2CO3", "Na", "Ca"}


def test_best_grade_is_the_first_met_in_rank_order() -> None:
    spec = DATA.specifications["li2co3-battery-ys582"]
    tighter = {"Ca": 25, "Mg": 40, "Fe": 4, "Ni": 4, "Pb": 1, "SO4": 50, "Si": "0.5"}
    result = grade("Li2CO3", _assay(spec, **{k: Decimal(v) for k, v in tighter.items()}))
    assert result.best is not None and result.best.specification.id == "li2co3-battery-ys582"
    assert any("also meets" in r and "China spot" in r for r in result.reasons)
    # T/QHLM needs B, which the assay lacks: not a pass, not a fail
    assert _by_id(result, "li2co3-battery-tqhlm-2018").verdict == UNCONFIRMED
    assert result.certified is result.best


def test_lioh_co2_limit_is_strict() -> None:
    # FM China LiOH.H2O: LiOH >= 56.5 %, CO2 < 0.35 %, Ca <= 0.005 %, SO4 <= 0.01 %, Cl <= 0.002 %
    lot = {"main_content_pct": 56.5, "content_pct": {"CO2": 0.35}, "impurities_ppm": {"Ca": 50, "SO4": 100, "Cl": 20}}
    on = grade("LiOH·H2O", lot, "lioh-fastmarkets-china")
    assert on.verdict == FAIL and on.grades[0].failing == ("CO2",)
    below = grade("LiOH", {**lot, "content_pct": {"CO2": 0.349}}, "lioh-fastmarkets-china")
    assert below.verdict == PASS


def test_nickel_sulfate_ranges_and_cobalt_limits() -> None:
    # FM: CIF Japan/Korea Ni 22.0-22.3 %, Co <= 50 ppm; exw China Ni 21-22.5 %, Co <= 10 ppm
    spec = DATA.specifications["niso4-battery-cjk"]
    result = grade("NiSO4", _assay(spec, Ni=Decimal("22.3"), Co=Decimal(50)))
    assert result.best is not None and result.best.specification.id == "niso4-battery-cjk"
    assert _by_id(result, "niso4-battery-china").failing == ("Co",)
    china_only = grade("nickel sulfate", _assay(spec, Ni=Decimal(21), Co=Decimal(10)))
    assert china_only.best is not None and china_only.best.specification.id == "niso4-battery-china"
    assert _by_id(china_only, "niso4-battery-cjk").failing == ("Ni",)
    assert any("[V-ambiguous]" in a for a in _by_id(china_only, "niso4-battery-cjk").assumptions)


def test_cobalt_sulfate_high_class_but_below_fastmarkets_main_content() -> None:
    # HG/T 4822-2015 Co >= 20.0 %; FM China Co >= 20.5 %
    spec = DATA.specifications["coso4-battery-hgt4822-high"]
    result = grade("CoSO4·7H2O", _assay(spec, Co=Decimal("20.2")))
    assert result.best is not None and result.best.specification.id == "coso4-battery-hgt4822-high"
    assert _by_id(result, "coso4-fastmarkets-china").failing == ("Co",)


def test_manganese_sulfate_ph_window() -> None:
    # FM MB-MN-0008: pH 4.0-6.5
    spec = DATA.specifications["mnso4-fastmarkets-battery"]
    for ph, verdict in (("4.0", PASS), ("6.5", PASS), ("3.99", FAIL), ("6.51", FAIL)):
        assert grade("MnSO4", _assay(spec, pH=Decimal(ph)), spec.id).verdict == verdict, ph


def test_black_mass_aluminium_limit_follows_the_date() -> None:
    # Europe/SE Asia: Al <= 6 % (Sept 2023), cut to <= 2 % from 2024-04-24
    lot = {"content_pct": {"Ni": 20, "Co": 7, "Li": 4, "Al": 3, "Cu": 1}}
    before = grade("black mass", lot, as_of=date(2024, 4, 23))
    assert before.best is not None and before.best.specification.id == "bm-fastmarkets-europe-2023"
    after = grade("black_mass", lot, as_of=date(2024, 4, 24))
    assert _by_id(after, "bm-fastmarkets-europe-2024").failing == ("Al",)
    assert all(g.specification.id != "bm-fastmarkets-europe-2023" for g in after.grades)
    today = grade("BM", lot)
    assert "bm-fastmarkets-europe-2023" not in {g.specification.id for g in today.grades}
    named = grade("BM", lot, "bm-fastmarkets-europe-2023")
    assert named.verdict == PASS and not named.grades[0].in_force
    assert any("not in force" in r for r in named.reasons)


def test_black_mass_sum_and_miit_strict_limits() -> None:
    lot = {"content_pct": {"Ni": 20, "Co": 7, "Li": 4, "Al": 1.5, "Cu": 1.49, "F": 2, "Fe": 0.5}}
    result = grade("black_mass", lot)
    usa = _by_id(result, "bm-fastmarkets-usa-2024")
    ni_co = next(c for c in usa.checks if c.parameter.name == "Ni+Co")
    assert ni_co.value == 27 and "(Ni 20 + Co 7)" in ni_co.reason
    # MIIT 2024: Al < 1.5 %, Cu < 1.5 %
    assert _by_id(result, "bm-miit-2024-electrode-powder").failing == ("Al",)


def test_not_measured_makes_the_grade_unconfirmed() -> None:
    result = grade("Li2CO3", {"main_content_pct": 99.6, "impurities_ppm": {"Na": 100}}, "li2co3-fastmarkets-china")
    g = result.grades[0]
    assert result.verdict == UNCONFIRMED and result.best is None
    assert g.not_measured == ("Ca", "Mg", "magnetic")
    assert all("cannot be confirmed" in c.reason for c in g.checks if c.outcome == NOT_MEASURED)
    failing_too = grade("Li2CO3", {"main_content_pct": 99.0}, "li2co3-fastmarkets-china")
    assert failing_too.verdict == FAIL and any("not measured either" in r for r in failing_too.reasons)
    sum_missing = grade("BM", {"content_pct": {"Ni": 20}}, "bm-fastmarkets-usa-2024").grades[0]
    assert "needs Ni and Co" in next(c.reason for c in sum_missing.checks if c.parameter.name == "Ni+Co")


def test_unverified_limits_are_listed_and_methods_carried() -> None:
    result = grade(
        "Li2CO3",
        {"main_content_pct": 99.6, "impurities_ppm": {"K": 5}, "methods": {"k": "ICP-OES"}},
        "li2co3-battery-ys582",
    )
    g = result.grades[0]
    assert any(a.startswith("K <= 10 ppm is [U]") for a in g.assumptions)
    assert next(c for c in g.checks if c.parameter.name == "K").method == "ICP-OES"


def test_measured_but_unlimited_parameters_are_named() -> None:
    result = grade("Li2CO3", {"main_content_pct": 99.6, "impurities_ppm": {"B": 5}}, "li2co3-fastmarkets-china")
    assert result.grades[0].not_limited == ("B",)


# ------------------------------------------------------------------------------------------ bad input
def _problems(product: object, assay: object, spec: object = None) -> dict[str, str]:
    with pytest.raises(ClassificationInputError) as excinfo:
        grade(product, assay, spec)
    return {p.field: p.reason for p in excinfo.value.problems}


def test_every_bad_value_is_listed_with_its_field() -> None:
    problems = _problems(
        "Li2CO3",
        {
            "main_content_pct": 100.5,
            "impurities_ppm": {"Na": -1, "Nax": 3, "Ca": "12", "Mg": None, "Fe": 2_000_000},
            "content_pct": {"H2O": 101},
            "ph": 7,
            "methods": {"Cu": "ICP", "Na": 5},
            "colour": "white",
        },
    )
    assert "at most 100 %" in problems["assay.main_content_pct"]
    assert "zero or more" in problems["assay.impurities_ppm.Na"]
    assert "unknown parameter 'Nax'" in problems["assay.impurities_ppm.Nax"]
    assert "did you mean 'Na'" in problems["assay.impurities_ppm.Nax"]
    assert "must be a number" in problems["assay.impurities_ppm.Ca"]
    assert "null" in problems["assay.impurities_ppm.Mg"]
    assert "at most 1000000 ppm" in problems["assay.impurities_ppm.Fe"]
    assert "at most 100 %" in problems["assay.content_pct.H2O"]
    assert "limits pH" in problems["assay.ph"]
    assert "no measured parameter" in problems["assay.methods.Cu"]
    assert "method as text" in problems["assay.methods.Na"]
    assert "unknown field" in problems["assay.colour"]


def test_product_and_specification_problems() -> None:
    problems = _problems("Li2CO4", {"main_content_pct": -3}, "nope")
    assert "did you mean 'Li2CO3'" in problems["product"]
    assert "unknown specification 'nope'" in problems["specification"]
    assert "zero or more" in problems["assay.main_content_pct"]
    assert (
        "is for CoSO4·7H2O, not Li2CO3"
        in _problems("Li2CO3", {"main_content_pct": 99}, "coso4-fastmarkets-china")["specification"]
    )
    assert "is required" in _problems(None, {"main_content_pct": 1})["product"]
    assert "must be an object" in _problems("Li2CO3", [1, 2])["assay"]
    assert "is required" in _problems("Li2CO3", None)["assay"]
    assert "has no value" in _problems("Li2CO3", {})["assay"]


def test_names_that_cannot_go_where_given() -> None:
    assert "no main content" in _problems("BM", {"main_content_pct": 20})["assay.main_content_pct"]
    assert "computed from Ni and Co" in _problems("BM", {"content_pct": {"Ni+Co": 27}})["assay.content_pct.Ni+Co"]
    twice = _problems("Li2CO3", {"main_content_pct": 99.6, "content_pct": {"Li2CO3": 99.6}})
    assert "given twice" in twice["assay.content_pct.Li2CO3"]
    assert "give pH in assay.ph" in _problems("MnSO4", {"content_pct": {"pH": 5}})["assay.content_pct.pH"]
    assert "at most 14 pH" in _problems("MnSO4", {"ph": 15})["assay.ph"]


# ------------------------------------------------------------------------------------------ reference data
def test_data_file_covers_the_products_and_cites_dated_sources() -> None:
    assert set(DATA.products) == {"Li2CO3", "LiOH·H2O", "NiSO4·6H2O", "CoSO4·7H2O", "MnSO4·H2O", "black_mass"}
    assert len(DATA.specifications) == 17
    assert sum(len(s.parameters) for s in DATA.specifications.values()) == 170
    assert all(s.date for s in DATA.sources.values())
    statuses = {p.status for s in DATA.specifications.values() for p in s.parameters}
    assert statuses <= set(STATUSES)


def _raw() -> dict[str, Any]:
    return copy.deepcopy(read_toml("grading/specifications.toml"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("sources"), "[sources] table is missing"),
        (lambda d: d["sources"]["FM_LI"].update(date="May 2020"), "date must be"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][1].update(source="XX"), "unknown"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][1].update(status="[X]"), "status"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][1].update(max=250), "decimal str"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][1].update(maximum="1"), "unknown"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][0].update(max="99"), "below max"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][0].update(min="101"), "scale"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][1].pop("max"), "needs min, max"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"].update(rank=1), "share a rank"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"].update(product="Li3PO4"), "not in [products]"),
        (lambda d: d["specifications"]["li2co3-fastmarkets-china"]["parameters"][0].pop("main"), "disagree"),
        (lambda d: d["specifications"]["bm-fastmarkets-usa-2024"]["parameters"][6].update(sum_of=["Ni", "Mn"]), "sum"),
        (lambda d: d["specifications"]["bm-fastmarkets-usa-2024"].update(valid_from="2024-08"), "ISO date"),
    ],
)
def test_malformed_data_is_refused(mutate: Any, message: str) -> None:
    data = _raw()
    mutate(data)
    with pytest.raises(ReferenceDataError) as excinfo:
        parse_grading_data(data)
    assert message in str(excinfo.value)
