"""The passport pages over TestClient, on SQLite and PostgreSQL: /p/{id} at every level, and the /passports list.

The attribute checks are table-driven from the attribute registry: a page shows exactly the attributes of the level
it was served at (``data-attribute`` rows), and restricted values never reach the HTML of a lower level.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.domain.passport.access import decide_served_level, visible_keys
from batteryloop.domain.passport.attributes import get_attributes
from batteryloop.services import auth as auth_service
from batteryloop.services import key as key_service
from batteryloop.services import passport as passport_service
from batteryloop.web.routes import passport as passport_pages
from batteryloop.web.security import CONTENT_SECURITY_POLICY
from tests.web._chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

PID = "urn:voltavia:vm-2024-000123"
PART_NUMBER = "VM-PN-LI-4711"  # part_numbers: legitimate interest (recycler, dismantler, ...) and Commission
SOC = 0.427  # state_of_charge_share: legitimate interest only, shown as 42.7 %
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ROW = re.compile(r'data-attribute="([a-z0-9_]+)"')
NBSP = "\u00a0"


def full_record(pid: str = PID, battery_id: str = "VM-ID3-88412") -> dict:
    """A value for every one of the 93 attributes, built from the attribute registry (docs/passport-format.md)."""
    samples = {
        "passport_id": pid,
        "string": "sample text",
        "text": "Longer text\non two lines",
        "url": "https://docs.voltavia.example/x.pdf",
        "string_list": ["Water", "Foam"],
        "year_month": "2023-04",
        "integer_months": 96,
        "integer": 1200,
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
            },
            {
                "name": "Graphite",
                "cas": "7782-42-5",
                "mass_kg": 52.25,
                "component": "anode",
                "critical_raw_material": True,
            },
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
        "part_numbers": [{"part_name": "module", "part_number": PART_NUMBER}],
        "spare_part_sources": [
            {"supplier": "Voltavia Parts", "parts": [{"part_name": "module", "part_number": PART_NUMBER}]}
        ],
        "resistances": [{"component": "pack", "ohm": 0.1}],
        "resistance_increases": [{"component": "pack", "rate": 0.05}],
        "events": [{"description": "minor collision", "occurred_at": "2025-01-02T10:00:00Z"}],
    }
    record: dict = {}
    for key, a in get_attributes().items():
        base = a.value_type.split(":")[0]
        value = a.value_type.split(":")[1].split("|")[0] if base == "enum" else samples[base]
        if a.is_dynamic:
            value = [{"value": value, "recorded_at": "2026-01-02T10:00:00Z"}]
        record[key] = value
    record.update(
        battery_id=battery_id,
        battery_mass_kg=452.0,
        certified_usable_energy_kwh=77.0,
        minimum_voltage_v=300.0,
        nominal_voltage_v=400.0,
        maximum_voltage_v=450.0,
        idle_temperature_lower_c=-20.0,
        idle_temperature_upper_c=45.0,
        putting_into_service_date="2024-03",
        carbon_footprint_raw_materials_share=0.625,
        state_of_charge_share=[
            {"value": 0.81, "recorded_at": "2025-11-30T08:00:00Z"},
            {"value": SOC, "recorded_at": "2026-02-14T09:30:00Z"},
        ],
        battery_status=[{"value": "original", "recorded_at": "2026-01-02T10:00:00Z"}],
    )
    return record


def oem_actor(world, name: str = "Voltavia Motors") -> Actor:
    return Actor(org_id=world.org_ids[name], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)


def register(platform, actor: Actor, attributes: dict) -> str:
    with platform.store.uow() as uow:
        read = passport_service.register_passport(uow, actor, attributes)
        uow.commit()
    return read.passport_id


@pytest.fixture
def passport(platform, world) -> str:
    return register(platform, oem_actor(world), full_record())


def sign_in(client, key: str) -> None:
    token = CSRF.search(client.get("/signin").text)
    assert token, "no CSRF field on the sign-in form"
    r = client.post("/signin", data={"key": key, "csrf_token": token.group(1), "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text


def rows(html: str) -> set[str]:
    return set(ROW.findall(html))


def expected(kind: OrganizationKind | None, *, owner: bool = False) -> set[str]:
    return set(visible_keys(decide_served_level(reader_kind=kind, is_owner=owner, passports_shared=True)))


def served_level(html: str) -> str:
    match = re.search(r'data-testid="served-level" data-level="([a-z_]+)"', html)
    assert match, "the page does not state its level"
    return match.group(1)


# -- the passport page -------------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_the_public_view_without_signing_in(client, passport):
    r = client.get(f"/p/{PID}", follow_redirects=False)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    html = r.text
    text = unescape(html)
    assert served_level(html) == "public"
    assert rows(html) == expected(None)  # exactly the 60 public attributes, all given in the record
    assert len(rows(html)) == 60
    assert 'data-withheld="33"' in html
    assert "33 more are withheld" in text
    assert PID in text and "VM-ID3-88412" in text
    assert "Served at level" in text and "Public" in text
    assert "anonymous readers see the public attributes" in text.lower()
    assert f"/signin?next={quote('/p/' + PID, safe='')}" in html  # offers to sign in, does not force it
    assert 'class="site-nav"' not in html
    # public values, formatted for people
    assert f"452{NBSP}kg" in text
    assert f"77{NBSP}kWh" in text
    assert f"62.5{NBSP}%" in text  # carbon_footprint_raw_materials_share 0.625
    assert "NMC811 · Lithium nickel manganese cobalt oxide 8:1:1" in text
    # restricted values never reach the HTML
    assert PART_NUMBER not in html
    assert "42.7" not in html and "81.0" not in html
    assert "March 2024" not in text  # putting_into_service_date
    assert "minor collision" not in html
    # CSP: no inline script or style
    assert "<script" not in html.lower()
    assert "style=" not in html.lower()
    assert "<style" not in html.lower()


def marker(number: int, base_type: str) -> tuple[object, str]:
    """A value unique to attribute ``number`` for a value type, and the text the owner's page shows for it."""
    word = f"MARKER{number:02d}X"
    if base_type == "url":
        return f"https://restricted.example/{word}", word
    if base_type == "year_month":
        return f"19{number:02d}-11", f"November 19{number:02d}"
    if base_type == "decimal":
        return number + 0.375, f"{number}.375"
    if base_type == "integer":
        return 70000 + number, f"{70000 + number:,}"
    if base_type == "fraction":
        return (100 + number) / 1000, f"{(100 + number) / 10:.1f}{NBSP}%"
    if base_type == "materials":
        return [{"name": word, "mass_kg": 1.0, "component": "cathode", "critical_raw_material": False}], word
    if base_type == "documents":
        return [{"type": "dismantling_manual", "url": f"https://restricted.example/{word}"}], word
    if base_type == "part_numbers":
        return [{"part_name": "housing", "part_number": word}], word
    if base_type == "spare_part_sources":
        return [{"supplier": word, "parts": [{"part_name": "housing", "part_number": "P-1"}]}], word
    if base_type == "resistance_increases":
        return [{"component": "pack", "rate": (100 + number) / 1000}], f"{(100 + number) / 10:.1f}{NBSP}%"
    if base_type == "events":
        return [{"description": word}], word
    return None, ""


