"""Passports through the API: registration with every error listed, reads at each access level, lifecycle, QR."""

from __future__ import annotations

import csv

import pytest

from batteryloop.domain.organization import OrganizationKind
from batteryloop.domain.passport.access import ServedLevel, decide_served_level, visible_keys
from tests.conftest import auth

PID = "urn:voltavia:vm00000001"


def full_record() -> dict:
    """A value for every one of the 93 attributes (docs/passport-format.md shapes), built from the data file."""
    from batteryloop.domain.passport.attributes import get_attributes

    samples = {
        "passport_id": PID,
        "string": "text",
        "text": "longer text",
        "url": "https://docs.voltavia.example/x.pdf",
        "string_list": ["Water"],
        "year_month": "2023-04",
        "integer_months": 96,
        "integer": 12,
        "decimal": 3.5,
        "fraction": 0.05,
        "contact": {"name": "Voltavia Motors", "identifier": "4012345000009", "country": "DE"},
        "address": {"country": "DE", "postal_code": "38440", "street": "Werkstr. 1"},
        "chemistry": {"code": "NMC811"},
        "labels": [{"subject": "separate_collection", "meaning": "collect separately"}],
        "materials": [
            {
                "name": "Nickel",
                "cas": "7440-02-0",
                "mass_kg": 38.5,
                "component": "cathode",
                "critical_raw_material": True,
            }
        ],
        "hazardous_substances": [
            {
                "name": "Lithium hexafluorophosphate",
                "cas": "21324-40-3",
                "hazard_class": "AcuteToxicity",
                "concentration_share": 0.012,
                "impacts": ["H301"],
                "component": "electrolyte",
            }
        ],
        "documents": [{"type": "dismantling_manual", "url": "https://docs.voltavia.example/dm.pdf"}],
        "part_numbers": [{"part_name": "module", "part_number": "VM-MOD-12"}],
        "spare_part_sources": [
            {"supplier": "Voltavia Parts", "parts": [{"part_name": "module", "part_number": "VM-MOD-12"}]}
        ],
        "resistances": [{"component": "pack", "ohm": 0.1}],
        "resistance_increases": [{"component": "pack", "rate": 0.05}],
        "events": [{"description": "minor collision", "occurred_at": "2025-01-02T10:00:00Z"}],
    }
    record = {}
    for key, a in get_attributes().items():
        base = a.value_type.split(":")[0]
        value = a.value_type.split(":")[1].split("|")[0] if base == "enum" else samples[base]
        if key == "battery_mass_kg":
            value = 452.0
        if key in ("minimum_voltage_v", "nominal_voltage_v", "maximum_voltage_v"):
            value = {"minimum_voltage_v": 300.0, "nominal_voltage_v": 400.0, "maximum_voltage_v": 450.0}[key]
        if key in ("idle_temperature_lower_c", "idle_temperature_upper_c"):
            value = -20.0 if key.endswith("lower_c") else 45.0
        record[key] = [{"value": value, "recorded_at": "2026-01-02T10:00:00Z"}] if a.is_dynamic else value
    record["battery_status"] = [{"value": "original", "recorded_at": "2026-01-02T10:00:00Z"}]
    return record


@pytest.fixture
def registered(client, world):
    r = client.post("/v1/passports", json={"attributes": full_record()}, headers=auth(world.key("Voltavia Motors")))
    assert r.status_code == 201, r.text
    return r.json()


def expected_keys(kind, *, owner=False, shared=True):
    return visible_keys(decide_served_level(reader_kind=kind, is_owner=owner, passports_shared=shared))


