"""Custody events over the API (SQLite and PostgreSQL): a pack's journey from the automaker to the recycler, each
step an entry of the log; impossible steps refused with the reason and nothing written; commercial details off the
log; a partner without a custody agreement cannot write about another's pack; an event's proof verifies offline."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from batteryloop.cli.app import app as cli_app
from tests.conftest import auth

PACK = "urn:voltavia:journey0001"


def register(client, world) -> None:
    r = client.post(
        "/v1/passports",
        json={"attributes": {"passport_id": PACK, "battery_id": "VM-J-1", "battery_category": "ev"}},
        headers=auth(world.key("Voltavia Motors")),
    )
    assert r.status_code == 201, r.text


def ev(kind: str, site: str, at: str, **details) -> dict:
    out = {"kind": kind, "items": [PACK], "occurred_at": f"2026-11-{at}Z", "site": site}
    if details:
        out["details"] = details
    return out


def post(client, key: str, *events: dict):
    return client.post("/v1/custody/events", json={"events": list(events)}, headers=auth(key))


def test_a_pack_travels_from_the_automaker_to_the_recycler(client, world):
    register(client, world)
    volt, dismantler = world.key("Voltavia Motors"), world.key("Rheinland Dismantling")
    recycler = world.key("CircuMet Recycling")
    r = post(
        client, volt, ev("registered", "DE-WOB-PLANT", "01T08:00:00"), ev("retired", "DE-WOB-PLANT", "02T08:00:00")
    )
    assert r.status_code == 201, r.text
    assert r.json()["leaf_indexes"] == [0, 1]
    steps = [
        ev("collected", "DE-DUI-DISMANTLER", "03T09:00:00"),
        ev("packed", "DE-DUI-DISMANTLER", "03T10:00:00", packaging="LP903"),
        ev("dispatched", "DE-DUI-DISMANTLER", "03T11:00:00", shipment_id="SHP-77", to_site="DE-BRE-RECYCLER"),
    ]
    assert post(client, dismantler, *steps).status_code == 201
    assert (
        post(client, recycler, ev("received", "DE-BRE-RECYCLER", "04T07:00:00", shipment_id="SHP-77")).status_code
        == 201
    )

    again = post(client, recycler, ev("received", "DE-BRE-RECYCLER", "04T08:00:00", shipment_id="SHP-77"))
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "events[0].items[0]"
    assert "a shipment is received once" in again.json()["errors"][0]["reason"]

    lot = ev("lot_assigned", "DE-BRE-RECYCLER", "05T07:00:00", lot_id="LOT-NMC-7")
    weighed = ev("weighed", "DE-BRE-RECYCLER", "04T09:00:00", mass_kg=451.2)
    assert post(client, recycler, weighed, lot).status_code == 201
    out = post(client, dismantler, ev("dispatched", "DE-BRE-RECYCLER", "06T07:00:00", shipment_id="S2", to_site="X"))
    assert out.status_code == 422 and "sits in lot LOT-NMC-7" in out.text

    timeline = client.get(f"/v1/custody/items/{PACK}", headers=auth(volt)).json()
    assert [e["kind"] for e in timeline["events"]] == [
        "registered", "retired", "collected", "packed", "dispatched", "received", "weighed", "lot_assigned"
    ]  # fmt: skip
    assert timeline["state"]["phase"] == "in_lot" and timeline["state"]["lot_id"] == "LOT-NMC-7"
    assert timeline["events"][6]["event"]["details"] == {"mass_kg": 451.2}


def test_a_bad_batch_lists_every_problem_and_writes_nothing(client, world):
    register(client, world)
    volt = world.key("Voltavia Motors")
    bad = [
        ev("registered", "DE-WOB-PLANT", "01T08:00:00"),
        {"kind": "weighd", "items": [PACK], "occurred_at": "yesterday", "site": "DE WOB"},
        ev("weighed", "DE-WOB-PLANT", "01T09:00:00", mass_kg=-1),
    ]
    r = post(client, volt, *bad)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [
        "events[1].kind", "events[1].occurred_at", "events[1].site", "events[2].details.mass_kg"
    ]  # fmt: skip
    assert client.get("/v1/log/checkpoint").text.splitlines()[1] == "0"  # nothing reached the log


def test_commercial_details_stay_off_the_log_and_only_the_recorder_sees_them(client, world):
    register(client, world)
    volt, recycler = world.key("Voltavia Motors"), world.key("CircuMet Recycling")
    post(client, volt, ev("registered", "DE-WOB-PLANT", "01T08:00:00"))
    sale = ev("handed_over", "DE-WOB-PLANT", "02T08:00:00", to_org_id=str(world.org_ids["CircuMet Recycling"]),
              transfer="ownership") | {"commercial": {"price_eur": 1830, "contract": "C-2026-17"}}  # fmt: skip
    assert post(client, volt, sale).status_code == 201
    mine = client.get(f"/v1/custody/items/{PACK}", headers=auth(volt)).json()["events"][1]
    assert mine["commercial"] == {"price_eur": 1830, "contract": "C-2026-17"}
    # the recorder can open the commitment: SHA-256(salt || RFC 8785 JSON of the details)
    import hashlib

    import rfc8785

    opened = hashlib.sha256(bytes.fromhex(mine["commitment_salt"]) + rfc8785.dumps(mine["commercial"])).hexdigest()
    assert opened == mine["event"]["commitment"] and len(mine["event"]["nonce"]) == 16
    assert len(mine["event"]["commitment"]) == 64
    # hex hashes and the nonce may spell any digits by chance; the terms must be nowhere else in the entry
    logged = {k: v for k, v in mine["event"].items() if k not in ("commitment", "nonce")}
    assert "1830" not in json.dumps(logged) and "C-2026-17" not in json.dumps(mine["event"])
    theirs = client.get(f"/v1/custody/items/{PACK}", headers=auth(recycler)).json()["events"][1]
    assert "commercial" not in theirs  # the recycler owns the pack now, but the off-log terms stay with Voltavia


def test_an_organisation_without_a_custody_agreement_cannot_write_about_anothers_pack(client, world):
    register(client, world)
    r = post(client, world.outsider_key, ev("collected", "OUTSIDE", "03T09:00:00"))
    assert r.status_code == 403 and "data-sharing rule on 'custody'" in r.text
    assert client.get(f"/v1/custody/items/{PACK}", headers=auth(world.outsider_key)).status_code == 404


def test_an_events_proof_bundle_verifies_offline(client, world, tmp_path):
    register(client, world)
    volt = world.key("Voltavia Motors")
    post(client, volt, ev("registered", "DE-WOB-PLANT", "01T08:00:00"), ev("retired", "DE-WOB-PLANT", "02T08:00:00"))
    bundle = client.get("/v1/custody/events/1/proof", headers=auth(volt))
    assert bundle.status_code == 200, bundle.text
    assert json.loads(bundle.json()["entry"])["kind"] == "retired"
    (tmp_path / "bundle.json").write_text(bundle.text)
    key = client.get("/v1/log/key").json()["verifier_key"]
    result = CliRunner().invoke(cli_app, ["verify", str(tmp_path / "bundle.json"), "--key", key])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["valid"] is True
    assert client.get("/v1/custody/events/1/proof", headers=auth(world.outsider_key)).status_code == 404


def test_only_the_owner_transfers_ownership_and_only_to_a_partner(client, world):
    register(client, world)
    volt, recycler = world.key("Voltavia Motors"), world.key("CircuMet Recycling")
    post(client, volt, ev("registered", "DE-WOB-PLANT", "01T08:00:00"))
    grab = ev("handed_over", "DE-WOB-PLANT", "02T08:00:00", to_org_id=str(world.org_ids["CircuMet Recycling"]),
              transfer="ownership")  # fmt: skip
    r = post(client, recycler, grab)
    assert r.status_code == 422 and "only its owner transfers its ownership" in r.text
    away = ev("handed_over", "DE-WOB-PLANT", "02T08:00:00", to_org_id=str(world.outsider_org_id), transfer="ownership")
    r = post(client, volt, away)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "events[0].details.to_org_id"
    assert post(client, volt, grab).status_code == 201  # the owner may


def test_events_are_recorded_in_the_order_they_happen(client, world):
    register(client, world)
    volt = world.key("Voltavia Motors")
    assert post(client, volt, ev("registered", "DE-WOB-PLANT", "05T08:00:00")).status_code == 201
    late = post(client, volt, ev("retired", "DE-WOB-PLANT", "03T08:00:00"))  # two days before the registration
    assert late.status_code == 422
    assert late.json()["errors"][0]["field"] == "events[0].occurred_at" and "previous event" in late.text
