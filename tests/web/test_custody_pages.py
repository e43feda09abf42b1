"""The chain-of-custody pages over TestClient, on SQLite and PostgreSQL, and once in a real Chromium.

The data is made through the services, as the API makes it: Voltavia registers and retires two packs (one with
off-log commercial terms), Rheinland Dismantling collects them and ships them to CircuMet Recycling with SafeCell
Logistics as carrier; the receipt weighs 25 kg less than the dispatch, beyond the tolerance of 4.525 kg. A third pack
waits in a second, planned shipment. Pages: /shipments, /shipments/{id}, /shipments/{id}/document,
/custody/{passport id} and /custody/proof/{leaf index}.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.services import custody, custody_log, shipments
from batteryloop.services import passport as passport_service
from batteryloop.storage.uow import Store
from batteryloop.web.routes import custody as custody_pages
from tests.web._chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

PACKS = ["urn:voltavia:cust0001", "urn:voltavia:cust0002"]
SPARE = "urn:voltavia:cust0003"
OEM, DISMANTLER, RECYCLER, CARRIER = (
    "Voltavia Motors",
    "Rheinland Dismantling",
    "CircuMet Recycling",
    "SafeCell Logistics",
)
CONTRACT = "C-2026-17"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NBSP = "\u00a0"


@dataclass(frozen=True)
class Scenario:
    shipment_id: str  # SHP-1: dispatched 905 kg, received 880 kg (a discrepancy)
    planned_id: str  # SHP-2: planned
    dispatch_leaf: int
    receipt_leaf: int


def _actor(org_ids: dict[str, uuid.UUID], name: str, kind: OrganizationKind) -> Actor:
    return Actor(org_id=org_ids[name], org_kind=kind, role=MemberRole.ADMIN)


def build_scenario(store: Store, org_ids: dict[str, uuid.UUID]) -> Scenario:
    volt = _actor(org_ids, OEM, OrganizationKind.OEM)
    dismantler = _actor(org_ids, DISMANTLER, OrganizationKind.DISMANTLER)
    recycler = _actor(org_ids, RECYCLER, OrganizationKind.RECYCLER)
    everything = [*PACKS, SPARE]
    with store.uow() as uow:
        for n, pid in enumerate(everything):
            passport_service.register_passport(uow, volt, {"passport_id": pid, "battery_id": f"VM-C-{n}",
                                                           "battery_category": "ev",
                                                           "battery_chemistry": {"code": "NMC811"}})  # fmt: skip
        custody.record_events(uow, volt, [
            {"kind": "registered", "items": everything, "occurred_at": "2026-11-01T08:00:00Z", "site": "DE-WOB-PLANT"},
            {"kind": "retired", "items": everything, "occurred_at": "2026-11-02T08:00:00Z", "site": "DE-WOB-PLANT",
             "details": {"route": "recycle"}, "commercial": {"contract": CONTRACT}},
        ])  # fmt: skip
        custody.record_events(uow, dismantler, [
            {"kind": "collected", "items": everything, "occurred_at": "2026-11-20T08:00:00Z", "site": "DE-DUI-YARD"},
        ])  # fmt: skip
        plan = {
            "code": "SHP-1", "from_site": "DE-DUI-YARD", "to_site": "DE-BRE-RECYCLER",
            "to_org_id": str(org_ids[RECYCLER]), "carrier_org_id": str(org_ids[CARRIER]),
            "planned_date": "2026-11-26", "declared_gross_kg": 905,
            "items": [
                {"passport_id": PACKS[0], "condition": "intact", "energy_wh": 77000, "cell_energy_wh": 280,
                 "gross_mass_kg": 452, "packaging": "LP903"},
                {"passport_id": PACKS[1], "condition": "damaged_stable", "energy_wh": 77000, "cell_energy_wh": 280,
                 "gross_mass_kg": 453, "packaging": "LP904"},
            ],
        }  # fmt: skip
        first = shipments.plan_shipment(uow, dismantler, plan)
        sid = uuid.UUID(first["id"])
        shipments.dispatch(uow, dismantler, sid, {"gross_kg": 905.0, "occurred_at": "2026-11-26T08:00:00Z"})
        received = shipments.receive(uow, recycler, sid, {"gross_kg": 880.0, "occurred_at": "2026-11-26T15:00:00Z"})
        second = shipments.plan_shipment(uow, dismantler, plan | {
            "code": "SHP-2", "declared_gross_kg": 452, "carrier_org_id": None,
            "items": [plan["items"][0] | {"passport_id": SPARE}],
        })  # fmt: skip
        uow.commit()
    rec = received["reconciliation"]
    return Scenario(first["id"], second["id"], rec["dispatch_weighing_leaf_index"], rec["receipt_weighing_leaf_index"])


@pytest.fixture
def scenario(platform, world) -> Scenario:
    return build_scenario(platform.store, world.org_ids)


def sign_in(client, key: str) -> None:
    token = CSRF.search(client.get("/signin").text)
    assert token, "no CSRF field on the sign-in form"
    r = client.post("/signin", data={"key": key, "csrf_token": token.group(1), "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text


def page(client, path: str, status: int = 200) -> str:
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:500])
    return unescape(r.text)


def custody_href(pid: str) -> str:
    return "/custody/" + quote(pid, safe=":")


def test_the_pages_need_signing_in(client, scenario):
    for path in (
        "/shipments?status=discrepancy",
        f"/shipments/{scenario.shipment_id}",
        f"/shipments/{scenario.shipment_id}/document",
        custody_href(PACKS[0]),
        f"/custody/proof/{scenario.receipt_leaf}",
        f"/custody/proof/{scenario.receipt_leaf}?download=1",
    ):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"] == "/signin?next=" + quote(path, safe=""), path


# -- the list ----------------------------------------------------------------------------------------------------


def counts(html: str) -> dict[str, int]:
    return {s: int(c) for s, c in re.findall(r'data-status="([a-z]+)" data-count="(\d+)"', html)}


def listed(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-shipment="([^"]+)" data-status="([a-z]+)"', html)


def test_the_list_shows_the_viewers_shipments_with_filters_and_the_discrepancy_standing_out(client, world, scenario):
    sign_in(client, world.key(RECYCLER, "viewer"))
    html = page(client, "/shipments")
    assert '<a href="/shipments" aria-current="page">Shipments</a>' in html  # the nav item
    assert counts(html) == {"all": 2, "planned": 1, "dispatched": 0, "received": 0, "discrepancy": 1}
    assert listed(html) == [(scenario.planned_id, "planned"), (scenario.shipment_id, "discrepancy")]  # newest first
    assert re.search(
        rf'<tr data-shipment="{scenario.shipment_id}" data-status="discrepancy" class="is-discrepancy">', html
    )
    assert 'data-testid="discrepancy-notice"' in html and "1 shipment did not reconcile" in html
    assert f'href="/shipments/{scenario.shipment_id}"' in html
    assert "you receive" in html and DISMANTLER in html and "DE-DUI-YARD" in html
    assert f"−25{NBSP}kg" in html and f"allowed ±4.525{NBSP}kg" in html

    flagged = page(client, "/shipments?status=discrepancy")
    assert listed(flagged) == [(scenario.shipment_id, "discrepancy")]
    assert 'data-testid="discrepancy-notice"' not in flagged
    assert re.search(r'data-status="discrepancy" data-count="1" aria-current="page"', flagged)
    none = page(client, "/shipments?status=received")
    assert listed(none) == [] and "No received shipments" in none
    assert "There is no status" in page(client, "/shipments?status=lost", 422)

    sign_in(client, world.key(CARRIER))
    carried = page(client, "/shipments")
    assert listed(carried) == [(scenario.shipment_id, "discrepancy")] and "you carry" in carried


def test_the_list_without_shipments_says_how_to_plan_one(client, world, scenario):
    sign_in(client, world.key("Nordkap Automotive"))
    html = page(client, "/shipments")
    assert listed(html) == [] and "No shipments yet" in html
    assert "POST /v1/shipments" in html and "SHP-1" not in html and DISMANTLER not in html


# -- one shipment ------------------------------------------------------------------------------------------------


def test_the_shipment_page_shows_parties_weights_reconciliation_and_classification(client, world, scenario):
    sign_in(client, world.key(DISMANTLER, "viewer"))
    html = page(client, f"/shipments/{scenario.shipment_id}")
    assert '<span data-testid="shipment-code">SHP-1</span>' in html
    assert 'data-testid="shipment-status">Discrepancy<' in html
    for text in (DISMANTLER, RECYCLER, CARRIER, "DE-DUI-YARD", "DE-BRE-RECYCLER", "26 Nov 2026", f"905{NBSP}kg"):
        assert text in html, text
    assert "the larger of 2\u00a0kg and 0.5\u00a0% of the dispatched mass" in html

    alert = html[html.index('data-testid="discrepancy-alert"') : html.index('data-testid="reconciliation"')]
    assert (
        f'data-testid="alert-dispatched">905{NBSP}kg<' in alert
        and f'data-testid="alert-received">880{NBSP}kg<' in alert
    )
    assert f'href="/custody/proof/{scenario.dispatch_leaf}"' in alert
    assert f'href="/custody/proof/{scenario.receipt_leaf}"' in alert
    assert f'data-testid="difference">−25{NBSP}kg<' in html and f'data-testid="allowed">4.525{NBSP}kg<' in html
    assert "outside the tolerance" in html
    assert "Received 880 kg against 905 kg dispatched: -25 kg, outside the tolerance of 4.525 kg" in html

    intact, damaged = re.findall(r'<article class="card pack" data-passport="([^"]+)"', html)
    assert [intact, damaged] == PACKS
    assert re.findall(r'data-testid="decision-row">(D\d+)<', html) == ["D4", "D8"]
    assert html.count('data-testid="un-number">UN 3480<') == 2
    for text in ("SP 377", "SP 376", "LITHIUM BATTERIES FOR RECYCLING", "DAMAGED/DEFECTIVE LITHIUM ION BATTERIES",
                 "allowed: P909 or LP903", "allowed: P908 or LP904", "Transport in accordance with special provision 376",
                 "Row D8: damaged or defective, stable Li-ion battery", "WASTE UN 3480 LITHIUM ION BATTERIES, 9", "9A",
                 f"77{NBSP}kWh", "Damaged, stable"):  # fmt: skip
        assert text in html, text
    assert html.count("✓</span> allowed") == 2
    assert f'href="{custody_href(PACKS[0])}"' in html and f'href="/p/{PACKS[0]}"' in html
    assert f'href="/shipments/{scenario.shipment_id}/document"' in html


def test_a_planned_shipment_says_what_comes_next(client, world, scenario):
    sign_in(client, world.key(RECYCLER))
    html = page(client, f"/shipments/{scenario.planned_id}")
    assert "Not dispatched yet" in html and 'data-testid="discrepancy-alert"' not in html
    assert "SHP-2" in html and "Carrier" not in html


def test_the_transport_document_holds_the_adr_entries(client, world, scenario):
    sign_in(client, world.key(DISMANTLER))
    html = page(client, f"/shipments/{scenario.shipment_id}/document")
    assert '<body class="print-document">' in html
    assert "<button" in html and "data-print" in html and "/static/print.js" in html
    entries = re.findall(r'<tr data-entry="(\d+)">(.*?)</tr>', html, re.S)
    assert len(entries) == 2  # the damaged pack's entry carries the SP 376 note, so it stands apart
    first, second = (body for _, body in entries)
    assert "WASTE UN 3480 LITHIUM ION BATTERIES, 9" in first and "1 large packaging (LP903)" in first
    assert f"452{NBSP}kg" in first and "special provision 376" not in first
    assert "WASTE UN 3480 LITHIUM ION BATTERIES, 9" in second and "1 large packaging (LP904)" in second
    assert "Transport in accordance with special provision 376" in second and f"453{NBSP}kg" in second
    assert "2 packages" in html and f"905{NBSP}kg" in html
    parties = html[html.index('data-testid="document-parties"') :]
    for role, name in (("Consignor", DISMANTLER), ("Consignee", RECYCLER), ("Carrier", CARRIER)):
        assert re.search(rf"<dt>{role}</dt><dd><strong>{name}</strong>", parties), role
    assert "Not subject to ADR" not in html

    script = client.get("/static/print.js")
    assert script.status_code == 200 and "window.print()" in script.text
    assert "javascript" in script.headers["content-type"]


@pytest.mark.parametrize("who", ["outsider", "Nordkap Automotive"])
def test_a_shipment_of_others_is_not_found_and_nothing_leaks(client, world, scenario, who):
    sign_in(client, world.outsider_key if who == "outsider" else world.key(who))
    for path in (
        f"/shipments/{scenario.shipment_id}",
        f"/shipments/{scenario.shipment_id}/document",
        f"/shipments/{uuid.uuid4()}",
        "/shipments/not-a-uuid",
        "/shipments/not-a-uuid/document",
    ):
        html = page(client, path, 404)
        assert "Shipment not found" in html, path
        for secret in ("SHP-1", "DE-DUI-YARD", "DE-BRE-RECYCLER", CARRIER, RECYCLER, DISMANTLER, "905", "880"):
            assert secret not in html, (path, secret)


# -- the custody timeline ----------------------------------------------------------------------------------------


def events(html: str) -> list[tuple[str, int]]:
    return [(k, int(leaf)) for k, leaf in re.findall(r'data-kind="([a-z_]+)" data-leaf="(\d+)"', html)]


def test_the_timeline_shows_where_the_pack_is_and_its_events_with_proofs(client, world, scenario):
    anonymous = page(client, f"/p/{PACKS[0]}")
    assert 'data-testid="custody-link"' not in anonymous

    sign_in(client, world.key(OEM, "viewer"))
    assert f'href="{custody_href(PACKS[0])}" data-testid="custody-link"' in page(client, f"/p/{PACKS[0]}")
    html = page(client, custody_href(PACKS[0]))
    assert re.search(
        r'data-testid="where" data-phase="at_site">.*?<strong>At site DE-BRE-RECYCLER</strong>', html, re.S
    )
    timeline = events(html)
    assert [k for k, _ in timeline] == [
        "registered", "retired", "collected", "packed", "weighed", "dispatched", "received", "weighed"
    ]  # fmt: skip
    leaves = [leaf for _, leaf in timeline]
    assert leaves == sorted(leaves) and scenario.dispatch_leaf in leaves and scenario.receipt_leaf in leaves
    for leaf in leaves:
        assert f'href="/custody/proof/{leaf}" data-testid="proof-link"' in html
    recorders = re.findall(r'data-testid="recorded-by">([^<]+)<', html)
    assert recorders == [OEM, OEM, DISMANTLER, DISMANTLER, DISMANTLER, DISMANTLER, RECYCLER, RECYCLER]
    for text in (f"905{NBSP}kg gross", f"880{NBSP}kg gross", "<code>LP903</code>", "<code>SHP-1</code>",
                 "<dt>To site</dt>", f"<dt>Carrier</dt><dd>{CARRIER}</dd>", "<dt>Route</dt><dd>Recycle</dd>",
                 "2 other packs", "26 Nov 2026, 15:00 UTC", "DE-WOB-PLANT"):  # fmt: skip
        assert text in html, text
    assert f"<dt>Your off-log details</dt><dd>Contract: {CONTRACT}</dd>" in html  # Voltavia recorded them
    assert "/shipments/" not in html.replace('href="/shipments"', "")  # Voltavia is no party of SHP-1: no link

    sign_in(client, world.key(RECYCLER))
    theirs = page(client, custody_href(PACKS[0]))
    assert events(theirs) == timeline
    assert CONTRACT not in theirs and "Your off-log details" not in theirs
    assert "committed by hash" in theirs
    assert f'<a href="/shipments/{scenario.shipment_id}"><code>SHP-1</code></a>' in theirs


def test_a_timeline_the_viewer_may_not_read_is_not_found(client, world, scenario):
    sign_in(client, world.outsider_key)
    for pid in (PACKS[0], "urn:voltavia:nothing-here", "x" * 300):
        html = page(client, custody_href(pid), 404)
        assert "No custody timeline" in html
        for secret in ("DE-WOB-PLANT", "DE-DUI-YARD", "DE-BRE-RECYCLER", OEM, DISMANTLER, RECYCLER, "SHP-1"):
            assert secret not in html, (pid, secret)


# -- the proof ---------------------------------------------------------------------------------------------------


def test_the_proof_page_shows_the_bundle_and_both_verdicts_verify(client, platform, world, scenario, tmp_path):
    sign_in(client, world.key(DISMANTLER, "viewer"))  # the sender proves what the receiver's scale said
    leaf = scenario.receipt_leaf
    html = page(client, f"/custody/proof/{leaf}")
    key = platform.log_signer.verifier_key
    with platform.store.uow() as uow:
        bundle = custody.event_proof(uow, Actor.platform_operator(), platform.log_signer, leaf)
    verdicts = re.findall(
        r'data-testid="verdict" data-valid="(true|false)">\s*<span[^>]*><span[^>]*>✓</span> ([^<]+)<', html
    )
    name = "+".join(key.split("+", 2)[:2])  # name+key id (the base64 key may hold a "+")
    assert verdicts == [
        ("true", f"Signed tree head verifies (Ed25519, key {name})"),
        ("true", "Inclusion proof verifies (RFC 9162 §2.1.3.2)"),
    ]
    assert f'data-testid="leaf-index">{leaf}<' in html
    assert f'data-testid="tree-size">{bundle["tree_size"]}<' in html
    assert re.findall(r'<li><code class="hash">([^<]+)</code></li>', html) == bundle["inclusion_path"]
    assert f'data-testid="root-hash">{bundle["root_hash"]}<' in html
    assert f'data-testid="leaf-hash">{bundle["leaf_hash"]}<' in html
    assert f'data-testid="checkpoint">{bundle["checkpoint"]}</pre>' in html
    assert f'data-testid="verifier-key">{key}<' in html
    assert '"mass_kg": 880' in html and '"kind": "weighed"' in html
    assert f"batteryloop verify custody-proof-{leaf}.json --key '{key}'" in html
    assert f'href="/custody/proof/{leaf}?download=1"' in html

    r = client.get(f"/custody/proof/{leaf}", params={"download": "1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"] == f'attachment; filename="custody-proof-{leaf}.json"'
    downloaded = r.json()
    assert downloaded["leaf_index"] == leaf and custody_log.verify_bundle(downloaded, key).valid
    path = tmp_path / f"custody-proof-{leaf}.json"
    path.write_bytes(r.content)
    from batteryloop.cli.app import app as cli_app

    checked = CliRunner().invoke(cli_app, ["verify", str(path), "--key", key])
    assert checked.exit_code == 0, checked.output


def test_verdicts_name_what_does_not_verify(platform, scenario):
    signer = platform.log_signer
    with platform.store.uow() as uow:
        bundle = custody.event_proof(uow, Actor.platform_operator(), signer, scenario.dispatch_leaf)
        uow.commit()
    assert [v.valid for v in custody_pages.verdicts(bundle, signer.verifier_key)] == [True, True]
    tampered = bundle | {"entry": bundle["entry"].replace("905", "995"), "leaf_hash": None}
    del tampered["leaf_hash"]
    signed, included = custody_pages.verdicts(tampered, signer.verifier_key)
    assert signed.valid and not included.valid
    assert included.label == "Inclusion proof does not verify (RFC 9162 §2.1.3.2)"
    other = custody_log.LogSigner(signer.origin, Ed25519PrivateKey.generate()).verifier_key
    signed, included = custody_pages.verdicts(bundle, other)
    assert not signed.valid and not included.valid
    assert signed.label.startswith("Signed tree head does not verify") and "another key signed it" in signed.detail


def test_a_proof_the_viewer_may_not_read_is_not_found(client, world, scenario):
    sign_in(client, world.outsider_key)
    for leaf in (str(scenario.receipt_leaf), "0", "99999", "abc", "-1", "1e3"):
        for suffix in ("", "?download=1"):
            r = client.get(f"/custody/proof/{leaf}{suffix}")
            assert r.status_code == 404, (leaf, suffix)
            html = unescape(r.text)
            assert "Proof not found" in html and "attachment" not in r.headers.get("content-disposition", "")
            for secret in ("DE-BRE-RECYCLER", "mass_kg", "inclusion", RECYCLER, DISMANTLER):
                assert secret not in html, (leaf, secret)


# -- in a real Chromium ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_custody_server(tmp_path_factory: pytest.TempPathFactory):
    """A uvicorn server on a free port over a demo database (a SQLite file, as served) holding the scenario."""
    import threading
    import time

    import uvicorn

    from batteryloop.asgi import create_app
    from batteryloop.demo.scenario import build_demo
    from batteryloop.settings import Settings
    from batteryloop.storage.engine import create_engine_for
    from batteryloop.storage.migrate import upgrade

    root = tmp_path_factory.mktemp("live-custody")
    settings = Settings(database_url=f"sqlite:///{root / 'web.db'}", signing_key_file=root / "signing.pem")
    engine = create_engine_for(settings.database_url)
    upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    platform = app.state.platform
    demo = build_demo(platform.store, seed=7, batteries=0)
    built = build_scenario(platform.store, demo.organization_ids)
    keys = {k.organization: k.key for k in demo.keys if str(k.role) == "admin"}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="uvicorn-custody", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", keys, built
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.dispose()


def _screenshot(page, path: Path) -> None:
    """Full-page screenshot (retried: headless Chromium now and then answers "Unable to capture"); a copy goes to
    BATTERYLOOP_SCREENSHOT_DIR when set, to look at."""
    from playwright.sync_api import Error

    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=True)
            break
        except Error:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
    if os.environ.get("BATTERYLOOP_SCREENSHOT_DIR"):
        shutil.copy(path, Path(os.environ["BATTERYLOOP_SCREENSHOT_DIR"]) / path.name)


def test_concurrent_page_requests_on_a_live_server_never_wedge_the_writer_lock(live_custody_server):
    """Pages hold a unit of work on SQLite's writer lock; taken and released on one thread, many requests at once
    (pages and their assets, as a browser sends them) all finish."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    url, keys, built = live_custody_server
    with httpx.Client(base_url=url, timeout=20) as client:
        form = client.get("/signin")
        token = CSRF.search(form.text)
        assert token
        signed = client.post("/signin", data={"key": keys[DISMANTLER], "csrf_token": token.group(1), "next": "/"})
        assert signed.status_code in (200, 303)
        paths = ["/shipments", f"/shipments/{built.shipment_id}", "/static/batteryloop.css", custody_href(PACKS[0]),
                 f"/custody/proof/{built.receipt_leaf}", "/static/logo.svg"] * 8  # fmt: skip
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda path: client.get(path).status_code, paths))
    assert statuses == [200] * len(paths)