def test_each_level_sees_exactly_its_attributes(client, world, registered):
    assert registered["served_level"] == "owner" and len(registered["attributes"]) == 93
    public = client.get(f"/v1/passports/{PID}").json()
    assert public["served_level"] == "public" and public["owner_org_id"] is None
    assert set(public["attributes"]) == expected_keys(None) and len(public["attributes"]) == 60
    recycler = client.get(f"/v1/passports/{PID}", headers=auth(world.key("CircuMet Recycling", "viewer"))).json()
    assert recycler["served_level"] == "legitimate_interest"  # the demo agreement shares passports with recyclers
    assert set(recycler["attributes"]) == expected_keys(OrganizationKind.RECYCLER)
    authority = client.get(
        f"/v1/passports/{PID}", headers=auth(world.key("Battery Market Surveillance Office", "auditor"))
    ).json()
    assert authority["served_level"] == "authority"
    assert set(authority["attributes"]) == expected_keys(OrganizationKind.AUTHORITY)
    logistics = client.get(f"/v1/passports/{PID}", headers=auth(world.key("SafeCell Logistics"))).json()
    assert logistics["served_level"] == "public"  # no legitimate-interest role
    outsider = client.get(f"/v1/passports/{PID}", headers=auth(world.outsider_key)).json()
    assert outsider["served_level"] == "public" and "does not share" in outsider["reasons"][0]
    for body in (public, recycler, authority, logistics, outsider):
        assert body["withheld"] == 93 - len(body["attributes"])


def test_the_commission_sees_points_1_2_and_3_without_a_sharing_rule(platform, client, world, registered):
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole
    from batteryloop.services import key as key_service
    from batteryloop.services import organization as org_service

    op = Actor.platform_operator()
    with platform.store.uow() as uow:
        dg = org_service.create_organization(
            uow, op, name="European Commission DG ENV", kind=OrganizationKind.COMMISSION
        )
        member = org_service.add_member(uow, op, dg.id, name="Desk officer", role=MemberRole.VIEWER)
        _, token = key_service.create_key(uow, op, member_id=member.id)
        uow.commit()
    body = client.get(f"/v1/passports/{PID}", headers=auth(token)).json()
    assert body["served_level"] == "commission"
    assert set(body["attributes"]) == expected_keys(OrganizationKind.COMMISSION)
    assert {"dismantling_manuals", "test_reports"} <= set(body["attributes"])
    assert "state_of_charge_share" not in body["attributes"]  # point 4: persons with a legitimate interest only


def test_all_93_attributes_against_the_data_file(client, world, registered):
    """Table-driven from the attribute file: each row's access level decides who sees it."""
    path = "src/batteryloop/data/passport/attributes.csv"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert len(rows) == 93
    public = client.get(f"/v1/passports/{PID}").json()["attributes"]
    authority = client.get(
        f"/v1/passports/{PID}", headers=auth(world.key("Battery Market Surveillance Office", "auditor"))
    ).json()["attributes"]
    for row in rows:
        assert (row["key"] in public) is (row["access"] == "public"), row["key"]
        # a market surveillance authority: Annex XIII points 1 and 3, not point 2 (the Commission's) nor point 4
        assert (row["key"] in authority) is (row["access"] in ("public", "authority")), row["key"]


def test_broken_documents_list_every_error_and_store_nothing(client, world):
    key = auth(world.key("Voltavia Motors"))
    broken = {
        "passport_id": "urn:voltavia:broken1",
        "battery_id": "B-1",
        "battery_category": "ev",
        "battery_mass_kg": -4,
        "battery_chemistry": {"code": "unobtainium"},
        "battery_status": [{"value": "orignal", "recorded_at": "2026-01-02T10:00:00Z"}],
        "cathode_anode_electrolyte_materials": [
            {
                "name": "Nickel",
                "cas": "7440-02-1",
                "mass_kg": 1.6e35,
                "component": "cathode",
                "critical_raw_material": True,
            }
        ],
    }
    r = client.post("/v1/passports", json={"attributes": broken}, headers=key)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in r.json()["errors"]}
    for expected in (
        "attributes.battery_mass_kg",
        "attributes.battery_chemistry.code",
        "attributes.battery_status[0].value",
        "attributes.cathode_anode_electrolyte_materials[0].cas",
        "attributes.cathode_anode_electrolyte_materials[0].mass_kg",
    ):
        assert expected in fields, (expected, fields)
    assert client.get("/v1/passports/urn:voltavia:broken1").status_code == 404


