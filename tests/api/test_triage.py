"""End-of-life triage of a registered pack under its consortium's thresholds (SQLite and PostgreSQL): the health
comes from the passport, the condition from the custody log; changing the consortium's thresholds changes the
decision; only the convenor's admins set them, and bad thresholds are refused with the field."""

from __future__ import annotations

from tests.conftest import auth

PACK = "urn:voltavia:triage0001"


def setup(client, world, soce: float) -> None:
    attributes = {
        "passport_id": PACK, "battery_id": "VM-T-1", "battery_category": "ev", "manufacturing_date": "2019-03",
        "battery_chemistry": {"code": "LFP"},
        "state_of_certified_energy_share": [{"value": 0.9, "recorded_at": "2022-01-01T00:00:00Z"},
                                            {"value": soce, "recorded_at": "2026-10-01T00:00:00Z"}],
    }  # fmt: skip
    r = client.post("/v1/passports", json={"attributes": attributes}, headers=auth(world.key("Voltavia Motors")))
    assert r.status_code == 201, r.text
    measured = {"kind": "collected", "items": [PACK], "occurred_at": "2026-11-02T08:00:00Z", "site": "DE-DUI-YARD"}
    condition = measured | {"kind": "condition_measured", "details": {"condition": "intact"},
                            "occurred_at": "2026-11-02T09:00:00Z"}  # fmt: skip
    r = client.post("/v1/custody/events", json={"events": [measured, condition]},
                    headers=auth(world.key("Rheinland Dismantling")))  # fmt: skip
    assert r.status_code == 201, r.text


def triage(client, world, key="CircuMet Recycling", **body):
    return client.post(f"/v1/custody/triage/{PACK}", params={"consortium_id": str(world.consortium_id)},
                       json={"second_life_demand": True} | body, headers=auth(world.key(key)))  # fmt: skip


def test_the_consortiums_thresholds_decide(client, world):
    setup(client, world, soce=0.82)
    first = triage(client, world)
    assert first.status_code == 200, first.text
    body = first.json()
    # SOCE 0.82 >= 0.80 (reference default for reuse or remanufacture); manufactured 2019-03, no accidents
    assert body["route"] in ("reuse", "remanufacture") and body["inputs"]["state_of_health"] == 0.82
    assert body["sources"]["condition"].startswith("custody log entry")
    convenor = auth(world.key("CircuMet Recycling"))
    url = f"/v1/custody/triage-thresholds/{world.consortium_id}"
    r = client.put(url, json={"reuse_min_soh": 0.85}, headers=convenor)
    assert r.status_code == 200, r.text
    assert r.json()["thresholds"]["reuse_min_soh"] == 0.85
    second = triage(client, world).json()
    assert second["route"] == "repurpose"  # 0.82 < 0.85: LFP with second-life demand goes to stationary storage
    assert client.put(url, json={}, headers=convenor).json()["overrides"] == {}
    assert triage(client, world).json()["route"] == body["route"]  # the defaults again


def test_only_the_convenor_sets_thresholds_and_bad_ones_are_named(client, world):
    url = f"/v1/custody/triage-thresholds/{world.consortium_id}"
    r = client.put(url, json={"reuse_min_soh": 0.85}, headers=auth(world.key("Voltavia Motors")))
    assert r.status_code == 403
    r = client.put(url, json={"reuse_min_soh": 85, "reuse_min_sho": 0.9}, headers=auth(world.key("CircuMet Recycling")))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"thresholds.reuse_min_soh", "thresholds.reuse_min_sho"}
    assert client.get(url, headers=auth(world.key("Voltavia Motors"))).json()["overrides"] == {}
    assert client.get(url, headers=auth(world.outsider_key)).status_code == 404


def test_a_decision_can_be_recorded_in_the_custody_log(client, world):
    setup(client, world, soce=0.55)
    r = triage(client, world, key="Rheinland Dismantling", record_at_site="DE-DUI-YARD")
    assert r.status_code == 200, r.text
    assert r.json()["route"] == "recycle"  # 0.55 < 0.60 (reference default)
    timeline = client.get(f"/v1/custody/items/{PACK}", headers=auth(world.key("Rheinland Dismantling"))).json()
    last = timeline["events"][-1]
    assert last["leaf_index"] == r.json()["recorded_leaf_index"] and last["kind"] == "triaged"
    assert last["event"]["details"]["route"] == "recycle" and timeline["state"]["phase"] == "at_site"
