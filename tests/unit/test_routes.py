"""Recycling routes (``data/recovery/routes.toml``, ``batteryloop.domain.recovery.routes``): the data, the sorting
rules, and the expected outputs of each route through the recovery accounting.

EverBatt default yields used below (recycling-process-data.md §1.2): pre-treatment to black mass 95 % of the cathode
active material and graphite, 5 % of Cu and Al, Al and Cu 90 % (EB23 'Preproc. Par.'); hydrometallurgy Ni, Co, Mn
98 %, Li 90 % as Li2CO3, graphite 90 %; pyrometallurgy Co, Ni, Cu 95 % into the alloy, Li to the slag; direct
cathode 90 %, graphite 90 % (EB23 'CM Rec Par.'). Salts: Li2CO3 = 5.323 Li, NiSO4.6H2O = 4.478 Ni (§2.2).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain.chemistry import calculate_molar_mass_g_per_mol, estimate_pack_element_masses
from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.recovery import calculate_recovery
from batteryloop.domain.recovery.routedata import parse_routes
from batteryloop.domain.recovery.routes import (
    ROUTE_KINDS,
    check_sorting,
    elements_for_route,
    expected_outputs,
    get_routes,
)
from batteryloop.domain.refdata import read_toml
from batteryloop.domain.transport import ClassificationInputError

D = Decimal
GRAM = D("0.001")
# A pack-like input with round element masses [kg]: other mass (oxygen, solvents, casing) = 1000 - 465 = 535 kg.
PACK = {"Li": D(20), "Ni": D(100), "Co": D(30), "Mn": D(30), "Cu": D(80), "Al": D(50), "C": D(150), "F": D(5)}
# A black mass with round element masses [kg] (NMC-like, cf. §1.4: Li 4 %, Ni 20 %, Co 6 %, Mn 6 %, C 38 %).
BLACK_MASS = {"Li": D(40), "Ni": D(200), "Co": D(60), "Mn": D(60), "Cu": D(10), "Al": D(5), "C": D(380), "F": D(1)}


def lot(outputs: list[dict[str, Any]], mass: Decimal, elements: dict[str, Decimal]) -> dict[str, Any]:
    return {"battery_group": "lithium_based", "period_end": "2027-12-31",
            "input": {"mass_kg": mass, "elements_kg": elements}, "outputs": outputs}  # fmt: skip


def balance(outputs: list[dict[str, Any]]) -> tuple[Decimal, dict[str, Decimal]]:
    """Input-derived mass (mass less reagent) and element masses of the outputs, summed exactly."""
    mass = sum((o["mass_kg"] - o.get("reagent_kg", D(0)) for o in outputs), D(0))
    elements: dict[str, Decimal] = {}
    for o in outputs:
        for x, kg in o["elements_kg"].items():
            elements[x] = elements.get(x, D(0)) + kg
    return mass, elements


def by_name(outputs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (found,) = [o for o in outputs if o["name"] == name]
    return found


def problems(exc: pytest.ExceptionInfo[ClassificationInputError]) -> dict[str, str]:
    return {p.field: p.reason for p in exc.value.problems}


# ----------------------------------------------------------------------------------------------------------- data
def test_the_data_parses_with_the_everbatt_yields():
    data = get_routes()
    assert {r.kind for r in data.routes.values()} == set(ROUTE_KINDS)
    pre, hydro = data.routes["pretreatment"], data.routes["hydrometallurgy"]
    pyro, direct = data.routes["pyrometallurgy"], data.routes["direct"]
    assert pre.output("black_mass").yields["Li"] == D("0.95") and pre.output("black_mass").fate == "intermediate"
    assert pre.output("copper").yields["Cu"] == D("0.90") and pre.output("aluminium").yields["Al"] == D("0.90")
    assert hydro.output("nickel_sulfate").yields["Ni"] == D("0.98")
    assert hydro.output("lithium_carbonate").yields["Li"] == D("0.90")
    assert pyro.output("alloy").yields == {"Co": D("0.95"), "Ni": D("0.95"), "Cu": D("0.95")}
    assert pyro.output("slag").recovered_elements == frozenset() and "LFP" not in pyro.chemistries
    assert direct.single_chemistry and direct.output("cathode").yields["Ni"] == D("0.90")
    assert pre.inputs == ("pack", "module", "cell") and hydro.inputs == ("black_mass",)
    # EB23 hydro H2SO4 = Li/14*98 + (Co/59 + Ni/59 + Mn/55)*98*2 per kg black mass
    assert hydro.reagents["sulfuric_acid"].amount(D(1), {"Li": D(14)}) == D(98)
    for route in data.routes.values():
        for o in route.outputs:
            assert o.source in data.sources and o.status[:3] in ("[V]", "[D]", "[U]", "[S]")
    assert any("[U]" in a for a in pre.assumptions)  # the hardware scrap and the residue fate


def test_the_salt_factors_follow_from_the_atomic_weights():
    data = get_routes()
    hydro, lioh = data.routes["hydrometallurgy"], data.routes["hydrometallurgy_lioh"]
    li = calculate_molar_mass_g_per_mol({"Li": 1})
    li2co3 = calculate_molar_mass_g_per_mol({"Li": 2, "C": 1, "O": 3}) / (2 * li)
    lioh_h2o = calculate_molar_mass_g_per_mol({"Li": 1, "O": 2, "H": 3}) / li
    assert float(hydro.output("lithium_carbonate").product_factor or 0) == pytest.approx(li2co3, rel=1e-3)
    assert float(lioh.output("lithium_hydroxide").product_factor or 0) == pytest.approx(lioh_h2o, rel=1e-3)
    # NiSO4.6H2O = (58.693 + 32.06 + 10 x 15.999 + 12 x 1.008) / 58.693 (S = 32.06, IUPAC abridged)
    nickel = (58.693 + 32.06 + 10 * 15.999 + 12 * 1.008) / 58.693
    assert float(hydro.output("nickel_sulfate").product_factor or 0) == pytest.approx(nickel, rel=1e-3)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("outputs", 0, "yields", "Li"), "1.2", "fraction"),
        (("outputs", 1, "source"), "NOPE", "not in [sources]"),
        (("outputs", 0, "rd_code"), "R4", "does not stand for the fate"),
        (("chemistries",), ["NMC622", "NMC"], "ambiguous"),
        (("outputs", 1, "mass_share", "black_mass"), "0.1", "not an element symbol or a form"),
    ],
)
def test_malformed_data_is_refused(path, value, message):
    raw = copy.deepcopy(read_toml("recovery/routes.toml"))
    node = raw["routes"]["pretreatment"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ReferenceDataError, match=message.replace("[", r"\[")):
        parse_routes(raw)


def test_yields_above_one_over_a_route_are_refused():
    raw = copy.deepcopy(read_toml("recovery/routes.toml"))
    raw["routes"]["pyrometallurgy"]["outputs"][1]["yields"]["Co"] = "0.10"  # alloy 0.95 + slag 0.10
    with pytest.raises(ReferenceDataError, match="yields of Co add up to more than 1"):
        parse_routes(raw)


# -------------------------------------------------------------------------------------------------------- sorting
def bm(chemistry: str) -> dict[str, Any]:
    return {"chemistry": chemistry, "form": "black_mass"}


def pack(chemistry: str, condition: str = "intact", discharged: bool = True) -> dict[str, Any]:
    return {"chemistry": chemistry, "form": "pack", "condition": condition, "discharged": discharged}


def test_direct_recycling_refuses_two_chemistries():
    with pytest.raises(ClassificationInputError) as exc:
        check_sorting("direct", [bm("NMC622"), bm("NMC622"), bm("NMC811")])
    found = problems(exc)
    assert list(found) == ["feed[2].chemistry"]
    assert "item 2 is NMC811 but item 0 is NMC622" in found["feed[2].chemistry"]
    assert "rule single_chemistry" in found["feed[2].chemistry"]
    assert check_sorting("direct", [bm("NMC622"), bm("NCM622")]).chemistries == ("NMC622",)  # alias, one chemistry


def test_hydrometallurgy_keeps_lfp_and_nmc_apart_unless_mixed_feed():
    feed = [bm("NMC811"), bm("NMC622"), bm("LFP")]
    with pytest.raises(ClassificationInputError) as exc:
        check_sorting("hydrometallurgy", feed)
    found = problems(exc)
    assert list(found) == ["feed[2].chemistry"]
    assert "item 2 is LFP (phosphate) but item 0 is NMC811 (oxide)" in found["feed[2].chemistry"]
    assert "rule families_apart" in found["feed[2].chemistry"]
    mixed = check_sorting("hydrometallurgy", feed, mixed_feed=True)
    assert mixed.families == ("oxide", "phosphate") and mixed.mixed_feed
    assert "families_apart" not in mixed.rules


def test_a_damaged_pack_that_is_not_discharged_is_refused():
    feed = [pack("NMC622"), pack("NMC622", "damaged_stable", discharged=False), pack("NMC811", "critically_damaged")]
    with pytest.raises(ClassificationInputError) as exc:
        check_sorting("pretreatment", feed)
    found = problems(exc)
    assert list(found) == ["feed[1].discharged"]
    assert "item 1 is damaged_stable and not discharged" in found["feed[1].discharged"]
    assert "rule safe_discharge_first" in found["feed[1].discharged"]


def test_a_valid_lot_passes():
    feed = [pack("NMC622"), pack("NMC811", "damaged_stable", discharged=True), pack("NCA", discharged=False)]
    result = check_sorting("pretreatment", feed)
    assert result.chemistries == ("NMC622", "NMC811", "NCA") and result.families == ("oxide",)
    assert result.forms == ("pack",) and result.route_id == "pretreatment"
    assert check_sorting("pyrometallurgy", [pack("NMC811"), pack("NCA"), pack("LCO")]).mixed_feed  # nickel-based mix


def test_every_broken_rule_is_reported_with_its_item():
    feed = [pack("LFP"), {"chemistry": "NMC9000", "form": "cell", "condition": "intact", "discharged": True}, bm("NCA")]
    with pytest.raises(ClassificationInputError) as exc:
        check_sorting("pyrometallurgy", feed)
    found = problems(exc)
    assert "rule known_chemistry" in found["feed[0].chemistry"]  # LFP: its Li and Fe end in the slag
    assert "unknown chemistry 'NMC9000'" in found["feed[1].chemistry"]
    with pytest.raises(ClassificationInputError) as exc:
        check_sorting("hydrometallurgy", [pack("NMC622"), {"chemistry": "NMC622", "form": "cell"}])
    found = problems(exc)
    assert "rule input_form" in found["feed[0].form"]
    assert set(found) >= {"feed[1].condition", "feed[1].discharged"}


# -------------------------------------------------------------------------------------------------------- outputs
def nmc622_pack() -> tuple[Decimal, dict[str, Decimal]]:
    """The EB23 100-kWh NMC622 reference pack (514.8 kg) with the chemistry module's element estimate."""
    estimate = estimate_pack_element_masses(chemistry="NMC622", energy_kwh=100, pack_mass_kg=514.8)
    return D("514.800"), elements_for_route(estimate.element_mass_kg)