def test_lifecycle_waste_then_recycled(client, world, registered):
    volt = auth(world.key("Voltavia Motors"))
    circumet = str(world.org_ids["CircuMet Recycling"])
    bad = client.post(f"/v1/passports/{PID}/status", json={"status": "recycled"}, headers=volt)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    r = client.post(f"/v1/passports/{PID}/status", json={"status": "waste", "operator_org_id": circumet}, headers=volt)
    assert r.status_code == 200, r.text
    assert r.json()["responsibility_transferred"] and r.json()["responsible_org_id"] == circumet
    # the recycler is now responsible: it sees everything and ends the passport
    rec = auth(world.key("CircuMet Recycling"))
    assert client.get(f"/v1/passports/{PID}", headers=rec).json()["served_level"] == "owner"
    assert client.post(f"/v1/passports/{PID}/status", json={"status": "recycled"}, headers=volt).status_code == 403
    done = client.post(f"/v1/passports/{PID}/status", json={"status": "recycled"}, headers=rec)
    assert done.status_code == 200 and done.json()["ceased"]
    archived = client.get(f"/v1/passports/{PID}").json()
    assert archived["ceased"] and archived["status"] == "recycled"  # still readable (Art. 78(e))
    again = client.post(
        f"/v1/passports/{PID}/readings",
        json={"attributes": {"state_of_charge_share": [{"value": 0.5, "recorded_at": "2026-06-01T00:00:00Z"}]}},
        headers=rec,
    )
    assert again.status_code == 409


def test_repurposing_issues_a_linked_passport(client, world, registered):
    volt = auth(world.key("Voltavia Motors"))
    dis = str(world.org_ids["Rheinland Dismantling"])
    r = client.post(
        f"/v1/passports/{PID}/status",
        json={"status": "repurposed", "operator_org_id": dis, "new_passport_id": "urn:rheinland:ess0001"},
        headers=volt,
    )
    assert r.status_code == 200, r.text
    assert r.json()["new_passport_id"] == "urn:rheinland:ess0001"
    new = client.get("/v1/passports/urn:rheinland:ess0001").json()
    assert new["predecessor_passport_id"] == PID and new["status"] == "repurposed"
    assert client.get(f"/v1/passports/{PID}").json()["successor_passport_id"] == "urn:rheinland:ess0001"


def test_readings_append_to_dynamic_attributes(client, world, registered):
    volt = auth(world.key("Voltavia Motors"))
    r = client.post(
        f"/v1/passports/{PID}/readings",
        json={
            "attributes": {"state_of_certified_energy_share": [{"value": 0.91, "recorded_at": "2026-03-01T00:00:00Z"}]}
        },
        headers=volt,
    )
    assert r.status_code == 201, r.text
    series = r.json()["attributes"]["state_of_certified_energy_share"]
    assert [s["value"] for s in series] == [0.05, 0.91]
    static = client.post(f"/v1/passports/{PID}/readings", json={"attributes": {"battery_mass_kg": 400}}, headers=volt)
    assert static.status_code == 422 and "static" in static.json()["detail"]


def test_completeness_and_qr(client, world):
    volt = auth(world.key("Voltavia Motors"))
    minimal = {"passport_id": "urn:voltavia:min1", "battery_id": "M-1", "battery_category": "ev"}
    assert client.post("/v1/passports", json={"attributes": minimal}, headers=volt).status_code == 201
    report = client.get("/v1/passports/urn:voltavia:min1/completeness", headers=volt).json()
    assert report["mandatory"] == 70 and report["present"] == 4  # the three given + the initial status
    assert report["complete_share"] == pytest.approx(4 / 70)
    assert "battery_mass_kg" in {m["key"] for m in report["missing"]}
    svg = client.get("/v1/passports/urn:voltavia:min1/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get("/v1/passports/urn:voltavia:min1/qr.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/v1/passports/urn:voltavia:none/qr.svg").status_code == 404


def test_served_level_public_for_anonymous_is_the_domain_decision():
    assert decide_served_level(reader_kind=None, is_owner=False, passports_shared=False).level is ServedLevel.PUBLIC
