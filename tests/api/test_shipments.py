"""Shipments over the API (SQLite and PostgreSQL): a dismantler ships two packs to a recycler; classification and
packaging are checked at planning; dispatch and receipt weigh the load into the custody log; a difference beyond
the tolerance (the larger of 2 kg and 0.5 %) is flagged to both partners with its evidence."""

from __future__ import annotations

from tests.conftest import auth

PACKS = ["urn:voltavia:ship0001", "urn:voltavia:ship0002"]
DISMANTLER, RECYCLER = "Rheinland Dismantling", "CircuMet Recycling"


def setup(client, world) -> None:
    for n, pid in enumerate(PACKS):
        attributes = {"passport_id": pid, "battery_id": f"VM-S-{n}", "battery_category": "ev",
                      "battery_chemistry": {"code": "NMC811"}}  # fmt: skip
        assert client.post("/v1/passports", json={"attributes": attributes},
                           headers=auth(world.key("Voltavia Motors"))).status_code == 201  # fmt: skip
    collected = {"kind": "collected", "items": PACKS, "occurred_at": "2026-11-20T08:00:00Z", "site": "DE-DUI-YARD"}
    r = client.post("/v1/custody/events", json={"events": [collected]}, headers=auth(world.key(DISMANTLER)))
    assert r.status_code == 201, r.text


def plan(world, **changes) -> dict:
    body = {
        "code": "SHP-1",
        "from_site": "DE-DUI-YARD",
        "to_site": "DE-BRE-RECYCLER",
        "to_org_id": str(world.org_ids[RECYCLER]),
        "planned_date": "2026-11-26",
        "declared_gross_kg": 905,
        "items": [
            {"passport_id": PACKS[0], "condition": "intact", "energy_wh": 77000, "cell_energy_wh": 280,
             "gross_mass_kg": 452, "packaging": "LP903"},
            {"passport_id": PACKS[1], "condition": "damaged_stable", "energy_wh": 77000, "cell_energy_wh": 280,
             "gross_mass_kg": 453, "packaging": "LP904"},
        ],
    }  # fmt: skip
    return body | changes


def test_plan_dispatch_receive_within_tolerance(client, world):
    setup(client, world)
    shipper, receiver = auth(world.key(DISMANTLER)), auth(world.key(RECYCLER))
    r = client.post("/v1/shipments", json=plan(world), headers=shipper)
    assert r.status_code == 201, r.text
    shipment = r.json()
    intact, damaged = (i["classification"] for i in shipment["items"])
    assert intact["document_description"] == "WASTE UN 3480 LITHIUM ION BATTERIES, 9" and intact["decision_row"] == "D4"
    assert damaged["special_provisions"] == ["376"] and damaged["decision_row"] == "D8"
    sid = shipment["id"]
    sent = client.post(f"/v1/shipments/{sid}/dispatch", json={"gross_kg": 905.0, "occurred_at": "2026-11-26T08:00:00Z"},
                       headers=shipper)  # fmt: skip
    assert sent.status_code == 200, sent.text and sent.json()["status"] == "dispatched"
    got = client.post(f"/v1/shipments/{sid}/receive", json={"gross_kg": 903.5, "occurred_at": "2026-11-26T15:00:00Z"},
                      headers=receiver)  # fmt: skip
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["status"] == "received"
    rec = body["reconciliation"]
    assert rec["difference_kg"] == -1.5 and rec["allowed_kg"] == 4.525  # max(2, 0.005 * 905)
    timeline = client.get(f"/v1/custody/items/{PACKS[0]}", headers=receiver).json()
    assert [e["kind"] for e in timeline["events"]] == [
        "collected",
        "packed",
        "weighed",
        "dispatched",
        "received",
        "weighed",
    ]
    assert timeline["state"]["site"] == "DE-BRE-RECYCLER"
    again = client.post(f"/v1/shipments/{sid}/receive", json={"gross_kg": 903.5, "occurred_at": "2026-11-26T16:00:00Z"},
                        headers=receiver)  # fmt: skip
    assert again.status_code == 409 and "received once" in again.text


def test_a_discrepancy_is_flagged_to_both_partners_with_its_evidence(client, world):
    setup(client, world)
    shipper, receiver = auth(world.key(DISMANTLER)), auth(world.key(RECYCLER))
    sid = client.post("/v1/shipments", json=plan(world), headers=shipper).json()["id"]
    client.post(f"/v1/shipments/{sid}/dispatch", json={"gross_kg": 905.0, "occurred_at": "2026-11-26T08:00:00Z"},
                headers=shipper)  # fmt: skip
    got = client.post(f"/v1/shipments/{sid}/receive", json={"gross_kg": 880.0, "occurred_at": "2026-11-26T15:00:00Z"},
                      headers=receiver).json()  # fmt: skip
    assert got["status"] == "discrepancy"
    evidence = got["reconciliation"]
    assert evidence["difference_kg"] == -25.0 and not evidence["within_tolerance"]
    assert evidence["dispatch_weighing_leaf_index"] == 3 and evidence["receipt_weighing_leaf_index"] == 6
    for headers in (shipper, receiver):
        flagged = client.get("/v1/shipments", params={"status": "discrepancy"}, headers=headers).json()["items"]
        assert [s["id"] for s in flagged] == [sid]
        trail = client.get("/v1/audit-events", headers=headers).json()["items"]
        assert any(e["action"] == "shipment.discrepancy" for e in trail)
    proof = client.get(f"/v1/custody/events/{evidence['receipt_weighing_leaf_index']}/proof", headers=shipper)
    assert proof.status_code == 200  # the sender can prove what the receiver's scale said


