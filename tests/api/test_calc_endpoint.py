"""`/v1/calc/<topic>` serves the offline calculators statelessly, with the CLI's object/list contract."""

from __future__ import annotations


def test_object_and_list(client):
    r = client.post("/v1/calc/chemistry", json={"chemistry": "NMC622"})
    assert r.status_code == 200 and r.json()["cathode_formula"] == "LiNi0.6Mn0.2Co0.2O2"
    r = client.post("/v1/calc/chemistry", json=[{"chemistry": "LFP"}, {"chemistry": 7}])
    assert r.status_code == 200 and r.headers["x-failed-items"] == "1"
    assert r.json()[1]["error"]["errors"][0]["field"] == "chemistry"


def test_bad_object_is_a_problem_naming_the_field(client):
    r = client.post("/v1/calc/chemistry", json={"chemistry": "NMC811", "energy_kwh": -5, "pack_mass_kg": 400})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "energy_kwh"


def test_unknown_topic_is_404_listing_topics(client):
    r = client.post("/v1/calc/alchemy", json={})
    assert r.status_code == 404 and "chemistry" in r.json()["detail"]
    assert any(t["topic"] == "chemistry" for t in client.get("/v1/calc").json()["topics"])
