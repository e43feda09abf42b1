"""Recycling operations refuse what would corrupt the accounting or open a lot to the wrong party (SQLite and
PostgreSQL): intermediates go only to registered facilities of the operator or its consortium partners, never to
the lot's own facility; output names are unique; a site code is not taken over; texts and assays are bounded."""

from __future__ import annotations

from decimal import Decimal

from tests.api.test_operations import LFP_PACK, PACKS, PRE, PRE_OUTPUTS, chain  # noqa: F401
from tests.conftest import auth


def head_lot(client, world, chain, code="CM-C1") -> str:  # noqa: F811
    r = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": code, "route": "pretreatment", "items": PACKS},
                    headers=auth(world.key("CircuMet Recycling")))  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()["id"]


def outputs_to(code: str) -> list[dict]:
    return [o | {"to_facility": code} if o["name"] == "black mass" else o for o in PRE_OUTPUTS]


def test_an_intermediate_goes_only_to_a_registered_partner_facility(client, world, chain):  # noqa: F811
    recycler = auth(world.key("CircuMet Recycling"))
    lot = head_lot(client, world, chain)
    url = f"/v1/lots/{lot}/outputs"
    for code, reason in (("NL-NOT-YET-1", "no registered facility"), (PRE, "another facility")):
        r = client.post(url, json={"processed_on": "2026-11-20", "outputs": outputs_to(code)}, headers=recycler)
        assert r.status_code == 422 and reason in r.text, r.text
        assert r.json()["errors"][0]["field"] == "outputs[2].to_facility"
    outsider_plant = {"code": "FR-OUT-1", "name": "Outsider plant", "country": "FR", "routes": ["pyrometallurgy"],
                      "permitted_operations": ["R4"], "capacity_t_per_year": 100}  # fmt: skip
    assert client.post("/v1/facilities", json=outsider_plant, headers=auth(world.outsider_key)).status_code == 201
    r = client.post(url, json={"processed_on": "2026-11-20", "outputs": outputs_to("FR-OUT-1")}, headers=recycler)
    assert r.status_code == 422 and "not operated by a consortium partner" in r.text
    assert client.get(f"/v1/lots/{lot}", headers=auth(world.outsider_key)).status_code == 404


def test_a_site_code_with_another_organisations_events_is_not_taken(client, world, chain):  # noqa: F811
    squat = {"code": "DE-BRE-SQUAT-1", "name": "Squat", "country": "DE", "routes": ["pretreatment"],
             "permitted_operations": ["R4"], "capacity_t_per_year": 1}  # fmt: skip
    event = {"kind": "collected", "items": ["urn:voltavia:ops-squat"], "occurred_at": "2026-11-02T08:00:00Z",
             "site": squat["code"]}  # fmt: skip
    r = client.post("/v1/custody/events", json={"events": [event]}, headers=auth(world.key("CircuMet Recycling")))
    assert r.status_code == 201, r.text
    r = client.post("/v1/facilities", json=squat, headers=auth(world.outsider_key))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "code"


def test_duplicate_output_names_long_texts_and_bad_assays_are_refused(client, world, chain):  # noqa: F811
    recycler = auth(world.key("CircuMet Recycling"))
    lot = head_lot(client, world, chain)
    twice = [*PRE_OUTPUTS, {"name": "steel casing", "mass_kg": 1, "rd_code": "R4"}]
    r = client.post(f"/v1/lots/{lot}/outputs", json={"processed_on": "2026-11-20", "outputs": twice}, headers=recycler)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "outputs[4].name"
    r = client.post("/v1/facilities", headers=recycler, json={"code": "DE-LONG-1", "name": "x" * 5000, "country": "DE",
                    "routes": ["pretreatment"], "permitted_operations": ["R4"], "capacity_t_per_year": 1})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
    r = client.post(f"/v1/facilities/{chain[PRE]}/lots", headers=recycler,
                    json={"code": "L" * 300, "route": "pretreatment", "items": PACKS})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "code"
    r = client.post(f"/v1/facilities/{chain[PRE]}/lots", headers=recycler,
                    json={"code": "CM-B", "route": "pretreatment", "items": PACKS})  # fmt: skip
    assert r.status_code == 422 and "already" in r.json()["errors"][0]["reason"]  # in lot CM-C1 already
    for assay, field in (({"lithium": 3}, "assay.lithium"), ({"Li": 3, "Ni": 99}, "assay")):
        r = client.post(f"/v1/facilities/{chain[PRE]}/lots", headers=recycler,
                        json={"code": "CM-A", "route": "pretreatment", "items": [LFP_PACK], "assay": assay})  # fmt: skip
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text