def route_inputs() -> list[tuple[str, str, Decimal, dict[str, Decimal]]]:
    pack_mass, pack_elements = nmc622_pack()
    black_mass = expected_outputs("pretreatment", pack_mass, pack_elements)[0]
    cells = estimate_pack_element_masses(chemistry="LFP", energy_kwh=60, pack_mass_kg=400, scale_by="energy")
    cell_mass = D(str(cells.basis.cell_mass_kg)).quantize(GRAM)
    cases = []
    for route_id, route in get_routes().routes.items():
        for form in route.inputs:
            if form == "black_mass":
                cases.append((route_id, form, black_mass["mass_kg"], black_mass["elements_kg"]))
            elif form == "cell" and "LFP" in route.chemistries:
                cases.append((route_id, form, cell_mass, elements_for_route(cells.element_mass_kg)))
            else:
                cases.append((route_id, form, pack_mass if form == "pack" else D(1000), pack_elements))
    return cases


@pytest.mark.parametrize(("route_id", "form", "mass", "elements"), route_inputs())
def test_every_route_conserves_mass_and_elements_exactly(route_id, form, mass, elements):
    outputs = expected_outputs(route_id, mass, elements, form=form)
    derived, made = balance(outputs)
    assert derived == mass  # outputs + losses, less reagent-derived mass, equal the input exactly
    assert made == {x: kg for x, kg in elements.items() if kg}
    for o in outputs:
        assert o["mass_kg"] == o["mass_kg"].quantize(GRAM) and o["mass_kg"] > 0
        assert D(0) <= o.get("reagent_kg", D(0)) <= o["mass_kg"]
        assert sum(o["elements_kg"].values(), D(0)) <= o["mass_kg"] - o.get("reagent_kg", D(0))
    result = calculate_recovery(lot(outputs, mass, elements))
    assert D(0) <= result.recycling_efficiency <= 1
    assert all(rate is None or D(0) <= rate <= 1 for rate in result.material_recovery.values())
    assert outputs == expected_outputs(route_id, mass, elements, form=form)  # deterministic


