"""POST /v1/passports:import: whole file or nothing, every bad record with its position, idempotency key."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import auth

TESTDATA = Path(__file__).resolve().parents[1] / "data" / "external"


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps({"attributes": r}) + "\n" for r in records).encode()


def record(n: int, **extra) -> dict:
    return {
        "passport_id": f"urn:voltavia:imp{n:05d}",
        "battery_id": f"IMP-{n}",
        "battery_category": "ev",
        "manufacturing_date": "2024-03",
        "battery_mass_kg": 420.5,
        **extra,
    }


def post(client, key, body: bytes, fmt: str, **params):
    headers = {**auth(key), "content-type": "application/octet-stream"}
    if "idem" in params:
        headers["Idempotency-Key"] = params.pop("idem")
    return client.post("/v1/passports:import", content=body, params={"format": fmt, **params}, headers=headers)


def test_good_file_imports_and_replays_with_the_same_key(client, world):
    key = world.key("Voltavia Motors")
    body = jsonl([record(i) for i in range(3)])
    r = post(client, key, body, "jsonl", idem="batch-1")
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 3 and r.json()["applied"]
    again = post(client, key, body, "jsonl", idem="batch-1")
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == r.json()
    other = post(client, key, jsonl([record(9)]), "jsonl", idem="batch-1")
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "idempotency_key"
    assert client.get("/v1/passports/urn:voltavia:imp00001").status_code == 200


def test_bad_records_are_all_reported_and_nothing_is_applied(client, world):
    key = world.key("Voltavia Motors")
    rows = [record(0), record(1, battery_mass_kg=-3), record(2), record(3, battery_category="car"), record(0)]
    r = post(client, key, jsonl(rows), "jsonl")
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    report = r.json()["report"]
    positions = {e["position"] for e in report["errors"]}
    assert positions == {"line 2", "line 4", "line 5"}  # negative mass, unknown category, duplicate id
    assert report["applied"] is False and report["records"] == 5
    fields = {e["field"] for e in r.json()["errors"]}
    assert "line 2: attributes.battery_mass_kg" in fields
    assert client.get("/v1/passports/urn:voltavia:imp00000").status_code == 404  # nothing stored


def test_resume_skips_registered_passports(client, world):
    key = world.key("Voltavia Motors")
    assert post(client, key, jsonl([record(0), record(1)]), "jsonl").status_code == 201
    clash = post(client, key, jsonl([record(1), record(2)]), "jsonl")
    assert clash.status_code == 422 and "--resume" in clash.json()["report"]["errors"][0]["problems"][0]["reason"]
    resumed = post(client, key, jsonl([record(1), record(2)]), "jsonl", resume="true")
    assert resumed.status_code == 201 and resumed.json()["skipped_existing"] == 1 and resumed.json()["imported"] == 1


def test_the_published_catenax_sample_imports(client, world):
    """The sample is generator output, read as it is: its impossible date of putting into service is left out and
    named; everything else imports."""
    raw = (TESTDATA / "catenax" / "BatteryPass.json").read_bytes()
    r = post(client, world.key("Voltavia Motors"), raw, "catenax")
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 1
    assert any(n["field"] == "operation.intoServiceDate" for n in r.json()["notes"])


def test_viewers_cannot_import(client, world):
    r = post(client, world.key("Voltavia Motors", "viewer"), jsonl([record(0)]), "jsonl")
    assert r.status_code == 403


def test_a_battery_pass_document_with_the_models_own_field_names_imports(client, world):
    """Reference passport-data-model.md §1.7: one object per aspect, the SAMM property names and units."""
    document = {
        "GeneralProductInformation": {
            "batteryPassportIdentifier": "urn:acme:bp000123",
            "productIdentifier": "PACK-77-SN0001",
            "batteryCategory": "ev",
            "batteryStatus": "Waste",
            "batteryMass": 452.0,
            "manufacturingDate": "2025-03-01T00:00:00Z",
            "puttingIntoService": "2025-05-10T00:00:00Z",
            "manufacturerInformation": {
                "contactName": "ACME Cells GmbH",
                "identifier": "4012345000009",
                "postalAddress": {"addressCountry": "DE", "postalCode": "10719", "streetAddress": "Hindenburgstr. 10"},
            },
            "manufacturingPlace": {"addressCountry": "DE", "postalCode": "01067", "streetAddress": "Werkstr. 1"},
        },
        "MaterialComposition": {
            "batteryChemistry": {"shortName": "NMC811", "clearName": "Lithium nickel manganese cobalt oxide"},
            "batteryMaterials": [
                {
                    "batteryMaterialName": "Nickel",
                    "batteryMaterialIdentifier": "7440-02-0",
                    "batteryMaterialMass": 38500.0,
                    "isCriticalRawMaterial": True,
                    "batteryMaterialLocation": {"componentName": "Cathode"},
                }
            ],
        },
    }
    r = post(client, world.key("Voltavia Motors"), json.dumps(document).encode(), "batterypass")
    assert r.status_code == 201, r.text
    owner = client.get("/v1/passports/urn:acme:bp000123", headers=auth(world.key("Voltavia Motors"))).json()
    material = owner["attributes"]["cathode_anode_electrolyte_materials"][0]
    assert material["mass_kg"] == 38.5  # 38,500.0 g / 1,000 = 38.5 kg (the model stores grams)
    assert owner["status"] == "waste" and owner["chemistry"] == "NMC811"


def test_a_mass_in_grams_sent_as_kg_is_refused(client, world):
    r = post(client, world.key("Voltavia Motors"), jsonl([record(0, battery_mass_kg=452000)]), "jsonl")
    assert r.status_code == 422
    assert r.json()["report"]["errors"][0]["problems"][0]["field"] == "attributes.battery_mass_kg"
