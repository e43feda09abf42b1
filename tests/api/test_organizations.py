from __future__ import annotations

from tests.conftest import auth


def test_directory_lists_fellow_members_only_and_pages(client, world):
    key = auth(world.key("Voltavia Motors", "viewer"))
    seen, cursor = [], None
    while True:
        r = client.get("/v1/organizations", params={"limit": 4, **({"cursor": cursor} if cursor else {})}, headers=key)
        assert r.status_code == 200
        page = r.json()
        assert len(page["items"]) <= 4
        seen += [o["name"] for o in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(seen) == sorted(world.org_ids)  # the nine demo members, not the outsider
    assert len(seen) == len(set(seen))


def test_admin_adds_member_and_creates_a_key_shown_once(client, world):
    admin = auth(world.key("Nordkap Automotive"))
    org = world.org_ids["Nordkap Automotive"]
    m = client.post(
        f"/v1/organizations/{org}/members",
        json={"name": "Eva Ek", "role": "operator", "email": "eva@nordkap.example"},
        headers=admin,
    )
    assert m.status_code == 201, m.text
    k = client.post("/v1/keys", json={"member_id": m.json()["id"], "label": "plant scanner"}, headers=admin)
    assert k.status_code == 201
    token = k.json()["key"]
    assert token.startswith("bl_") and k.json()["prefix"] == token[:10]
    me = client.get("/v1/me", headers=auth(token)).json()
    assert me["role"] == "operator" and me["organization"]["name"] == "Nordkap Automotive"
    keys = client.get(f"/v1/organizations/{org}/keys", headers=admin).json()["items"]
    assert all("key" not in item for item in keys)  # never shown again
    assert any(item["label"] == "plant scanner" for item in keys)


def test_viewer_cannot_create_keys(client, world):
    viewer = auth(world.key("Nordkap Automotive", "operator"))
    me = client.get("/v1/me", headers=viewer).json()
    r = client.post("/v1/keys", json={"member_id": me["member_id"]}, headers=viewer)
    assert r.status_code == 403


def test_admin_renames_own_organisation(client, world):
    admin = auth(world.key("Iberia Electric Vehicles"))
    org = world.org_ids["Iberia Electric Vehicles"]
    r = client.patch(f"/v1/organizations/{org}", json={"country": "pt"}, headers=admin)
    assert r.status_code == 200 and r.json()["country"] == "PT"
    dup = client.patch(f"/v1/organizations/{org}", json={"name": "Pyrolux Metals"}, headers=admin)
    assert dup.status_code == 409 and dup.json()["errors"][0]["field"] == "name"


def test_consortium_overview_and_sharing(client, world):
    convenor = auth(world.key("CircuMet Recycling"))
    oem = auth(world.key("Voltavia Motors"))
    cid = world.consortium_id
    view = client.get(f"/v1/consortia/{cid}/overview", headers=oem).json()
    by_name = {m["organization"]["name"]: m["readable_categories"] for m in view["members"]}
    assert by_name["Voltavia Motors"] == ["passports", "custody", "lots", "assays", "economics", "incidents"]
    assert "economics" in by_name["CircuMet Recycling"]  # granted to Voltavia by name
    assert "economics" not in by_name["Pyrolux Metals"]
    assert view["members_by_kind"]["oem"] == 3
    pyrolux = str(world.org_ids["Pyrolux Metals"])
    rule = {"category": "economics", "provider_org_id": pyrolux, "grantee_kind": "oem"}
    # nobody opens another organisation's data: not a fellow member, not even the convenor
    assert client.post(f"/v1/consortia/{cid}/sharing-rules", json=rule, headers=oem).status_code == 403
    assert client.post(f"/v1/consortia/{cid}/sharing-rules", json=rule, headers=convenor).status_code == 403
    # Pyrolux opens its own economics to every OEM; Voltavia now reads it
    own = auth(world.key("Pyrolux Metals"))
    r = client.post(f"/v1/consortia/{cid}/sharing-rules", json=rule, headers=own)
    assert r.status_code == 201, r.text
    view = client.get(f"/v1/consortia/{cid}/overview", headers=oem).json()
    assert (
        "economics" in {m["organization"]["name"]: m["readable_categories"] for m in view["members"]}["Pyrolux Metals"]
    )
    # ...and removing it closes it again
    r = client.delete(f"/v1/consortia/{cid}/sharing-rules", params=rule, headers=own)
    assert r.status_code == 204


def test_membership_needs_the_invited_organisations_consent(client, world):
    volt = auth(world.key("Voltavia Motors"))
    outsider = auth(world.outsider_key)
    grab = client.post("/v1/consortia", json={"name": "Grab Loop"}, headers=volt).json()["id"]
    invited = client.post(
        f"/v1/consortia/{grab}/members", json={"organization_id": str(world.outsider_org_id)}, headers=volt
    )
    assert invited.status_code == 201
    # invited, not a member: Voltavia cannot share the outsider's data, nor see it in its directory
    rule = {
        "category": "passports",
        "provider_org_id": str(world.outsider_org_id),
        "grantee_org_id": str(world.org_ids["Voltavia Motors"]),
    }
    assert client.post(f"/v1/consortia/{grab}/sharing-rules", json=rule, headers=volt).status_code == 403
    assert client.get(f"/v1/organizations/{world.outsider_org_id}", headers=volt).status_code == 404
    view = client.get(f"/v1/consortia/{grab}/overview", headers=outsider).json()
    assert [o["name"] for o in view["invited"]] == ["Outsider Recycling"]
    # the outsider's own audit trail shows the invitation
    events = client.get("/v1/audit-events", headers=outsider).json()["items"]
    assert any(e["action"] == "consortium.invite" for e in events)
    # it accepts: now a member, visible to Voltavia
    assert client.post(f"/v1/consortia/{grab}/accept", headers=outsider).status_code == 200
    assert client.get(f"/v1/organizations/{world.outsider_org_id}", headers=volt).status_code == 200
    assert client.post(f"/v1/consortia/{grab}/accept", headers=outsider).status_code == 409
    # and leaves again
    r = client.delete(f"/v1/consortia/{grab}/members/{world.outsider_org_id}", headers=outsider)
    assert r.status_code == 204
    assert client.get(f"/v1/organizations/{world.outsider_org_id}", headers=volt).status_code == 404


def test_healthz_checks_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["schema_revision"]


def test_authority_auditor_reads_consortium_audit_log_and_a_viewer_does_not(client, world):
    authority = auth(world.key("Battery Market Surveillance Office", "auditor"))
    events = client.get("/v1/audit-events?limit=200", headers=authority).json()["items"]
    owners = {e["owner_org_id"] for e in events}
    assert str(world.org_ids["Voltavia Motors"]) in owners
    assert str(world.outsider_org_id) not in owners
    viewer = auth(world.key("Voltavia Motors", "operator"))
    assert client.get("/v1/audit-events", headers=viewer).status_code == 403