@settings(max_examples=60, deadline=None)
@given(
    route_id=st.sampled_from(sorted(get_routes().routes)),
    grams=st.lists(st.integers(0, 200_000), min_size=8, max_size=8),
    other_share=st.integers(80, 95),
)
def test_conservation_holds_for_any_input(route_id, grams, other_share):
    elements = {x: D(g) * GRAM for x, g in zip(("Li", "Ni", "Co", "Mn", "Cu", "Al", "C", "F"), grams, strict=True)}
    mass = (sum(elements.values(), D(0)) * 100 / (100 - other_share) + 1).quantize(GRAM)
    route = get_routes().routes[route_id]
    for form in route.inputs:
        derived, made = balance(expected_outputs(route_id, mass, elements, form=form))
        assert derived == mass and made == {x: kg for x, kg in elements.items() if kg}


def test_golden_hydrometallurgy_yields_are_the_recovery_rates():
    outputs = expected_outputs("hydrometallurgy", D(1000), BLACK_MASS)
    nickel = by_name(outputs, "NiSO4·6H2O")
    assert nickel["elements_kg"] == {"Ni": D("196.000")}  # 0.98 x 200
    assert nickel["mass_kg"] == D("877.688")  # 196 x 4.478
    assert nickel["reagent_kg"] == D("681.688")  # 877.688 - 196: sulfate and water come from reagents
    lithium = by_name(outputs, "Li2CO3")
    assert lithium["elements_kg"] == {"Li": D("36.000")} and lithium["mass_kg"] == D("191.628")  # 0.9 x 40; x 5.323
    result = calculate_recovery(lot(outputs, D(1000), BLACK_MASS))
    hydro = get_routes().routes["hydrometallurgy"]
    assert result.material_recovery["Ni"] == hydro.output("nickel_sulfate").yields["Ni"] == D("0.98")  # 196 / 200
    assert result.material_recovery["Co"] == D("0.98")  # 58.8 / 60
    assert result.material_recovery["Li"] == hydro.output("lithium_carbonate").yields["Li"] == D("0.9")  # 36 / 40
    assert result.material_recovery["Cu"] == D(0)  # the black mass's Cu ends in the leach residue
    # counted input-derived mass: Li 36 + Ni 196 + Co 58.8 + Mn 58.8 + graphite 342 = 691.6 of 1000
    assert result.recycling_efficiency == D("0.6916")


