"""The web pages over TestClient, on SQLite and PostgreSQL: sign-in, CSRF, sessions, the overview."""

from __future__ import annotations

import base64
import json
import re
from html import unescape

import pytest
from fastapi.routing import APIRoute

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import auth as auth_service
from batteryloop.services import key as key_service
from batteryloop.services import organization as org_service
from batteryloop.web.security import CONTENT_SECURITY_POLICY

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CELL = re.compile(r'data-member="([^"]+)" data-category="([a-z]+)"\s+data-readable="(true|false)"')
DEMO_MEMBERS = (
    "Voltavia Motors",
    "Nordkap Automotive",
    "Iberia Electric Vehicles",
    "CircuMet Recycling",
    "Pyrolux Metals",
    "Rheinland Dismantling",
    "SafeCell Logistics",
    "Cathodia Materials",
    "Battery Market Surveillance Office",
)


def csrf_token(client, path: str = "/signin") -> str:
    page = client.get(path)
    match = CSRF.search(page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client, key: str, next_path: str = "/"):
    token = csrf_token(client)
    return client.post("/signin", data={"key": key, "csrf_token": token, "next": next_path}, follow_redirects=False)


def session_data(client) -> dict:
    cookie = client.cookies.get("batteryloop_session")
    assert cookie, "no session cookie"
    payload = cookie.split(".")[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))


def new_org_key(platform, name: str) -> str:
    """An organisation in no consortium, with an admin and a key."""
    op = Actor.platform_operator()
    with platform.store.uow() as uow:
        org = org_service.create_organization(uow, op, name=name, kind=OrganizationKind.RESEARCH, country="FR")
        member = org_service.add_member(uow, op, org.id, name="Rosa Research", role=MemberRole.ADMIN)
        _, token = key_service.create_key(uow, op, member_id=member.id)
        uow.commit()
    return token


