"""Recycling operations refuse what would corrupt the accounting or open a lot to the wrong party (SQLite and
PostgreSQL): intermediates go only to registered facilities of the operator or its consortium partners, never to
the lot's own facility; output names are unique; a site code is not taken over; texts and assays are bounded."""

from __future__ import annotations

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
