"""The web UI in a real Chromium (Debian's package, driven by Playwright) against a real uvicorn server."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.web._chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

pytestmark = pytest.mark.browser


@dataclass
class LiveServer:
    url: str
    keys: dict[str, str]  # organisation name -> admin key


def _screenshot(page, path: Path) -> None:
    """Full-page screenshot; retried because headless Chromium now and then answers "Unable to capture"."""
    from playwright.sync_api import Error

    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=True)
            return
        except Error:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_chromium()
    import uvicorn

    from batteryloop.asgi import create_app
    from batteryloop.demo.scenario import build_demo
    from batteryloop.settings import Settings
    from batteryloop.storage.engine import create_engine_for
    from batteryloop.storage.migrate import upgrade

    root = tmp_path_factory.mktemp("live")
    settings = Settings(database_url=f"sqlite:///{root / 'web.db'}", signing_key_file=root / "signing.pem")
    engine = create_engine_for(settings.database_url)
    upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    platform = app.state.platform
    demo = build_demo(platform.store, seed=7, batteries=0)
    keys = {k.organization: k.key for k in demo.keys if str(k.role) == "admin"}

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-live", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", keys=keys)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.dispose()


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_sign_in_read_overview_sign_out(live_server: LiveServer, browser, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)  # CI machines are shared; allow for load
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on(
        "requestfailed",
        # a navigation that cancels a pending load (net::ERR_ABORTED) is the browser's choice, not a fault
        lambda request: None if "ERR_ABORTED" in (request.failure or "") else problems.append(f"failed: {request.url}"),
    )
    try:
        page.goto(live_server.url + "/")
        expect(page).to_have_url(live_server.url + "/signin")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

        page.get_by_label("API key").fill(live_server.keys["Voltavia Motors"])
        page.get_by_role("button", name="Sign in").click()

        expect(page).to_have_url(live_server.url + "/")
        expect(page.get_by_role("heading", name="Consortium overview")).to_be_visible()
        expect(page.get_by_test_id("signed-in-org")).to_have_text("Voltavia Motors")
        members = page.locator("table.members")
        for name in ("CircuMet Recycling", "Pyrolux Metals", "Battery Market Surveillance Office"):
            expect(members.get_by_text(name, exact=True)).to_be_visible()
        matrix = page.get_by_test_id("sharing-matrix")
        custody = matrix.locator('td[data-member="CircuMet Recycling"][data-category="custody"]')
        expect(custody).to_be_visible()
        expect(custody).to_have_attribute("data-readable", "true")
        expect(custody).to_contain_text("✓")
        passports = matrix.locator('td[data-member="CircuMet Recycling"][data-category="passports"]')
        expect(passports).to_have_attribute("data-readable", "false")
        # the stylesheet was served and applied (CSP allows 'self'): the header has the brand colour
        header_bg = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
        assert header_bg == "rgb(15, 92, 77)"

        shot = tmp_path / "overview.png"
        _screenshot(page, shot)
        assert shot.exists()
        assert shot.stat().st_size > 0
        if os.environ.get("BATTERYLOOP_SCREENSHOT_DIR"):  # keep a copy to look at
            shutil.copy(shot, Path(os.environ["BATTERYLOOP_SCREENSHOT_DIR"]) / shot.name)

        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(live_server.url + "/signin")
        expect(page.get_by_text("You have signed out.")).to_be_visible()
        page.goto(live_server.url + "/")
        expect(page).to_have_url(live_server.url + "/signin")
        assert not problems, problems
    finally:
        context.close()
