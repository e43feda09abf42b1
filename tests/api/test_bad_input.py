"""Bad input as a new user would send it: each gets the right status, a problem detail naming what is wrong,
and nothing is written (the audit log of successes and the tables stay as they were)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from batteryloop.storage.tables import ApiKeyRow, AuditEventRow, ConsortiumRow, MemberRow
from tests.conftest import auth

PROBLEM = "application/problem+json"


def counts(platform):
    with platform.store.uow() as uow:
        return {
            t.__tablename__: uow.session.scalar(select(func.count()).select_from(t))
            for t in (ConsortiumRow, MemberRow, ApiKeyRow)
        } | {
            "audit_success": uow.session.scalar(
                select(func.count()).select_from(AuditEventRow).where(AuditEventRow.outcome == "success")
            )
        }


def assert_problem(r, status, field=None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    if field is not None:
        assert field in {e["field"] for e in body.get("errors", [])}, body
    return body


@pytest.mark.parametrize(
    ("content", "status", "field"),
    [
        (b'{"name": "Loop", ', 400, "body"),  # malformed JSON
        (b'{"name": "Loop", "colour": "green"}', 422, "colour"),  # unknown field
        (b'{"name": 42}', 422, "name"),  # wrong type
        (b'{"description": "no name"}', 422, "name"),  # missing field
        (b'{"name": ""}', 422, "name"),  # empty
        (b"[]", 422, None),  # wrong shape
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_written(client, world, platform, content, status, field):
    before = counts(platform)
    r = client.post(
        "/v1/consortia",
        content=content,
        headers={**auth(world.key("Voltavia Motors")), "content-type": "application/json"},
    )
    assert_problem(r, status, field)
    assert counts(platform) == before


def test_oversized_body_is_413(client, world, platform):
    before = counts(platform)
    r = client.post(
        "/v1/consortia",
        content=b'{"name": "' + b"x" * 1_100_000 + b'"}',
        headers={**auth(world.key("Voltavia Motors")), "content-type": "application/json"},
    )
    assert_problem(r, 413, "body")
    assert counts(platform) == before


def test_oversized_chunked_body_is_413(client, world):
    def chunks():
        for _ in range(20):
            yield b"x" * 100_000

    r = client.post(
        "/v1/consortia",
        content=chunks(),
        headers={**auth(world.key("Voltavia Motors")), "content-type": "application/json"},
    )
    body = assert_problem(r, 413, "body")
    assert body["type"].endswith("/too-large")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "needs an API key"),
        ("Bearer bl_" + "A" * 43, "not known"),
        ("Bearer nonsense", "malformed"),
        ("Basic dXNlcjpwYXNz", "Bearer"),
    ],
)
def test_missing_or_unknown_keys_get_401(client, world, header, reason):
    r = client.get("/v1/me", headers={"Authorization": header} if header else {})
    body = assert_problem(r, 401, "authorization")
    assert reason in body["detail"]
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_revoked_key_gets_401(client, world):
    key = world.key("Pyrolux Metals", "operator")
    me = client.get("/v1/me", headers=auth(key)).json()
    admin = auth(world.key("Pyrolux Metals"))
    assert client.delete(f"/v1/keys/{me['key_id']}", headers=admin).status_code == 200
    body = assert_problem(client.get("/v1/me", headers=auth(key)), 401, "authorization")
    assert "revoked" in body["detail"]
    assert_problem(client.delete(f"/v1/keys/{me['key_id']}", headers=admin), 409, "key_id")


def test_expired_key_gets_401(client, world, platform):
    admin = auth(world.key("Voltavia Motors"))
    me = client.get("/v1/me", headers=admin).json()
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    created = client.post("/v1/keys", json={"member_id": me["member_id"], "expires_at": soon}, headers=admin)
    assert created.status_code == 201, created.text
    token = created.json()["key"]
    assert client.get("/v1/me", headers=auth(token)).status_code == 200
    platform.store.clock = lambda: datetime.now(UTC) + timedelta(hours=2)  # two hours later
    body = assert_problem(client.get("/v1/me", headers=auth(token)), 401, "authorization")
    assert "expired" in body["detail"]


def test_key_expiry_must_be_future_and_zoned(client, world):
    admin = auth(world.key("Voltavia Motors"))
    me = client.get("/v1/me", headers=admin).json()
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert_problem(
        client.post("/v1/keys", json={"member_id": me["member_id"], "expires_at": past}, headers=admin),
        422,
        "expires_at",
    )
    assert_problem(
        client.post(
            "/v1/keys",
            json={"member_id": me["member_id"], "expires_at": "2030-01-01T00:00:00"},
            headers=admin,
        ),
        422,
        "expires_at",
    )


def test_another_organisations_resources(client, world, platform):
    outsider = auth(world.outsider_key)
    volt = world.org_ids["Voltavia Motors"]
    before = counts(platform)
    assert_problem(client.get(f"/v1/organizations/{volt}", headers=outsider), 404, "organization_id")
    assert_problem(client.get(f"/v1/consortia/{world.consortium_id}", headers=outsider), 404, "consortium_id")
    assert_problem(client.patch(f"/v1/organizations/{volt}", json={"name": "Mine"}, headers=outsider), 404)
    assert_problem(
        client.post(f"/v1/organizations/{volt}/members", json={"name": "x", "role": "admin"}, headers=outsider),
        404,
    )
    # a fellow member sees the organisation but may not change it or read its members and keys
    fellow = auth(world.key("Pyrolux Metals"))
    assert client.get(f"/v1/organizations/{volt}", headers=fellow).status_code == 200
    assert_problem(client.patch(f"/v1/organizations/{volt}", json={"name": "Mine"}, headers=fellow), 403, "role")
    assert_problem(client.get(f"/v1/organizations/{volt}/members", headers=fellow), 403)
    assert_problem(client.get(f"/v1/organizations/{volt}/keys", headers=fellow), 403)
    assert counts(platform) == before


def test_failed_writes_and_refusals_are_audited(client, world):
    fellow = world.key("Pyrolux Metals")
    volt = world.org_ids["Voltavia Motors"]
    client.patch(f"/v1/organizations/{volt}", json={"name": "Mine"}, headers=auth(fellow))
    auditor = auth(world.key("Pyrolux Metals", "auditor"))
    events = client.get("/v1/audit-events", headers=auditor).json()["items"]
    refused = [e for e in events if e["outcome"] == "denied"]
    assert refused and refused[0]["action"] == "api.update_organization"


def test_bad_paging_parameters(client, world):
    key = auth(world.key("Voltavia Motors"))
    assert_problem(client.get("/v1/organizations?limit=0", headers=key), 422, "limit")
    assert_problem(client.get("/v1/organizations?limit=abc", headers=key), 422, "limit")
    assert_problem(client.get("/v1/organizations?cursor=%%%", headers=key), 422, "cursor")


def test_unknown_route_and_method_are_problems(client):
    assert_problem(client.get("/v1/nothing-here"), 404)
    assert_problem(client.put("/v1/me"), 405)


def test_refusals_land_in_the_targeted_organisations_audit_trail(client, world):
    volt = world.org_ids["Voltavia Motors"]
    client.patch(f"/v1/organizations/{volt}", json={"name": "Mine"}, headers=auth(world.key("Pyrolux Metals")))
    volt_auditor = auth(world.key("Voltavia Motors"))
    events = client.get("/v1/audit-events", params={"owner_org_id": str(volt)}, headers=volt_auditor).json()["items"]
    denied = [e for e in events if e["outcome"] == "denied"]
    assert denied and denied[0]["actor_org_id"] == str(world.org_ids["Pyrolux Metals"])


def test_a_revoked_key_still_in_use_is_audited_for_its_organisation(client, world):
    key = world.key("Pyrolux Metals", "operator")
    me = client.get("/v1/me", headers=auth(key)).json()
    assert client.delete(f"/v1/keys/{me['key_id']}", headers=auth(world.key("Pyrolux Metals"))).status_code == 200
    assert client.get("/v1/me", headers=auth(key)).status_code == 401
    events = client.get("/v1/audit-events", headers=auth(world.key("Pyrolux Metals", "auditor"))).json()["items"]
    refused = [e for e in events if e["action"] == "auth.refused"]
    assert refused and refused[0]["actor_key_id"] == me["key_id"] and "revoked" in refused[0]["detail"]