def test_restricted_values_are_never_in_the_public_html(client, platform, world):
    """Every restricted attribute of the registry gets a value unique to it: the owner's page shows each one, the
    public page none of them (table-driven over the 33 restricted attributes, not hand-picked fields)."""
    record = full_record(pid="urn:voltavia:markers")
    shown: dict[str, str] = {}
    for key, a in get_attributes().items():
        if a.access.value == "public":
            continue
        value, text = marker(a.number, a.base_type)
        if value is None:  # enums (battery status): no unique value to look for; the row check covers them
            continue
        record[key] = [{"value": value, "recorded_at": "2026-03-01T12:00:00Z"}] if a.is_dynamic else value
        shown[key] = text
    assert len(shown) >= 30
    register(platform, oem_actor(world), record)
    public = unescape(client.get("/p/urn:voltavia:markers").text)
    restricted = {k for k, a in get_attributes().items() if a.access.value != "public"}
    assert not rows(public) & restricted
    sign_in(client, world.key("Voltavia Motors"))
    owner = unescape(client.get("/p/urn:voltavia:markers").text)
    for key, text in shown.items():
        assert text in owner, f"the owner's page does not show {key} as {text!r}"
        assert text not in public, f"the public page shows {key}"
    assert "restricted.example" not in public


def test_signed_in_recycler_sees_the_legitimate_interest_values(client, world, passport):
    sign_in(client, world.key("CircuMet Recycling", "viewer"))
    r = client.get(f"/p/{PID}")
    assert r.status_code == 200
    html, text = r.text, unescape(r.text)
    assert served_level(html) == "legitimate_interest"
    assert rows(html) == expected(OrganizationKind.RECYCLER)
    assert "as recycler and sorter" in text
    assert PART_NUMBER in text
    assert f"42.7{NBSP}%" in text  # the latest state of charge
    assert "81.0" not in text  # an older reading: only the latest value is shown
    assert "2 readings, last on" in text and "14 Feb 2026" in text
    assert "March 2024" in text  # putting into service
    assert "minor collision" in text  # accident information (latest value, a table)
    assert 'data-testid="completeness"' not in html  # completeness is for owners and authorities
    assert "spare_part_sources" not in rows(html)  # not granted to recyclers
    assert '<a href="/passports">Passports</a>' in html  # members get the navigation


