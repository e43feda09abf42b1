"""The design-for-recycling pages over TestClient: Voltavia Motors stores two models (screwed with a dismantling
manual, 2025; glued without one, 2021) and an undescribed third; a recycler partner sees them side by side, the
trend per automaker, each model's card with the breakdown and advice; an outsider sees none of them."""

from __future__ import annotations

import re

import pytest

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import design
from batteryloop.services import passport as passport_service
from batteryloop.web.routes.design import trend_chart
from tests.web.test_custody_pages import page, sign_in

MANUAL = {"type": "dismantling_manual", "url": "https://docs.voltavia.example/dm.pdf", "mime_type": "application/pdf"}
FACTS = {
    "joining": {"pack_to_module": "screws", "module_to_cell": "screws"}, "disassembly_steps": 12,
    "disassembly_minutes": 40, "tools": "standard", "modules": 8, "cell_format": "prismatic",
    "chemistry_label_on_modules": True, "year": 2025,
}  # fmt: skip
GLUED = FACTS | {"joining": {"pack_to_module": "adhesive", "module_to_cell": "adhesive"}, "year": 2021}


@pytest.fixture
def models(platform, world) -> dict[str, str]:
    volt = Actor(org_id=world.org_ids["Voltavia Motors"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    ids = {}
    with platform.store.uow() as uow:
        for code, docs, facts in (("VM-GOOD", [MANUAL], FACTS), ("VM-GLUED", [], GLUED), ("VM-NEW", [MANUAL], None)):
            attributes = {"battery_category": "ev", "battery_chemistry": {"code": "NMC811"}, "battery_mass_kg": 450.0,
                          "dismantling_manuals": docs}  # fmt: skip
            model = passport_service.create_model(uow, volt, code=code, name=f"{code} pack", attributes=attributes)
            if facts:
                design.set_design_facts(uow, volt, model.id, facts)
            ids[code] = str(model.id)
        uow.commit()
    return ids


def test_the_pages_need_signing_in(client):
    r = client.get("/models", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin?next=%2Fmodels"


def test_models_side_by_side_with_the_trend(client, world, models):
    sign_in(client, world.key("CircuMet Recycling", "viewer"))
    html = page(client, "/models")
    assert '<a href="/models" aria-current="page">Models</a>' in html
    ranked = re.findall(r'<tr data-code="([^"]+)" data-total="([\d.]+)"', html)
    assert [code for code, _ in ranked] == ["VM-GOOD", "VM-GLUED"]
    assert float(ranked[0][1]) > float(ranked[1][1])
    assert 'data-testid="trend-chart"' in html and 'data-oem="Voltavia Motors"' in html
    assert "VM-NEW" in html.split('data-testid="models-without-design"')[1]  # no design facts yet


def test_a_models_card_shows_the_breakdown_and_the_advice(client, world, models):
    sign_in(client, world.key("CircuMet Recycling", "viewer"))
    html = page(client, f"/models/{models['VM-GLUED']}")
    points = dict(re.findall(r'<tr data-criterion="([a-z_]+)" data-points="([\d.]+)"', html))
    assert float(points["dismantling_information"]) == 0 and float(points["joining"]) < 20
    assert re.search(r'<li data-criterion="joining">Replace the adhesive joints at \w+', html)
    good = page(client, f"/models/{models['VM-GOOD']}")
    assert float(re.search(r'data-total="([\d.]+)"', good)[1]) > float(re.search(r'data-total="([\d.]+)"', html)[1])
    assert "has not given the design facts" in page(client, f"/models/{models['VM-NEW']}")


def test_an_outsider_sees_no_model(client, world, models):
    sign_in(client, world.outsider_key)
    assert "VM-GOOD" not in page(client, "/models")
    r = client.get(f"/models/{models['VM-GOOD']}")
    assert r.status_code == 404 and "VM-GOOD" not in r.text
    assert client.get("/models/not-a-uuid").status_code == 404


def test_the_trend_chart_places_years_and_scores():
    chart = trend_chart([{"oem": "A", "models": 2, "mean_total": 60.0, "change_per_year": 5.0,
                          "by_year": [{"year": 2020, "mean_total": 50.0}, {"year": 2024, "mean_total": 70.0}]}])  # fmt: skip
    (line,) = chart.lines
    # x from 40 (2020) to 544 (2024); y from 204 (score 0) to 16 (score 100): 50 -> 110, 70 -> 72.4
    assert [(p.x, p.y) for p in line.points] == [(40, 110.0), (544, 72.4)]
    assert line.path == "M40.0,110.0 L544.0,72.4" and "A: 2020 50.0, 2024 70.0" in chart.description