def test_an_analysis_is_not_dated_in_the_future(client, world, chain):  # noqa: F811
    from tests.api.test_operations import refined_lot

    lot = refined_lot(client, world, chain)
    r = client.post(f"/v1/lots/{lot}/outputs/0/grade", headers=auth(world.key("CircuMet Recycling")),
                    json={"product": "Li2CO3", "assay": {"main_content_pct": 99.6}, "graded_on": "2099-01-01"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "graded_on"


def test_a_recycler_registers_its_site_where_partners_recorded_events(client, world, chain):  # noqa: F811
    site = {"code": "DE-BRE-NEW-2", "name": "New plant", "country": "DE", "routes": ["pretreatment"],
            "permitted_operations": ["R4"], "capacity_t_per_year": 1}  # fmt: skip
    event = {"kind": "collected", "items": ["urn:voltavia:ops-partner"], "occurred_at": "2026-11-02T08:00:00Z",
             "site": site["code"]}  # fmt: skip
    # the dismantler (a consortium partner) recorded at the site first
    r = client.post("/v1/custody/events", json={"events": [event]}, headers=auth(world.key("Rheinland Dismantling")))
    assert r.status_code == 201, r.text
    r = client.post("/v1/facilities", json=site, headers=auth(world.key("CircuMet Recycling")))
    assert r.status_code == 201, r.text


def _process(client, headers, lot_id, outputs, day="2026-11-20"):
    return client.post(f"/v1/lots/{lot_id}/outputs", json={"processed_on": day, "outputs": outputs}, headers=headers)


def test_chains_do_not_loop_and_split_shipments_count_once_in_chain_and_report(client, world, chain):  # noqa: F811
    from tests.api.test_operations import SMELTER

    recycler, smelter = auth(world.key("CircuMet Recycling")), auth(world.key("Pyrolux Metals"))
    lot = head_lot(client, world, chain)
    halves = [o for o in PRE_OUTPUTS if o["name"] != "black mass"] + [
        {"name": f"black mass {x}", "mass_kg": 240, "fate": "intermediate", "to_facility": SMELTER,
         "elements_kg": {"Li": 9.5, "Ni": 49.5, "Co": 5.95, "Cu": 2}} for x in ("A", "B")]  # fmt: skip
    assert _process(client, recycler, lot, halves).status_code == 200
    # the downstream partner finds the lot it is sent black mass from
    assert lot in [x["id"] for x in client.get("/v1/lots", headers=smelter).json()["items"]]
    for x in ("A", "B"):
        down = client.post(f"/v1/facilities/{chain[SMELTER]}/lots", headers=smelter,
                           json={"code": f"PX-{x}", "route": "pyrometallurgy",
                                 "source": {"lot_id": lot, "output": f"black mass {x}"}}).json()  # fmt: skip
        outputs = [{"name": "alloy", "mass_kg": 60, "rd_code": "R4", "elements_kg": {"Ni": 48, "Co": 5.75}},
                   {"name": "dust", "mass_kg": 10, "fate": "intermediate", "to_facility": PRE},
                   {"name": "off-gas", "mass_kg": 170, "fate": "loss"}]  # fmt: skip
        r = _process(client, smelter, down["id"], outputs)
        assert r.status_code == 422 and "must not loop" in r.text  # dust back to the plant the chain came from
        assert _process(client, smelter, down["id"], [o for o in outputs if o["name"] != "dust"]
                        + [{"name": "dust", "mass_kg": 10, "rd_code": "D1"}]).status_code == 200  # fmt: skip
    body = client.get(f"/v1/lots/{lot}/recovery", headers=recycler).json()
    # counted: steel 250 + copper 55 + alloy 60 + 60 = 425 of 900; Ni 48 + 48 of 100
    assert body["exact"]["recycling_efficiency"] == format(Decimal(425) / Decimal(900), "f")
    assert body["material_recovery"]["Ni"] == 0.96
    report = client.get(f"/v1/recovery/reports/{world.org_ids['CircuMet Recycling']}/2026", headers=recycler).json()
    assert report["groups"][0]["counted_kg"] == "425.000"  # the report agrees with the chain


def test_masses_are_given_to_the_gram_and_bounded(client, world, chain):  # noqa: F811
    recycler = auth(world.key("CircuMet Recycling"))
    lot = head_lot(client, world, chain)
    fine = [{**PRE_OUTPUTS[0], "mass_kg": 249.9995}, *PRE_OUTPUTS[1:]]
    r = _process(client, recycler, lot, fine)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "outputs[0].mass_kg"
    huge = [{**PRE_OUTPUTS[0], "mass_kg": 1e40, "reagent_kg": 1e40}, *PRE_OUTPUTS[1:]]
    r = _process(client, recycler, lot, huge)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "outputs[0].mass_kg"
    r = client.post(
        f"/v1/lots/{lot}/outputs", json={"processed_on": 20261120, "outputs": PRE_OUTPUTS}, headers=recycler
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "processed_on"
    r = client.post("/v1/facilities", headers=recycler, json={"code": "DE-NUL-1", "name": "a\x00b", "country": "DE",
                    "routes": ["pretreatment"], "permitted_operations": ["R4"], "capacity_t_per_year": 1})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