def test_golden_pyrometallurgy_recovers_no_lithium():
    outputs = expected_outputs("pyrometallurgy", D(1000), PACK, form="module")
    alloy, slag = by_name(outputs, "Co-Ni-Cu alloy"), by_name(outputs, "slag")
    assert alloy["elements_kg"] == {"Co": D("28.500"), "Cu": D("76.000"), "Ni": D("95.000")}  # 0.95 each
    assert slag["reagent_kg"] == D("432.600")  # fluxes CaO + SiO2: 2.06 x (Cu 80 + Co 30 + Ni 100)
    assert slag["recovered_elements"] == [] and slag["elements_kg"]["Li"] == D(20)
    result = calculate_recovery(lot(outputs, D(1000), PACK))
    assert result.material_recovery["Li"] == 0 and result.material_recovery["Co"] == D("0.95")
    assert result.recycling_efficiency == D("0.1995")  # only the alloy counts: 199.5 / 1000 (slag landfilled)
    li_route = expected_outputs("pyrometallurgy_li_from_slag", D(1000), PACK, form="module")
    assert calculate_recovery(lot(li_route, D(1000), PACK)).material_recovery["Li"] == D("0.5")  # [U] 50 %


def test_golden_direct_recycling_restores_the_cathode():
    outputs = expected_outputs("direct", D(1000), BLACK_MASS)
    cathode = by_name(outputs, "cathode active material")
    assert cathode["elements_kg"] == {"Co": D(54), "Li": D(36), "Mn": D(54), "Ni": D(180)}  # 0.9 each
    assert cathode["reagent_kg"] == D(12)  # relithiation make-up: 0.3 x 40 kg Li
    result = calculate_recovery(lot(outputs, D(1000), BLACK_MASS))
    assert result.material_recovery["Li"] == D("0.9") and result.material_recovery["Ni"] == D("0.9")