@pytest.mark.browser
def test_discrepancy_and_proof_pages_in_chromium(live_custody_server, tmp_path):
    """The shipment with a discrepancy and the proof of its receipt weighing render under the site's CSP, and the
    proof's verdict badges read as verifying; screenshots at desktop and phone widths."""
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    url, keys, built = live_custody_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15000)  # CI machines are shared; allow for load
            problems: list[str] = []
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{url}/signin?next=%2Fshipments")
            page.get_by_label("API key").fill(keys[DISMANTLER])
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Shipments", exact=True)).to_be_visible()
            expect(page.locator("tr.is-discrepancy")).to_have_count(1)

            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{url}/shipments")
                _screenshot(page, tmp_path / f"shipments-{width}.png")

                page.goto(f"{url}/shipments/{built.shipment_id}")
                alert = page.get_by_test_id("discrepancy-alert")
                expect(alert).to_be_visible()
                expect(alert).to_contain_text(f"905{NBSP}kg")
                expect(alert).to_contain_text(f"880{NBSP}kg")
                assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
                _screenshot(page, tmp_path / f"shipment-{width}.png")

                page.get_by_test_id("proof-link-2").click()  # the receipt weighing
                expect(page).to_have_url(f"{url}/custody/proof/{built.receipt_leaf}")
                verdicts = page.get_by_test_id("verdict")
                expect(verdicts).to_have_count(2)
                expect(verdicts.nth(0)).to_contain_text("Signed tree head verifies (Ed25519, key")
                expect(verdicts.nth(1)).to_contain_text("Inclusion proof verifies (RFC 9162 §2.1.3.2)")
                for n in range(2):
                    expect(verdicts.nth(n)).to_have_attribute("data-valid", "true")
                badge = page.eval_on_selector(".verdict-badge--ok", "e => getComputedStyle(e).color")
                assert badge == "rgb(23, 120, 79)"  # the stylesheet applies: verifying reads green
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                _screenshot(page, tmp_path / f"proof-{width}.png")

                page.goto(f"{url}{custody_href(PACKS[1])}")
                expect(page.get_by_test_id("where")).to_contain_text("At site DE-BRE-RECYCLER")
                _screenshot(page, tmp_path / f"custody-{width}.png")

                page.goto(f"{url}/shipments/{built.shipment_id}/document")
                expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by print.js
                _screenshot(page, tmp_path / f"document-{width}.png")
            page.set_viewport_size({"width": 800, "height": 1100})  # about an A4 page's printable width
            page.emulate_media(media="print")
            assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).display") == "none"
            _screenshot(page, tmp_path / "document-print.png")
            assert not problems, problems
            context.close()
        finally:
            browser.close()