def test_a_packaging_that_does_not_fit_refuses_the_plan_with_the_reason(client, world):
    setup(client, world)
    body = plan(world)
    body["items"][1] |= {"condition": "critically_damaged", "packaging": "P909"}
    r = client.post("/v1/shipments", json=body, headers=auth(world.key(DISMANTLER)))
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["field"] == "shipment.items[1].packaging"
    assert "P911" in error["reason"] and "LP906" in error["reason"]


def test_bad_plans_list_every_problem(client, world):
    setup(client, world)
    body = plan(world, to_site="DE-DUI-YARD", planned_date="tomorrow")
    body["items"][0] |= {"energy_wh": -5}
    del body["items"][1]["condition"]
    r = client.post("/v1/shipments", json=body, headers=auth(world.key(DISMANTLER)))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {
        "shipment.to_site", "shipment.planned_date", "shipment.items[0].energy_wh", "shipment.items[1].condition"
    }  # fmt: skip


def test_only_the_parties_see_a_shipment_and_only_the_receiver_receives(client, world):
    setup(client, world)
    sid = client.post("/v1/shipments", json=plan(world), headers=auth(world.key(DISMANTLER))).json()["id"]
    assert client.get(f"/v1/shipments/{sid}", headers=auth(world.key("Nordkap Automotive"))).status_code == 404
    early = client.post(f"/v1/shipments/{sid}/receive", json={"gross_kg": 900, "occurred_at": "2026-11-26T15:00:00Z"},
                        headers=auth(world.key(RECYCLER)))  # fmt: skip
    assert early.status_code == 409 and "not on its way" in early.text
    wrong = client.post(f"/v1/shipments/{sid}/dispatch", json={"gross_kg": 900, "occurred_at": "2026-11-26T08:00:00Z"},
                        headers=auth(world.key(RECYCLER)))  # fmt: skip
    assert wrong.status_code == 403


def test_declarations_must_not_contradict_the_log_and_the_passports(client, world):
    setup(client, world)
    shipper = auth(world.key(DISMANTLER))
    measured = {"kind": "condition_measured", "items": [PACKS[1]], "occurred_at": "2026-11-21T08:00:00Z",
                "site": "DE-DUI-YARD", "details": {"condition": "critically_damaged"}}  # fmt: skip
    assert client.post("/v1/custody/events", json={"events": [measured]}, headers=shipper).status_code == 201
    body = plan(world, declared_gross_kg=10)
    body["items"][1] |= {"condition": "intact", "packaging": "LP903"}  # the log says critically damaged
    body["items"][0] |= {"chemistry": "sodium_ion"}  # the passport says NMC811, a lithium-ion chemistry
    r = client.post("/v1/shipments", json=body, headers=shipper)
    assert r.status_code == 422
    reasons = {e["field"]: e["reason"] for e in r.json()["errors"]}
    assert "custody log records critically_damaged" in reasons["shipment.items[1].condition"]
    assert "passport says lithium_ion" in reasons["shipment.items[0].chemistry"]
    assert "less than the packs' own gross masses" in reasons["shipment.declared_gross_kg"]


def test_a_planned_shipment_is_received_through_its_endpoint_not_as_a_bare_event(client, world):
    setup(client, world)
    shipper, receiver = auth(world.key(DISMANTLER)), auth(world.key(RECYCLER))
    sid = client.post("/v1/shipments", json=plan(world), headers=shipper).json()["id"]
    client.post(f"/v1/shipments/{sid}/dispatch", json={"gross_kg": 905.0, "occurred_at": "2026-11-26T08:00:00Z"},
                headers=shipper)  # fmt: skip
    bare = {"kind": "received", "items": PACKS, "occurred_at": "2026-11-26T15:00:00Z", "site": "DE-BRE-RECYCLER",
            "details": {"shipment_id": "SHP-1"}}  # fmt: skip
    r = client.post("/v1/custody/events", json={"events": [bare]}, headers=receiver)
    assert r.status_code == 422 and "/receive" in r.text
    assert client.get(f"/v1/shipments/{sid}", headers=receiver).json()["status"] == "dispatched"