def test_owner_sees_every_attribute_and_the_completeness_report(client, world, passport):
    sign_in(client, world.key("Voltavia Motors"))
    html = client.get(f"/p/{PID}").text
    text = unescape(html)
    assert served_level(html) == "owner"
    assert rows(html) == set(get_attributes())
    assert 'data-withheld="0"' in html and "nothing is withheld" in text
    assert 'data-testid="completeness"' in html
    assert re.search(r"<strong>(\d+) of \1</strong> mandatory attributes", html)
    assert "Every mandatory attribute is given." in text
    assert "test_reports" in rows(html)  # authority-level attribute: the owner sees it


def test_completeness_lists_the_missing_attributes_with_their_numbers(client, platform, world):
    pid = register(
        platform,
        oem_actor(world),
        {"passport_id": "urn:voltavia:sparse1", "battery_id": "VM-SPARSE-1", "battery_category": "ev"},
    )
    sign_in(client, world.key("Voltavia Motors"))
    html = client.get(f"/p/{pid}").text
    text = unescape(html)
    missing = re.findall(r'data-missing="([a-z0-9_]+)"', html)
    registry = get_attributes()
    assert missing and "battery_mass_kg" in missing and "passport_id" not in missing
    assert set(missing) <= set(registry)
    assert missing == sorted(missing, key=lambda k: registry[k].number)  # longlist order
    mass = registry["battery_mass_kg"]
    assert f'<span class="attr__number">#{mass.number}</span> {mass.name}</li>' in text
    assert re.search(r"<strong>\d+ of \d+</strong> mandatory attributes", html)


def test_authority_is_served_its_level_with_completeness(client, world, passport):
    sign_in(client, world.key("Battery Market Surveillance Office"))
    html = client.get(f"/p/{PID}").text
    assert served_level(html) == "authority"
    assert rows(html) == expected(OrganizationKind.AUTHORITY)
    assert "test_reports" in rows(html)
    assert "state_of_charge_share" not in rows(html)  # Annex XIII point 4: legitimate interest only
    assert 'data-testid="completeness"' in html


def test_readers_without_a_legitimate_interest_or_a_sharing_rule_are_served_the_public_view(client, world, passport):
    sign_in(client, world.key("Nordkap Automotive"))  # another automaker: no legitimate-interest role
    html = client.get(f"/p/{PID}").text
    assert served_level(html) == "public"
    assert rows(html) == expected(None)
    assert PART_NUMBER not in html
    assert "holds no legitimate-interest role" in unescape(html)
    sign_in(client, world.outsider_key)  # a recycler outside the consortium: nothing is shared with it
    html = client.get(f"/p/{PID}").text
    assert served_level(html) == "public"
    assert rows(html) == expected(None)
    assert PART_NUMBER not in html
    assert "does not share its passports" in unescape(html)


