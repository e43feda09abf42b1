"""The recovery pages over TestClient: after CircuMet's pre-treatment lot and Pyrolux's smelter lot are processed
(the chain of tests/api/test_operations.py), the dashboard shows CircuMet's report with the targets, the lots and
each facility's mass flows; the lot page draws the chain's Sankey diagram; the report downloads; an outsider sees
nothing of it."""

from __future__ import annotations

import re

import pytest

from tests.api.test_operations import PACKS, PRE, PRE_OUTPUTS, SMELTER, SMELTER_OUTPUTS, chain  # noqa: F401
from tests.conftest import auth
from tests.web.test_custody_pages import page, sign_in


@pytest.fixture
def processed(client, world, chain):  # noqa: F811
    recycler, smelter = auth(world.key("CircuMet Recycling")), auth(world.key("Pyrolux Metals"))
    head = client.post(f"/v1/facilities/{chain[PRE]}/lots", json={"code": "CM-L9", "route": "pretreatment",
                       "items": PACKS}, headers=recycler).json()  # fmt: skip
    client.post(f"/v1/lots/{head['id']}/outputs", json={"processed_on": "2026-11-20", "outputs": PRE_OUTPUTS},
                headers=recycler).raise_for_status()  # fmt: skip
    down = client.post(f"/v1/facilities/{chain[SMELTER]}/lots", json={"code": "PX-L9", "route": "pyrometallurgy",
                       "source": {"lot_id": head["id"], "output": "black mass"}}, headers=smelter).json()  # fmt: skip
    client.post(f"/v1/lots/{down['id']}/outputs", json={"processed_on": "2026-11-22", "outputs": SMELTER_OUTPUTS},
                headers=smelter).raise_for_status()  # fmt: skip
    return head


def test_the_dashboard_shows_the_report_lots_and_flows(client, world, processed):
    sign_in(client, world.key("CircuMet Recycling", "viewer"))
    html = page(client, "/recovery")
    assert '<a href="/recovery" aria-current="page">Recovery</a>' in html and "Recovery 2026" in html
    statuses = dict(re.findall(r'<tr data-rate="([^"]+)" data-status="([a-z_]+)"', html))
    assert statuses["Recycling efficiency"] == "met"  # 69.44 % >= 65 % (2025)
    assert statuses["Recovery of lithium"] == "due_later"  # 0 % (left in the slag); the first target is due 2027
    assert statuses["Recovery of lead"] == "na"
    assert statuses["Recovery of nickel"] == "on_track"  # 96 %: the first target to come (90 % by 2027) is met
    assert re.search(r'data-lot="CM-L9" data-status="processed"', html)
    assert html.count('data-testid="facility-sankey"') == 2  # the pre-treatment plant and the smelter


def test_the_lot_page_draws_the_chain(client, world, processed):
    sign_in(client, world.key("CircuMet Recycling", "viewer"))
    html = page(client, f"/recovery/lots/{processed['id']}")
    assert 'data-testid="chain-sankey"' in html
    values = dict(re.findall(r'<g data-node="([^"]+)" data-value="([\d.]+)"', html))
    assert float(values["input"]) == 900.0  # the lot's input, drawn as the first node
    assert "Co-Ni-Cu alloy" in html and "69.44 %" in html


def test_the_report_downloads_and_an_outsider_sees_nothing(client, world, processed):
    sign_in(client, world.key("CircuMet Recycling", "viewer"))
    org = world.org_ids["CircuMet Recycling"]
    assert client.get(f"/recovery/report/{org}/2026.pdf").content.startswith(b"%PDF")
    assert "section,battery_group" in client.get(f"/recovery/report/{org}/2026.csv").text
    sign_in(client, world.outsider_key)
    html = page(client, "/recovery")
    assert "CM-L9" not in html and "CircuMet" not in html
    assert client.get(f"/recovery/lots/{processed['id']}").status_code == 404
    assert client.get(f"/recovery/report/{org}/2026.pdf").status_code == 404


def test_graded_products_show_their_pass_rate_and_certificate(client, world, chain):  # noqa: F811
    from tests.api.test_operations import refined_lot

    lot_id = refined_lot(client, world, chain)
    recycler = auth(world.key("CircuMet Recycling"))
    good = {"main_content_pct": 99.6, "impurities_ppm": {"Na": 100, "Ca": 30, "Mg": 40, "magnetic": 0.1}}
    r = client.post(f"/v1/lots/{lot_id}/outputs/0/grade", headers=recycler,
                    json={"product": "Li2CO3", "assay": good, "specification": "li2co3-fastmarkets-china"})  # fmt: skip
    assert r.status_code == 200, r.text
    sign_in(client, world.key("CircuMet Recycling", "viewer"))
    html = page(client, "/recovery")
    assert re.search(r'<tr data-product="Li2CO3" data-pass-rate="1.000">', html)  # 1 graded, 1 passed
    lot_html = page(client, f"/recovery/lots/{lot_id}")
    assert '<td data-grade="pass">' in lot_html
    assert client.get(f"/recovery/lots/{lot_id}/outputs/0/certificate.pdf").content.startswith(b"%PDF")
    assert client.get(f"/recovery/lots/{lot_id}/outputs/1/certificate.pdf").status_code == 404  # not graded