def test_signin_form_is_html_with_csrf_and_security_headers(client):
    r = client.get("/signin")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert 'name="key"' in r.text
    assert CSRF.search(r.text)
    assert "https://" not in r.text  # no CDN: every asset comes from this server
    css = client.get("/static/batteryloop.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


def test_protected_page_redirects_to_signin_keeping_the_path(client):
    r = client.get("/?tab=members", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/signin?next=%2F%3Ftab%3Dmembers"
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin"


def test_sign_in_stores_only_the_key_id(client, platform, world):
    key = world.key("Voltavia Motors")
    r = sign_in(client, key)
    assert r.status_code == 303
    assert r.headers["location"] == "/"
    cookie_header = r.headers["set-cookie"]
    assert "batteryloop_session=" in cookie_header
    assert "httponly" in cookie_header.lower()
    assert "samesite=lax" in cookie_header.lower()
    data = session_data(client)
    with platform.store.uow() as uow:
        key_id = auth_service.authenticate(uow, key).key_id
    assert data["key_id"] == str(key_id)
    assert set(data) == {"key_id", "csrf"}
    assert key not in client.cookies.get("batteryloop_session")
    page = client.get("/")
    assert page.status_code == 200
    assert "Voltavia Motors" in page.text
    assert "Sign out" in page.text


def test_wrong_key_shows_the_form_again_with_401(client, world):
    r = sign_in(client, "bl_" + "x" * 43)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("text/html")
    assert "That key was not accepted" in unescape(r.text)
    assert "not known" in unescape(r.text)
    assert "key_id" not in session_data(client)
    malformed = sign_in(client, "not-a-key")
    assert malformed.status_code == 401
    assert "malformed" in malformed.text
    empty = sign_in(client, "   ")
    assert empty.status_code == 401
    assert "Enter your API key" in empty.text


def test_signin_post_without_or_with_wrong_csrf_token_is_refused(client, world):
    key = world.key("Voltavia Motors")
    client.get("/signin")  # the session (and its token) exists; the post does not carry it
    missing = client.post("/signin", data={"key": key}, follow_redirects=False)
    assert missing.status_code == 403
    assert missing.headers["content-type"].startswith("text/html")
    assert "Reload the page" in missing.text
    wrong = client.post("/signin", data={"key": key, "csrf_token": "forged"}, follow_redirects=False)
    assert wrong.status_code == 403
    assert "key_id" not in session_data(client)


def test_signout_needs_the_csrf_token(client, world):
    assert sign_in(client, world.key("Voltavia Motors")).status_code == 303
    refused = client.post("/signout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    assert "Voltavia Motors" in refused.text  # still signed in: the error page keeps the header
    assert client.get("/", follow_redirects=False).status_code == 200
    token = csrf_token(client, "/")
    r = client.post("/signout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/signin"
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "You have signed out." in client.get("/signin").text


def test_revoked_key_signs_the_session_out_at_once(client, platform, world):
    key = world.key("Pyrolux Metals")
    assert sign_in(client, key).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200
    with platform.store.uow() as uow:
        key_id = auth_service.authenticate(uow, key).key_id
        key_service.revoke_key(uow, Actor.platform_operator(), key_id)
        uow.commit()
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/signin"
    assert "key_id" not in session_data(client)
    page = client.get("/signin")
    assert "You were signed out" in page.text
    assert "revoked" in page.text


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http:/evil", "evil"],
)
def test_next_must_be_a_path_on_this_site(client, world, target):
    r = sign_in(client, world.key("Voltavia Motors"), next_path=target)
    assert r.status_code == 303
    assert r.headers["location"] == "/"
    again = client.get("/signin", params={"next": target}, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/"


def test_next_on_this_site_is_followed(client, world):
    r = sign_in(client, world.key("Voltavia Motors"), next_path="/?tab=members")
    assert r.headers["location"] == "/?tab=members"


def test_overview_shows_members_matrix_and_counts(client, world):
    sign_in(client, world.key("Voltavia Motors"))
    r = client.get("/")
    assert r.status_code == 200
    text = unescape(r.text)
    assert "Rhine Battery Loop" in text
    for name in DEMO_MEMBERS:
        assert name in text
    assert "Outsider Recycling" not in text
    assert "Other Loop" not in text
    cells = {(m, c): v == "true" for m, c, v in CELL.findall(text)}
    assert len(cells) == len(DEMO_MEMBERS) * 6
    assert all(cells[("Voltavia Motors", c)] for c in ("passports", "economics"))  # own data
    # an automaker reads custody, lots and incidents of everyone; assays of the recyclers; economics of CircuMet
    assert cells[("CircuMet Recycling", "custody")]
    assert cells[("CircuMet Recycling", "assays")]
    assert cells[("CircuMet Recycling", "economics")]
    assert not cells[("CircuMet Recycling", "passports")]
    assert cells[("Pyrolux Metals", "assays")]
    assert not cells[("Pyrolux Metals", "economics")]
    assert not cells[("Nordkap Automotive", "assays")]
    assert not any(v for (m, c), v in cells.items() if c == "passports" and m != "Voltavia Motors")
    assert "CircuMet Recycling shares its economic data with Voltavia Motors." in text
    assert "Every member shares its battery passports with all recyclers." in text
    assert re.search(r'stat__value">23<', r.text)  # clauses
    assert re.search(r'stat__value">9<', r.text)  # members
    assert re.search(r"Automakers</th><td class=\"num\">3<", r.text)


def test_overview_differs_by_viewer(client, world):
    sign_in(client, world.key("CircuMet Recycling"))
    cells = {(m, c): v == "true" for m, c, v in CELL.findall(unescape(client.get("/").text))}
    assert cells[("Voltavia Motors", "passports")]  # recyclers read every member's passports
    assert not cells[("Voltavia Motors", "assays")]


def test_overview_without_consortium_says_what_to_do(client, platform, world):
    sign_in(client, new_org_key(platform, "Lonely Lab"))
    text = unescape(client.get("/").text)
    assert "Lonely Lab is not in a consortium yet" in text
    assert "To join a consortium" in text
    assert "Rhine Battery Loop" not in text


def test_html_is_escaped(client, platform, world):
    sign_in(client, new_org_key(platform, "<script>alert(1)</script> Labs"))
    r = client.get("/")
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Labs" in r.text


def test_errors_are_pages_for_browsers_and_problems_for_the_api(client, world):
    page = client.get("/no/such/page", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    api = client.get("/v1/no-such-thing", headers={"accept": "text/html"})
    assert api.headers["content-type"] == "application/problem+json"
    wrong_method = client.get("/signout", headers={"accept": "*/*"})
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"].startswith("text/html")


def test_page_routes_are_in_the_route_table_but_not_in_the_schema(app, client):
    pages = {(m, r.path) for r in app.routes if isinstance(r, APIRoute) and not r.include_in_schema for m in r.methods}
    assert {("GET", "/"), ("GET", "/signin"), ("POST", "/signin"), ("POST", "/signout")} <= pages
    schema_paths = client.get("/openapi.json").json()["paths"]
    assert not {"/", "/signin", "/signout"} & set(schema_paths)


def test_unexpected_error_on_a_page_is_a_friendly_page(app, world, monkeypatch):
    from fastapi.testclient import TestClient

    from batteryloop.web.routes import overview

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(overview, "consortium_views", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        sign_in(client, world.key("Voltavia Motors"))
        r = client.get("/")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in r.text
    assert "boom" not in r.text
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