def test_a_revoked_session_reads_the_public_view_instead_of_being_sent_to_sign_in(client, platform, world, passport):
    key = world.key("CircuMet Recycling")
    sign_in(client, key)
    with platform.store.uow() as uow:
        key_service.revoke_key(uow, Actor.platform_operator(), auth_service.authenticate(uow, key).key_id)
        uow.commit()
    r = client.get(f"/p/{PID}", follow_redirects=False)
    assert r.status_code == 200
    assert served_level(r.text) == "public"
    assert PART_NUMBER not in r.text


def test_values_are_formatted_for_people(client, world, passport):
    sign_in(client, world.key("Voltavia Motors"))
    html = client.get(f"/p/{PID}").text
    text = unescape(html)
    assert f"5.0{NBSP}%" in text  # fractions as percentages with one decimal
    assert f"5.0{NBSP}% per month" in text  # self-discharge rates
    assert f"1.2{NBSP}%" in text  # hazardous substance concentration 0.012
    assert f"3.5{NBSP}kg CO₂e/kWh" in text
    assert f"3.5{NBSP}t CO₂e" in text
    assert f"0.1{NBSP}Ω" in text
    assert f"1,200{NBSP}min" in text
    assert "96 months (8 years)" in text
    assert "April 2023" in text
    assert "Electric vehicle battery" in text
    # lists of materials as a table, with a total
    assert re.search(r"<td>Nickel</td>\s*<td>Cathode</td>\s*<td><code>7440-02-0</code></td>", html)
    assert f"90.75{NBSP}kg" in text
    assert "Lithium hexafluorophosphate" in text and "Dismantling manual" in text
    # links open safely
    assert '<a href="https://docs.voltavia.example/dm.pdf" rel="noopener"' in html
    assert "1 reading, last on" in text and "2 Jan 2026" in text
    assert "minor collision" in text and "2 Jan 2025, 10:00 UTC" in text
    # sections in longlist order
    titles = re.findall(r'<h2 id="section-[a-z-]+-title">([^<]+)</h2>', html)
    assert titles == [
        "Identifiers and product data",
        "Symbols, labels and conformity",
        "Carbon footprint",
        "Supply chain due diligence",
        "Materials and composition",
        "Circularity and resource efficiency",
        "Performance and durability",
    ]
    numbers = [int(n) for n in re.findall(r'<span class="attr__number">#(\d+)</span>', html)]
    assert numbers == sorted(numbers) and len(numbers) == 93


def test_page_links_the_qr_code_of_the_public_page(client, passport):
    html = client.get(f"/p/{PID}").text
    src = f"/v1/passports/{PID}/qr.svg"
    assert f'src="{src}"' in html
    assert f'href="/v1/passports/{PID}/qr.png"' in html
    qr = client.get(src)
    assert qr.status_code == 200
    assert qr.headers["content-type"].startswith("image/svg+xml")
    assert f"/p/{PID}" in unescape(html)  # the URL the code encodes


def test_percent_encoded_colons_reach_the_same_passport(client, passport):
    r = client.get("/p/" + quote(PID, safe=""))
    assert r.status_code == 200
    assert served_level(r.text) == "public"
    assert PID in r.text


