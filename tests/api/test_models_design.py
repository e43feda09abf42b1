"""Battery models and their design for recycling, from stored data (SQLite and PostgreSQL): the automaker sets the
design facts its passport does not carry, partners read the card, models are compared side by side with trends per
automaker; bad facts are refused with the field and nothing is stored."""

from __future__ import annotations

from tests.conftest import auth

MANUAL = {"type": "dismantling_manual", "url": "https://docs.voltavia.example/t/dm.pdf", "mime_type": "application/pdf"}
REMOVAL = {"type": "removal_manual", "url": "https://docs.voltavia.example/t/rm.pdf", "mime_type": "application/pdf"}
FACTS = {
    "joining": {"pack_to_module": "screws", "module_to_cell": "screws"},
    "disassembly_steps": 12,
    "disassembly_minutes": 40,
    "tools": "standard",
    "modules": 8,
    "cell_format": "prismatic",
    "chemistry_label_on_modules": True,
    "year": 2025,
}


def create(client, world, code: str, documents: list[dict]) -> str:
    attributes = {"battery_category": "ev", "battery_chemistry": {"code": "NMC811"}, "battery_mass_kg": 450.0,
                  "dismantling_manuals": documents}  # fmt: skip
    r = client.post("/v1/models", json={"code": code, "attributes": attributes},
                    headers=auth(world.key("Voltavia Motors")))  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["oem"] == "Voltavia Motors" and r.json()["design_facts"] is None
    return r.json()["id"]


def test_adhesives_without_a_manual_score_lower_and_the_breakdown_says_why(client, world):
    oem = auth(world.key("Voltavia Motors"))
    good = create(client, world, "VM-T1", [REMOVAL, MANUAL])
    bad = create(client, world, "VM-T2", [REMOVAL])  # no dismantling manual in the passport
    assert client.put(f"/v1/models/{good}/design", json=FACTS, headers=oem).status_code == 200
    glued = FACTS | {"joining": {"pack_to_module": "adhesive", "module_to_cell": "adhesive"}}
    r = client.put(f"/v1/models/{bad}/design", json=glued, headers=oem)
    assert r.status_code == 200, r.text
    cards = {mid: client.get(f"/v1/models/{mid}/design-score", headers=oem).json()["score"] for mid in (good, bad)}
    assert cards[bad]["total"] < cards[good]["total"]
    lines = {mid: {line["criterion"]: line for line in cards[mid]["breakdown"]} for mid in cards}
    assert lines[bad]["joining"]["points"] < lines[good]["joining"]["points"]
    assert "adhesive" in lines[bad]["joining"]["why"]
    assert lines[bad]["dismantling_information"]["points"] == 0 < lines[good]["dismantling_information"]["points"]
    advised = {a["criterion"]: a for a in cards[bad]["advice"]}
    assert "screws or removable brackets" in advised["joining"]["action"] and advised["joining"]["gain_points"] > 0
    # every other criterion scores the same: the difference is the joining and the manual
    same = set(lines[good]) - {"joining", "dismantling_information"}
    assert all(lines[good][c]["points"] == lines[bad][c]["points"] for c in same)

    compared = client.get("/v1/models/design-comparison", params={"model_id": [bad, good]}, headers=oem).json()
    assert [row["code"] for row in compared["comparison"]["rows"]] == ["VM-T1", "VM-T2"]
    assert compared["comparison"]["rows"][0]["model_id"] == good
    assert compared["comparison"]["best_per_criterion"]["joining"] == ["VM-T1"]


def test_bad_facts_are_refused_with_their_fields_and_nothing_is_stored(client, world):
    oem = auth(world.key("Voltavia Motors"))
    mid = create(client, world, "VM-T3", [MANUAL])
    assert client.put(f"/v1/models/{mid}/design", json=FACTS, headers=oem).status_code == 200
    bad = FACTS | {"disassembly_minutes": -5, "tools": "hammer", "modules": 0}
    r = client.put(f"/v1/models/{mid}/design", json=bad, headers=oem)
    assert r.status_code == 422, r.text
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"design.disassembly_minutes", "design.tools"} <= fields
    r = client.put(f"/v1/models/{mid}/design", json=FACTS | {"chemistry": "LFP"}, headers=oem)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "design.chemistry"
    assert "passport attributes" in r.json()["errors"][0]["reason"]
    assert client.get(f"/v1/models/{mid}", headers=oem).json()["design_facts"] == FACTS


def test_partners_read_the_card_only_the_automaker_writes_outsiders_see_nothing(client, world):
    mid = create(client, world, "VM-T4", [MANUAL])
    assert client.put(f"/v1/models/{mid}/design", json=FACTS, headers=auth(world.key("Voltavia Motors"))).is_success
    recycler = auth(world.key("CircuMet Recycling"))  # the demo agreement opens passports to recyclers
    models = client.get("/v1/models", params={"with_design": True}, headers=recycler).json()["items"]
    assert [m["code"] for m in models] == ["VM-T4"]
    card = client.get(f"/v1/models/{mid}/design-score", headers=recycler)
    assert card.status_code == 200 and 0 < card.json()["score"]["total"] <= 100
    assert client.put(f"/v1/models/{mid}/design", json=FACTS, headers=recycler).status_code == 403
    assert client.get(f"/v1/models/{mid}/design-score", headers=auth(world.outsider_key)).status_code == 404
    assert client.get("/v1/models", headers=auth(world.outsider_key)).json()["items"] == []
    bare = create(client, world, "VM-T5", [MANUAL])
    r = client.get(f"/v1/models/{bare}/design-score", headers=recycler)
    assert r.status_code == 404 and "no design facts yet" in r.json()["detail"]


def test_trends_per_automaker_from_the_stored_models(client, world):
    oem = auth(world.key("Voltavia Motors"))
    old, new = create(client, world, "VM-2021", [MANUAL]), create(client, world, "VM-2025", [])
    glued = FACTS | {"year": 2021, "joining": {"pack_to_module": "screws", "module_to_cell": "adhesive"}}
    assert client.put(f"/v1/models/{old}/design", json=glued, headers=oem).is_success
    assert client.put(f"/v1/models/{new}/design", json=FACTS, headers=oem).is_success
    body = client.get("/v1/models/design-comparison", headers=auth(world.key("CircuMet Recycling"))).json()
    (trend,) = body["trends"]
    totals = {r["year"]: r["total"] for r in body["comparison"]["rows"]}
    assert trend["oem"] == "Voltavia Motors" and trend["models"] == 2
    # mean of the two totals, and (2025 total - 2021 total) / 4 years
    assert abs(trend["mean_total"] - (totals[2021] + totals[2025]) / 2) <= 0.06
    assert abs(trend["change_per_year"] - (totals[2025] - totals[2021]) / 4) <= 0.06
