from __future__ import annotations

from tests.conftest import auth


def test_me_with_demo_key(client, world):
    r = client.get("/v1/me", headers=auth(world.key("Voltavia Motors")))
    assert r.status_code == 200
    assert r.json()["organization"]["name"] == "Voltavia Motors"


def test_me_without_key_is_problem_401(client, world):
    r = client.get("/v1/me")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "authorization"


def test_docs_are_served_from_vendored_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text  # works on networks without internet
    for asset in ("/api-static/swagger/swagger-ui-bundle.js", "/api-static/swagger/swagger-ui.css"):
        assert asset in page.text
        assert client.get(asset).status_code == 200