def test_unknown_passport_is_a_friendly_404_page(client, world):
    r = client.get("/p/urn:nowhere:<b>nothing<i>", headers={"accept": "text/html"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "Passport not found" in r.text
    assert "urn:nowhere:&lt;b&gt;nothing&lt;i&gt;" in r.text  # echoed, escaped
    assert "<b>nothing" not in r.text
    assert 'href="/signin?next=%2Fpassports"' in r.text
    sign_in(client, world.key("Voltavia Motors"))
    signed_in = client.get("/p/urn:nowhere:x")
    assert signed_in.status_code == 404
    assert 'href="/passports"' in signed_in.text


def test_lifecycle_links_and_the_ceased_archive(client, platform, world, passport):
    volt = oem_actor(world)
    dismantler = world.org_ids["Rheinland Dismantling"]
    with platform.store.uow() as uow:
        passport_service.change_status(
            uow, volt, PID, "repurposed", operator_org_id=dismantler, new_passport_id="urn:rheinland:second-life-1"
        )
        uow.commit()
    old = unescape(client.get(f"/p/{PID}").text)
    assert "Superseded." in old and 'href="/p/urn:rheinland:second-life-1"' in old
    new = unescape(client.get("/p/urn:rheinland:second-life-1").text)
    assert f'href="/p/{PID}"' in new and "previous passport" in new
    assert "Repurposed" in new

    pid = register(platform, volt, full_record(pid="urn:voltavia:to-recycle", battery_id="VM-EOL-1"))
    circumet = world.org_ids["CircuMet Recycling"]
    recycler = Actor(org_id=circumet, org_kind=OrganizationKind.RECYCLER, role=MemberRole.ADMIN)
    with platform.store.uow() as uow:
        passport_service.change_status(uow, volt, pid, "waste", operator_org_id=circumet)
        passport_service.change_status(uow, recycler, pid, "recycled")
        uow.commit()
    html = client.get(f"/p/{pid}").text
    assert 'data-testid="ceased-notice"' in html
    assert "read-only archive" in html
    assert "status-badge--recycled" in html


def test_text_is_escaped(client, platform, world):
    record = {
        "passport_id": "urn:voltavia:escape1",
        "battery_id": "<script>alert(1)</script>",
        "battery_category": "ev",
        "carbon_footprint_general_information": '<img src=x onerror="alert(2)">',
    }
    register(platform, oem_actor(world), record)
    html = client.get("/p/urn:voltavia:escape1").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


# -- the passport list -------------------------------------------------------------------------------------------


@pytest.fixture
def three_passports(platform, world) -> list[str]:
    volt = oem_actor(world)
    ids = []
    for n, status in enumerate(("original", "original", "waste"), start=1):
        record = {
            "passport_id": f"urn:voltavia:list-{n}",
            "battery_id": f"VM-LIST-{n}",
            "battery_category": "ev",
            "battery_chemistry": {"code": "LFP"},
            "battery_status": [{"value": status, "recorded_at": "2026-01-02T10:00:00Z"}],
        }
        ids.append(register(platform, volt, record))
    return ids


def counts(html: str) -> dict[str, int]:
    return {s: int(c) for s, c in re.findall(r'data-status="([a-z-]+)" data-count="(\d+)"', html)}


def listed(html: str) -> list[str]:
    return re.findall(r'<tr data-passport="([^"]+)"', html)


def test_passport_list_needs_signing_in(client):
    r = client.get("/passports?status=waste", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/signin?next=%2Fpassports%3Fstatus%3Dwaste"


def test_passport_list_shows_own_passports_counts_and_filters(client, world, three_passports):
    sign_in(client, world.key("Voltavia Motors", "viewer"))
    r = client.get("/passports")
    assert r.status_code == 200
    html = unescape(r.text)
    assert '<a href="/passports" aria-current="page">Passports</a>' in html  # the nav item
    assert listed(html) == three_passports
    assert counts(html) == {"all": 3, "original": 2, "waste": 1}
    for pid in three_passports:
        assert f'href="/p/{pid}"' in html
    assert "LFP" in html and "yours" in html

    waste = unescape(client.get("/passports", params={"status": "waste"}).text)
    assert listed(waste) == ["urn:voltavia:list-3"]
    assert re.search(r'data-status="waste" data-count="1" aria-current="page"', waste)
    assert counts(waste)["all"] == 3

    none = unescape(client.get("/passports", params={"status": "recycled"}).text)
    assert listed(none) == []
    assert "No recycled passports" in none

    bad = client.get("/passports", params={"status": "wasted"})
    assert bad.status_code == 422
    assert "There is no status" in unescape(bad.text)


def test_passport_list_pages_with_cursor_links(client, world, three_passports, monkeypatch):
    monkeypatch.setattr(passport_pages, "PAGE_SIZE", 2)
    sign_in(client, world.key("Voltavia Motors"))
    first = unescape(client.get("/passports").text)
    assert listed(first) == three_passports[:2]
    match = re.search(r'<a class="button button--primary" href="(/passports\?cursor=[^"]+)" rel="next">', first)
    assert match, "no link to the next page"
    second = unescape(client.get(match.group(1)).text)
    assert listed(second) == three_passports[2:]
    assert 'rel="next"' not in second
    assert '<a class="button button--quiet" href="/passports">First page</a>' in second
    assert client.get("/passports", params={"cursor": "forged"}).status_code == 422


def test_passport_list_shows_shared_passports_with_their_owner(client, world, three_passports):
    sign_in(client, world.key("CircuMet Recycling"))
    html = unescape(client.get("/passports").text)
    assert listed(html) == three_passports  # the demo agreement shares every member's passports with recyclers
    assert "Voltavia Motors" in html
    sign_in(client, world.key("Nordkap Automotive"))
    other = unescape(client.get("/passports").text)
    assert listed(other) == []
    assert "No passports yet" in other
    assert counts(other) == {"all": 0}


# -- formatting helpers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(452.0, "452"), (1234.5, "1,234.5"), (0.1, "0.1"), (3, "3"), (12000, "12,000"), (0.000123, "0.000123")],
)
def test_numbers_read_well(value, text):
    assert passport_pages.number(value) == text


def test_percentages_are_presentation_only():
    assert passport_pages.percent(0.05) == f"5.0{NBSP}%"
    assert passport_pages.percent(1) == f"100.0{NBSP}%"
    assert passport_pages.percent(0.4827) == f"48.3{NBSP}%"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x.example", 7])
def test_only_http_links_become_links(url):
    assert passport_pages.safe_href(url) is None
    assert passport_pages.safe_href("https://ok.example/a") == "https://ok.example/a"


def test_unknown_value_shapes_fall_back_to_text():
    attribute = get_attributes()["cathode_anode_electrolyte_materials"]
    row = passport_pages.attribute_row(attribute, {"unexpected": ["shape"]})
    assert row.shown.kind == "value"
    assert "unexpected" in row.shown.cells[0].text


# -- in a real Chromium ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_passport_server(tmp_path_factory: pytest.TempPathFactory):
    """A uvicorn server on a free port over a demo database holding one full passport of Voltavia Motors."""
    import threading
    import time

    require_chromium()
    import uvicorn

    from batteryloop.asgi import create_app
    from batteryloop.demo.scenario import build_demo
    from batteryloop.settings import Settings
    from batteryloop.storage.engine import create_engine_for
    from batteryloop.storage.migrate import upgrade

    root = tmp_path_factory.mktemp("live-passport")
    settings = Settings(database_url=f"sqlite:///{root / 'web.db'}", signing_key_file=root / "signing.pem")
    engine = create_engine_for(settings.database_url)
    upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    platform = app.state.platform
    demo = build_demo(platform.store, seed=7, batteries=0)
    actor = Actor(org_id=demo.organization_ids["Voltavia Motors"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    with platform.store.uow() as uow:
        passport_service.register_passport(uow, actor, full_record())
        uow.commit()
    keys = {k.organization: k.key for k in demo.keys if str(k.role) == "admin"}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="uvicorn-passport", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", keys
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.dispose()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_passport_page_in_chromium(live_passport_server, width, tmp_path):
    """The QR page renders under the site's CSP (no console errors), with its stylesheet and QR code, at both widths."""
    from playwright.sync_api import expect, sync_playwright

    url, keys = live_passport_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15000)  # CI machines are shared; allow for load
            problems: list[str] = []
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{url}/p/{PID}")
            expect(page.get_by_role("heading", name="VM-ID3-88412")).to_be_visible()
            expect(page.get_by_test_id("served-level")).to_contain_text("Public")
            expect(page.locator('[data-attribute="battery_mass_kg"]')).to_contain_text(f"452{NBSP}kg")
            assert page.locator('[data-attribute="part_numbers"]').count() == 0
            qr = page.locator("img.passport-qr__code")
            expect(qr).to_be_visible()
            page.wait_for_function("document.querySelector('img.passport-qr__code').naturalWidth > 0")
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
            head = page.eval_on_selector(".passport-head", "e => getComputedStyle(e).borderTopColor")
            assert head == "rgb(15, 92, 77)"  # the stylesheet applies

            page.goto(f"{url}/signin")
            page.get_by_label("API key").fill(keys["CircuMet Recycling"])
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{url}/p/{PID}")
            expect(page.get_by_test_id("served-level")).to_contain_text("Legitimate interest")
            expect(page.locator('[data-attribute="part_numbers"]')).to_contain_text(PART_NUMBER)
            page.screenshot(path=str(tmp_path / f"passport-{width}.png"), full_page=True)
            assert not problems, problems
            context.close()
        finally:
            browser.close()
