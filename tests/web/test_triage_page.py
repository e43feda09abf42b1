"""The triage queue page over TestClient: CircuMet Recycling collects two packs of Voltavia Motors at its site, one
with a state of health of 0.9 and one of 0.5; the page recommends reuse or remanufacture for the first and
recycling for the second, counts them per route and draws the histogram; an outsider sees none of them."""

from __future__ import annotations

import re
import uuid

import pytest

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import custody
from batteryloop.services import passport as passport_service
from batteryloop.web.routes.triage import histogram
from tests.web.test_custody_pages import page, sign_in

OEM, RECYCLER = "Voltavia Motors", "CircuMet Recycling"
HEALTHY, WORN, ELSEWHERE = "urn:voltavia:triq0001", "urn:voltavia:triq0002", "urn:voltavia:triq0003"
UNREGISTERED = "urn:nobody:triq0004"  # a pack without a passport here: it is listed but cannot be triaged


def _actor(org_ids: dict[str, uuid.UUID], name: str, kind: OrganizationKind) -> Actor:
    return Actor(org_id=org_ids[name], org_kind=kind, role=MemberRole.ADMIN)


@pytest.fixture
def queue(platform, world) -> None:
    volt = _actor(world.org_ids, OEM, OrganizationKind.OEM)
    recycler = _actor(world.org_ids, RECYCLER, OrganizationKind.RECYCLER)
    with platform.store.uow() as uow:
        for n, (pid, soh) in enumerate(((HEALTHY, 0.9), (WORN, 0.5), (ELSEWHERE, 0.7))):
            passport_service.register_passport(uow, volt, {
                "passport_id": pid, "battery_id": f"VM-Q-{n}", "battery_category": "ev",
                "manufacturing_date": "2022-03", "battery_chemistry": {"code": "NMC811"},
                "state_of_certified_energy_share": [{"value": soh, "recorded_at": "2026-10-01T00:00:00Z"}],
            })  # fmt: skip
        custody.record_events(uow, volt, [
            {"kind": "registered", "items": [HEALTHY, WORN, ELSEWHERE], "occurred_at": "2026-11-01T08:00:00Z",
             "site": "DE-WOB-PLANT"},
            {"kind": "retired", "items": [HEALTHY, WORN, ELSEWHERE], "occurred_at": "2026-11-02T08:00:00Z",
             "site": "DE-WOB-PLANT"},
        ])  # fmt: skip
        custody.record_events(uow, recycler, [
            {"kind": "collected", "items": [HEALTHY, WORN], "occurred_at": "2026-11-20T08:00:00Z",
             "site": "DE-BRE-RECYCLER"},
            {"kind": "collected", "items": [UNREGISTERED], "occurred_at": "2026-11-20T08:00:00Z",
             "site": "DE-BRE-RECYCLER"},
            {"kind": "condition_measured", "items": [HEALTHY, WORN], "occurred_at": "2026-11-20T09:00:00Z",
             "site": "DE-BRE-RECYCLER", "details": {"condition": "intact"}},
        ])  # fmt: skip
        uow.commit()


def rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-passport="([^"]+)" data-route="([a-z_]+)"', html))


def route_counts(html: str) -> dict[str, int]:
    return {r: int(c) for r, c in re.findall(r'<li data-route="([a-z_]+)" data-count="(\d+)"', html)}


def bins(html: str) -> dict[str, int]:
    return {b: int(c) for b, c in re.findall(r'data-bin="([^"]+)" data-count="(\d+)"', html)}


def test_the_page_needs_signing_in(client):
    r = client.get("/triage", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin?next=%2Ftriage"


def test_the_queue_lists_the_packs_at_the_viewers_site_with_their_routes_and_the_histogram(client, world, queue):
    sign_in(client, world.key(RECYCLER, "viewer"))
    html = page(client, "/triage")
    assert '<a href="/triage" aria-current="page">Triage</a>' in html
    found = rows(html)
    assert set(found) == {HEALTHY, WORN, UNREGISTERED}  # the third pack is still at the automaker's, not collected here
    assert found[HEALTHY] in ("reuse", "remanufacture")
    assert found[WORN] == "recycle"
    assert 'href="/custody/urn:voltavia:triq0001"' in html
    assert "DE-BRE-RECYCLER" in html and "0.90" in html and "0.50" in html
    counts = route_counts(html)
    assert counts["recycle"] == 1 and counts["reuse"] + counts["remanufacture"] == 1
    assert counts["repurpose"] == counts["safety_hold"] == 0 and counts["none"] == 1
    assert found[UNREGISTERED] == "none" and "cannot triage: " in html
    chart = bins(html)
    assert len(chart) == 10 and sum(chart.values()) == 2
    assert chart["0.9–1.0"] == 1 and chart["0.5–0.6"] == 1
    assert 'data-testid="soh-histogram" role="img"' in html
    assert '<title id="soh-chart-title">Histogram of the state of health of 2 listed packs</title>' in html
    assert ">state of health</text>" in html and ">packs</text>" in html
    assert "/static/triage.css" in html


def test_the_owner_sees_its_packs_at_a_site_and_a_bad_consortium_is_not_found(client, world, queue):
    sign_in(client, world.key(OEM, "viewer"))
    html = page(client, "/triage")
    assert set(rows(html)) == {HEALTHY, WORN}  # its own packs at a site; the third is retired, not at a site yet
    page(client, f"/triage?consortium_id={world.outsider_consortium_id}", 404)
    page(client, "/triage?consortium_id=nonsense", 404)
    assert set(rows(page(client, f"/triage?consortium_id={world.consortium_id}"))) == {HEALTHY, WORN}


def test_an_outsider_sees_none_of_them(client, world, queue):
    sign_in(client, world.outsider_key)
    html = page(client, "/triage")
    assert rows(html) == {}
    assert 'data-testid="triage-empty"' in html
    assert "collected" in html and "received" in html
    for secret in (HEALTHY, WORN, ELSEWHERE, "DE-BRE-RECYCLER", OEM, RECYCLER):
        assert secret not in html


def test_the_histogram_bins_from_0_to_1():
    chart = histogram([0.0, 0.05, 0.1, 0.99, 1.0, 1.0])
    assert [b.count for b in chart.bars] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 3]
    assert chart.total == 6 and "0.9–1.0: 3" in chart.description
    tallest = max(chart.bars, key=lambda b: b.count)
    assert tallest.y == chart.top and round(tallest.y + tallest.height, 1) == chart.bottom


def test_a_recorded_decision_is_marked_in_the_queue(client, world, queue):
    r = client.post(f"/v1/custody/triage/{WORN}", params={"consortium_id": str(world.consortium_id)},
                    json={"second_life_demand": True, "record_at_site": "DE-BRE-RECYCLER"},
                    headers={"Authorization": f"Bearer {world.key(RECYCLER)}"})  # fmt: skip
    assert r.status_code == 200, r.text
    sign_in(client, world.key(RECYCLER, "viewer"))
    html = page(client, "/triage")
    decided = re.search(r'<tr data-passport="' + re.escape(WORN) + r'".*?</tr>', html, re.S)[0]
    assert f"decided: Recycle (log entry {r.json()['recorded_leaf_index']})" in decided
    healthy = re.search(r'<tr data-passport="' + re.escape(HEALTHY) + r'".*?</tr>', html, re.S)[0]
    assert "decided:" not in healthy and "second_life_demand" in html
