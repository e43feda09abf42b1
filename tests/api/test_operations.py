"""Recycling operations over the API (SQLite and PostgreSQL): CircuMet forms a lot of two received NMC811 packs at
its pre-treatment plant, records its outputs (black mass to Pyrolux's smelter), Pyrolux forms and processes the
downstream lot, and the chain's recycling efficiency and recovery come out as derived by hand; a lot breaking its
mass balance is refused and the refusal noted; the annual report comes as JSON, CSV and PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import auth

PRE, SMELTER = "DE-BRE-CIRCUMET-1", "BE-HOB-PYROLUX-1"
PACKS = ["urn:voltavia:ops0001", "urn:voltavia:ops0002"]
LFP_PACK = "urn:voltavia:ops0003"
CAS = {"Li": "7439-93-2", "Ni": "7440-02-0", "Co": "7440-48-4", "Cu": "7440-50-8"}
#: per pack (passport #33): Li 10, Ni 50, Co 6, Cu 30 kg in a 450 kg pack -> the lot: 900 kg, Li 20, Ni 100, Co 12, Cu 60
MATERIALS = [{"name": n, "cas": CAS[s], "mass_kg": kg, "component": "cathode", "critical_raw_material": True}
             for s, n, kg in (("Li", "Lithium", 10), ("Ni", "Nickel", 50), ("Co", "Cobalt", 6), ("Cu", "Copper", 30))]  # fmt: skip


@pytest.fixture
def chain(client, world):
    oem, recycler = auth(world.key("Voltavia Motors")), auth(world.key("CircuMet Recycling"))
    for pid, chemistry in ((PACKS[0], "NMC811"), (PACKS[1], "NMC811"), (LFP_PACK, "LFP")):
        attributes = {"passport_id": pid, "battery_id": pid[-4:], "battery_category": "ev", "battery_mass_kg": 450,
                      "battery_chemistry": {"code": chemistry}, "cathode_anode_electrolyte_materials": MATERIALS}  # fmt: skip
        r = client.post("/v1/passports", json={"attributes": attributes}, headers=oem)
        assert r.status_code == 201, r.text
    collected = {"kind": "collected", "items": [*PACKS, LFP_PACK], "occurred_at": "2026-11-02T08:00:00Z", "site": PRE}
    assert client.post("/v1/custody/events", json={"events": [collected]}, headers=recycler).status_code == 201
    ids = {}
    for key, body in (
        ("CircuMet Recycling", {"code": PRE, "name": "CircuMet Bremen", "country": "DE", "routes": ["pretreatment"],
                                "permitted_operations": ["R4", "R12"], "capacity_t_per_year": 12000}),
        ("Pyrolux Metals", {"code": SMELTER, "name": "Pyrolux Hoboken", "country": "BE", "routes": ["pyrometallurgy"],
                            "permitted_operations": ["R4", "R5"], "capacity_t_per_year": 7000}),
    ):  # fmt: skip
        r = client.post("/v1/facilities", json=body, headers=auth(world.key(key)))
        assert r.status_code == 201, r.text
        ids[body["code"]] = r.json()["id"]
    return ids


PRE_OUTPUTS = [
    {"name": "steel casing", "mass_kg": 250, "rd_code": "R4"},
    {"name": "copper foil and cables", "mass_kg": 55, "rd_code": "R4", "elements_kg": {"Cu": 55}},
    {"name": "black mass", "mass_kg": 480, "fate": "intermediate", "to_facility": SMELTER,
     "elements_kg": {"Li": 19, "Ni": 99, "Co": 11.9, "Cu": 4}},
    {"name": "electrolyte and plastics", "mass_kg": 115, "rd_code": "R1"},
]  # fmt: skip
SMELTER_OUTPUTS = [
    {"name": "Co-Ni-Cu alloy", "mass_kg": 120, "rd_code": "R4", "elements_kg": {"Ni": 96, "Co": 11.5, "Cu": 3.8}},
    {"name": "slag", "mass_kg": 200, "rd_code": "R5", "recovered_elements": [], "elements_kg": {"Li": 18.5}},
    {"name": "off-gas and burnt graphite", "mass_kg": 160, "fate": "loss"},
]  # fmt: skip


def test_a_lot_through_two_facilities(client, world, chain):
    recycler, smelter = auth(world.key("CircuMet Recycling")), auth(world.key("Pyrolux Metals"))
    r = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": "CM-L1", "route": "pretreatment",
                    "items": [*PACKS, LFP_PACK]}, headers=recycler)  # fmt: skip
    assert (
        r.status_code == 422 and r.json()["errors"][0]["field"] == "items[2].chemistry"
    )  # LFP apart from NMC (sorting)
    assert "stay in separate lots" in r.text
    r = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": "CM-L1", "route": "pretreatment",
                    "items": PACKS}, headers=recycler)  # fmt: skip
    assert r.status_code == 201, r.text
    head = r.json()
    assert head["input"]["mass_kg"] == "900.000" and head["input"]["basis"] == "passport"
    assert head["input"]["elements_kg"] == {"Co": "12.000", "Cu": "60.000", "Li": "20.000", "Ni": "100.000"}
    assert head["input"]["member_states"] == {"DE": "900.000"}  # collected at a DE site
    timeline = client.get(f"/v1/custody/items/{PACKS[0]}", headers=recycler).json()
    assert timeline["events"][-1]["kind"] == "lot_assigned" and timeline["state"]["phase"] == "in_lot"

    too_much = [*PRE_OUTPUTS[:3], {"name": "electrolyte and plastics", "mass_kg": 140, "rd_code": "R1"}]
    r = client.post(f"/v1/lots/{head['id']}/outputs", json={"processed_on": "2026-11-20", "outputs": too_much},
                    headers=recycler)  # fmt: skip
    assert r.status_code == 422 and "more than the 900 kg" in r.text  # 250 + 55 + 480 + 140 = 925 kg out of 900
    refused = client.get(f"/v1/lots/{head['id']}", headers=recycler).json()
    assert refused["status"] == "open" and refused["outputs"] is None and refused["refusal"]["problems"]

    r = client.post(f"/v1/lots/{head['id']}/outputs", json={"processed_on": "2026-11-20", "outputs": PRE_OUTPUTS},
                    headers=recycler)  # fmt: skip
    assert r.status_code == 200, r.text
    assert client.get(f"/v1/custody/items/{PACKS[0]}", headers=recycler).json()["state"]["phase"] == "processed"

    r = client.post(f"/v1/facilities/{chain[SMELTER]}/lots", json={"code": "PX-L1", "route": "pyrometallurgy",
                    "source": {"lot_id": head["id"], "output": "black mass"}}, headers=smelter)  # fmt: skip
    assert r.status_code == 201, r.text
    downstream = r.json()
    assert (
        downstream["input"]["mass_kg"] == "480.000" and downstream["first_recycler_org_id"] == head["operator_org_id"]
    )
    pending = client.get(f"/v1/lots/{head['id']}/recovery", headers=recycler).json()
    assert "pending" in pending, pending
    assert pending["pending"] and pending["recycling_efficiency"] == pytest.approx(305 / 900)  # smelter not done
    r = client.post(f"/v1/lots/{downstream['id']}/outputs", json={"processed_on": "2026-11-22",
                    "outputs": SMELTER_OUTPUTS}, headers=smelter)  # fmt: skip
    assert r.status_code == 200, r.text

    body = client.get(f"/v1/lots/{head['id']}/recovery", headers=recycler).json()
    # counted: steel 250 + copper 55 (pre-treatment) + alloy 120 + slag 200 (smelter) = 625 kg of 900 kg
    assert body["exact"]["recycling_efficiency"] == str(Decimal(625) / Decimal(900)) and not body["pending"]
    # Li: the slag recovers none -> 0 / 20; Ni 96 / 100; Co 11.5 / 12; Cu (55 + 3.8) / 60 = 0.98
    assert body["material_recovery"] == {"Li": 0, "Ni": 0.96, "Co": pytest.approx(11.5 / 12), "Cu": 0.98, "Pb": None}
    assert [c["facility"] for c in body["chain"]] == [PRE, SMELTER]
    eff_2025 = next(t for t in body["targets"] if t["element"] is None and t["deadline"] == "2025-12-31")
    assert eff_2025["applies"] and eff_2025["met"] is True  # 69.4 % >= 65 %

    report = client.get(f"/v1/recovery/reports/{head['operator_org_id']}/2026", headers=recycler)
    assert report.status_code == 200, report.text
    (group,) = report.json()["groups"]
    assert (
        group["battery_group"] == "lithium_based"
        and group["input_kg"] == "900.000"
        and group["counted_kg"] == "625.000"
    )
    assert group["recycling_efficiency_display"] == "69.44 %" and group["member_states"] == {"DE": "900.000"}
    assert group["by_member_state"] == {"DE": {"input_kg": "900.000", "counted_kg": "625.000",
                                               "recycling_efficiency_display": "69.44 %"}}  # fmt: skip
    csv = client.get(f"/v1/recovery/reports/{head['operator_org_id']}/2026", params={"format": "csv"}, headers=recycler)
    assert csv.headers["content-type"].startswith("text/csv") and "input collected in DE" in csv.text
    pdf = client.get(f"/v1/recovery/reports/{head['operator_org_id']}/2026", params={"format": "pdf"}, headers=recycler)
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    balance = client.get(f"/v1/facilities/{chain[PRE]}/balance", params={"year": 2026}, headers=recycler).json()
    lines = {line["subject"]: line for line in balance["balance"]}
    # pre-treatment: 250 + 55 + 480 + 115 = 900 kg out of 900 in; Li 19 of 20 in the black mass -> 1 kg residual
    assert lines["mass"]["output_kg"] == "900.000" and lines["mass"]["residual_kg"] == "0.000"
    assert lines["mass"]["counted_kg"] == "305.000"  # steel and copper; black mass counts only downstream
    assert lines["Li"]["residual_kg"] == "1.000" and lines["Li"]["residual_share"] == 0.05


def test_outsiders_and_partners(client, world, chain):
    r = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": "X", "route": "pretreatment", "items": PACKS},
                    headers=auth(world.key("Pyrolux Metals")))  # fmt: skip
    assert r.status_code in (403, 404)  # not its facility
    assert client.get("/v1/facilities", headers=auth(world.outsider_key)).json()["items"] == []
    r = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": "CM-L2", "route": "hydrometallurgy",
                    "items": PACKS}, headers=auth(world.key("CircuMet Recycling")))  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "route"  # the plant runs pre-treatment only
    r = client.post("/v1/facilities", json={"code": "bad code"}, headers=auth(world.key("CircuMet Recycling")))
    assert r.status_code == 422
    assert {"code", "name", "country", "permitted_operations", "routes", "capacity_t_per_year"} <= {
        e["field"] for e in r.json()["errors"]}  # fmt: skip


def refined_lot(client, world, chain) -> str:
    """CircuMet's pre-treatment lot, its black mass refined at its own hydrometallurgy plant: the refined lot's id."""
    recycler = auth(world.key("CircuMet Recycling"))
    hydro = {"code": "DE-BRE-CIRCUMET-H", "name": "CircuMet hydro", "country": "DE", "routes": ["hydrometallurgy"],
             "permitted_operations": ["R4", "R5"], "capacity_t_per_year": 8000}  # fmt: skip
    hydro_id = client.post("/v1/facilities", json=hydro, headers=recycler).json()["id"]
    head = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": "CM-G1", "route": "pretreatment",
                       "items": PACKS}, headers=recycler).json()  # fmt: skip
    to_hydro = [o | {"to_facility": hydro["code"]} if o["name"] == "black mass" else o for o in PRE_OUTPUTS]
    client.post(f"/v1/lots/{head['id']}/outputs", json={"processed_on": "2026-11-20", "outputs": to_hydro},
                headers=recycler).raise_for_status()  # fmt: skip
    down = client.post(f"/v1/facilities/{hydro_id}/lots", json={"code": "CMH-G1", "route": "hydrometallurgy",
                       "source": {"lot_id": head["id"], "output": "black mass"}}, headers=recycler).json()  # fmt: skip
    outputs = [{"name": "Li2CO3", "mass_kg": 90, "reagent_kg": 73.1, "rd_code": "R5", "elements_kg": {"Li": 16.9}},
               {"name": "residue", "mass_kg": 300, "rd_code": "D1"}]  # fmt: skip
    client.post(f"/v1/lots/{down['id']}/outputs", json={"processed_on": "2026-11-22", "outputs": outputs},
                headers=recycler).raise_for_status()  # fmt: skip
    return down["id"]


def test_a_product_output_is_graded_and_certified(client, world, chain):
    recycler = auth(world.key("CircuMet Recycling"))
    down = {"id": refined_lot(client, world, chain)}
    # Fastmarkets China spot specification (battery grade): Li2CO3 >= 99.5 %, Na <= 250, Ca <= 50, Mg <= 80 ppm,
    # magnetic <= 0.3 ppm; 300 ppm Na fails it
    assay = {"main_content_pct": 99.6, "impurities_ppm": {"Na": 300, "Ca": 30, "Mg": 40, "magnetic": 0.1}}
    url = f"/v1/lots/{down['id']}/outputs/0/grade"
    r = client.post(url, json={"product": "Li2CO3", "assay": assay, "specification": "li2co3-fastmarkets-china",
                               "graded_on": "2026-11-23"}, headers=recycler)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["grade"]["verdict"] == "fail"
    failing = r.json()["result"]["grades"][0]["failing"]
    assert failing == ["Na"]
    assert client.post(f"/v1/lots/{down['id']}/outputs/1/grade", json={"product": "Li2CO3", "assay": assay},
                       headers=recycler).status_code == 422  # the residue is landfilled, not a product  # fmt: skip
    pdf = client.get(f"/v1/lots/{down['id']}/outputs/0/certificate.pdf", headers=recycler)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        client.get(f"/v1/lots/{down['id']}/outputs/0/certificate.pdf", headers=auth(world.outsider_key)).status_code
        == 404
    )
    stored = client.get(f"/v1/lots/{down['id']}", headers=recycler).json()["outputs"][0]["grade"]
    assert stored["verdict"] == "fail" and stored["graded_on"] == "2026-11-23"


def test_the_ledger_sums_what_the_report_needs():
    from batteryloop.domain.recovery import check_lot
    from batteryloop.services.lot_ledger import ledger_of
    from batteryloop.services.lots import _stored_output

    lot = check_lot({"battery_group": "lithium_based", "period_end": "2026-12-31", "outputs": PRE_OUTPUTS,
                     "input": {"mass_kg": 900, "elements_kg": {"Li": 20, "Ni": 100, "Co": 12, "Cu": 60}}})  # fmt: skip
    ledger = ledger_of([_stored_output(o) for o in lot.outputs])
    # counted: steel 250 + copper 55 kg; final (not passed on): 250 + 55 + 115 (burned) kg; Cu 55 kg recovered
    assert ledger["counted_mg"] == 305_000_000 and ledger["final_mg"] == 420_000_000
    assert ledger["el_counted"] == [0, 55_000_000, 0, 0, 0]  # Co, Cu, Pb, Li, Ni
    assert ledger["next"] == ["black mass"]


def test_a_processed_lot_as_a_catena_x_recycling_batch(client, world, chain):
    recycler = auth(world.key("CircuMet Recycling"))
    head = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": "CM-RB", "route": "pretreatment",
                       "items": PACKS}, headers=recycler).json()  # fmt: skip
    assert client.get(f"/v1/lots/{head['id']}/recycling-batch", headers=recycler).status_code == 422  # not processed
    client.post(f"/v1/lots/{head['id']}/outputs", json={"processed_on": "2026-11-20", "outputs": PRE_OUTPUTS},
                headers=recycler).raise_for_status()  # fmt: skip
    batch = client.get(f"/v1/lots/{head['id']}/recycling-batch", headers=recycler).json()
    assert batch["recyclingBatchId"] == "CM-RB" and batch["globalAssetId"] == f"urn:uuid:{head['id']}"
    assert batch["processInformation"] == {"treatmentProcedure": "R4", "mechanicalRecycling": True,
                                           "chemicalRecycling": False, "processType": "Pre-recycling"}  # fmt: skip
    (step,) = batch["childProcessSteps"]
    # 900 kg in; out (not lost): 250 + 55 + 480 + 115 = 900; no loss recorded, no residual
    assert (step["inputNetMass"], step["outputNetMass"], step["processLoss"]) == (900.0, 900.0, 0.0)
    assert step["childProcessType"] == "Shredding" and batch["operator"]["siteCode"] == PRE
    assert client.get(f"/v1/lots/{head['id']}/recycling-batch", headers=auth(world.outsider_key)).status_code == 404