def test_pretreatment_then_hydrometallurgy_compose_through_the_accounting():
    pre = expected_outputs("pretreatment", D(1000), PACK, to_facility="REFINERY")
    black_mass = by_name(pre, "black mass")
    assert black_mass["fate"] == "intermediate" and black_mass["to_facility"] == "REFINERY"
    assert black_mass["elements_kg"]["Li"] == D(19)  # 0.95 x 20
    refined = expected_outputs("hydrometallurgy", black_mass["mass_kg"], black_mass["elements_kg"],
                               facility="REFINERY")  # fmt: skip
    assert all(o["facility"] == "REFINERY" for o in refined)
    result = calculate_recovery(lot(pre + refined, D(1000), PACK))
    pre_li = get_routes().routes["pretreatment"].output("black_mass").yields["Li"]
    hydro_li = get_routes().routes["hydrometallurgy"].output("lithium_carbonate").yields["Li"]
    assert result.material_recovery["Li"] == pre_li * hydro_li == D("0.855")  # 17.1 / 20
    assert result.material_recovery["Ni"] == D("0.931")  # 0.95 x 0.98 = 93.1 / 100 (EverBatt end-to-end, §1.2)
    assert result.material_recovery["Cu"] == D("0.9")  # copper fraction of pre-treatment: 72 / 80
    pretreatment, refinery = result.balances
    assert pretreatment.input_kg == D(1000)
    assert refinery.facility == "REFINERY" and refinery.input_kg == black_mass["mass_kg"] == refinery.outputs_kg


def test_bad_inputs_are_named():
    with pytest.raises(ClassificationInputError) as exc:
        expected_outputs(
            "hydrometallurgy", D("10.0005"), {"Li": 1, "lithium": 2, "graphite": 1, "C": 1}, to_facility="R"
        )
    found = problems(exc)
    assert "to the gram" in found["input_mass_kg"] and "element symbol" in found["input_elements_kg.lithium"]
    assert "carbon twice" in found["input_elements_kg.C"] and "no intermediate" in found["to_facility"]
    with pytest.raises(ClassificationInputError) as exc:
        expected_outputs("hydrometallurgy", D(100), {"Ni": 90}, form="pack")
    assert set(problems(exc)) == {"form"}
    with pytest.raises(ClassificationInputError) as exc:  # no room for the casing, solvents and plastics of a pack
        expected_outputs("pretreatment", D(100), {"Ni": 90})
    assert "other mass" in problems(exc)["input_elements_kg"]
    with pytest.raises(ClassificationInputError, match="unknown route"):
        expected_outputs("smelting", D(100), {})
    with pytest.raises(InvalidInputError, match="unknown route"):
        check_sorting("smelting", [bm("LFP")])


def test_a_chemistry_estimate_feeds_the_routes():
    mass, elements = nmc622_pack()
    assert "C" in elements and "graphite" not in elements and elements["Li"] == D("10.486")
    pre = expected_outputs("pretreatment", mass, elements)
    # black mass per kg of cells: 224.749 / 319.3 = 0.704 (EverBatt 2023 gives 0.699 for NMC622, §1.4)
    assert by_name(pre, "black mass")["mass_kg"] / D("319.3") == pytest.approx(D("0.704"), abs=D("0.001"))
