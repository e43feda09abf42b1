"""Tenant isolation over every route of the app's own route table (new routes are covered automatically).

Each route is called anonymously and as an organisation outside the demo consortium, aimed at the demo
members' resources. Anonymous callers get 401 (API) or a redirect to sign-in (pages); the outsider gets
401/403/404, and no answer to either carries a name or id of the demo consortium that the caller did not send.
A new route fails this test until it is given a request body (writes) and its path parameters are known.
"""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from starlette.routing import Mount, Route

from batteryloop.storage.tables import ApiKeyRow, MemberRow
from tests.conftest import auth

#: Routes any caller may use: they hold no tenant data.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/docs"),
    ("GET", "/api-static"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/openapi.json"),
    ("GET", "/v1/calc"),
    ("POST", "/v1/calc/{topic}"),
    # the custody log's key, checkpoints and proofs are hashes only, public like a transparency log
    ("GET", "/v1/log/key"),
    ("GET", "/v1/log/checkpoint"),
    ("GET", "/v1/log/checkpoints/{size}"),
    ("GET", "/v1/log/proof/inclusion"),
    ("GET", "/v1/log/proof/consistency"),
    ("GET", "/signin"),
    ("POST", "/signin"),
    ("POST", "/signout"),
    # the public part of a passport is open to everyone (Annex XIII point 1); restricted parts need a level
    ("GET", "/v1/passports/{passport_id}"),
    ("GET", "/v1/passports/{passport_id}/qr.svg"),
    ("GET", "/v1/passports/{passport_id}/qr.png"),
    ("GET", "/p/{passport_id}"),
}

#: Routes that list only the caller's own world: an outsider gets 200 with its own data, never the target's.
OWN_SCOPE = {
    ("GET", "/v1/me"),
    ("GET", "/v1/organizations"),
    ("GET", "/v1/consortia"),
    ("POST", "/v1/consortia"),
    ("GET", "/v1/audit-events"),
    ("GET", "/v1/passports"),
    ("POST", "/v1/passports"),
    ("POST", "/v1/passports:import"),
    ("GET", "/v1/shipments"),
    ("GET", "/v1/models"),
    ("POST", "/v1/models"),
    ("GET", "/v1/models/design-comparison"),
    ("GET", "/v1/facilities"),
    ("POST", "/v1/facilities"),
    ("GET", "/v1/lots"),
    ("GET", "/"),
}


def bodies(target: dict[str, str]) -> dict[tuple[str, str], object]:
    """A valid body for every write route, aimed at the target's resources."""
    return {
        ("PATCH", "/v1/organizations/{organization_id}"): {"name": "Taken Over"},
        ("POST", "/v1/organizations/{organization_id}/members"): {"name": "Mallory", "role": "admin"},
        ("POST", "/v1/keys"): {"member_id": target["member_id"]},
        ("POST", "/v1/shipments"): {
            "code": "OUT-1",
            "from_site": "OUT-YARD",
            "to_site": "OUT-PLANT",
            "to_org_id": target["organization_id"],
            "planned_date": "2026-11-26",
            "declared_gross_kg": 452,
            "items": [
                {
                    "passport_id": target["passport_id"],
                    "condition": "intact",
                    "energy_wh": 77000,
                    "gross_mass_kg": 452,
                    "packaging": "LP903",
                    "chemistry": "lithium_ion",
                }
            ],
        },
        ("POST", "/v1/custody/triage/{passport_id}"): {"second_life_demand": True},
        ("POST", "/v1/custody/identify/{passport_id}"): {
            "elements_wt_pct": {"Li": 2.0, "Fe": 15.9, "P": 8.8, "C": 30.0},  # an LFP black mass
            "record_at_site": "OUT-YARD",
        },
        ("POST", "/v1/facilities"): {
            "code": "OUT-FAC-1",
            "name": "Outsider plant",
            "country": "FR",
            "routes": ["pretreatment"],
            "permitted_operations": ["R4"],
            "capacity_t_per_year": 100,
        },
        ("POST", "/v1/facilities/{facility_id}/lots"): {
            "code": "OUT-L1",
            "route": "pretreatment",
            "items": [target["passport_id"]],
        },
        ("POST", "/v1/lots/{lot_id}/outputs"): {
            "processed_on": "2026-11-20",
            "outputs": [{"name": "all", "mass_kg": 1, "fate": "loss"}],
        },
        ("POST", "/v1/lots/{lot_id}/outputs/{index}/grade"): {"product": "Li2CO3", "assay": {"main_content_pct": 99.6}},
        ("POST", "/v1/models"): {"code": "OUT-M1", "attributes": {"battery_category": "ev"}},
        ("PUT", "/v1/models/{model_id}/design"): DESIGN_FACTS,
        ("PUT", "/v1/custody/triage-thresholds/{consortium_id}"): {"reuse_min_soh": 0.9},
        ("POST", "/v1/shipments/{shipment_id}/dispatch"): {"gross_kg": 452, "occurred_at": "2026-11-26T08:00:00Z"},
        ("POST", "/v1/shipments/{shipment_id}/receive"): {"gross_kg": 452, "occurred_at": "2026-11-26T09:00:00Z"},
        ("POST", "/v1/custody/events"): {
            "events": [
                {
                    "kind": "collected",
                    "items": [target["passport_id"]],
                    "occurred_at": "2026-11-02T09:00:00Z",
                    "site": "OUTSIDER-YARD",
                }
            ]
        },
        ("POST", "/v1/consortia"): {"name": f"Own loop {uuid.uuid4().hex[:6]}"},
        ("POST", "/v1/consortia/{consortium_id}/members"): {"organization_id": target["outsider_org_id"]},
        ("POST", "/v1/consortia/{consortium_id}/sharing-rules"): {
            "category": "economics",
            "grantee_kind": "recycler",
        },
        ("POST", "/v1/calc/{topic}"): {"chemistry": "NMC811"},
        ("POST", "/v1/consortia/{consortium_id}/accept"): {},
        ("POST", "/v1/passports:import"): (
            b'{"attributes": {"passport_id": "urn:outsider:imp1", "battery_id": "O-1"}}\n'
        ),
        ("POST", "/v1/passports"): {
            "attributes": {
                "passport_id": f"urn:outsider:{uuid.uuid4().hex}",
                "battery_id": "X-1",
                "battery_category": "ev",
            }
        },
        ("POST", "/v1/passports/{passport_id}/status"): {
            "status": "waste",
            "operator_org_id": target["outsider_org_id"],
        },
        ("POST", "/v1/passports/{passport_id}/readings"): {
            "attributes": {"state_of_charge_share": [{"value": 0.5, "recorded_at": "2026-01-01T00:00:00Z"}]}
        },
    }


DESIGN_FACTS = {
    "joining": {"pack_to_module": "screws", "module_to_cell": "screws"}, "disassembly_steps": 12,
    "disassembly_minutes": 40, "tools": "standard", "modules": 8, "cell_format": "prismatic",
    "chemistry_label_on_modules": True, "year": 2025,
}  # fmt: skip

QUERY = {
    ("GET", "/v1/facilities/{facility_id}/balance"): {"year": 2026},
    ("POST", "/v1/passports:import"): {"format": "jsonl"},
    ("GET", "/v1/log/proof/inclusion"): {"index": 0},
    ("POST", "/v1/custody/triage/{passport_id}"): {"consortium_id": "8cdb305f-dd2e-4609-ae36-aab0d1bc52d9"},
    ("GET", "/v1/log/proof/consistency"): {"size1": 1},
    ("DELETE", "/v1/consortia/{consortium_id}/sharing-rules"): {
        "category": "passports",
        "grantee_kind": "recycler",
    },
}


def routes(app):
    """Every (method, path) of the app, routers included (FastAPI includes routers lazily)."""
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, Mount):
            continue  # static assets
        assert isinstance(route, APIRoute | Route), f"unexpected route type {type(route)}"
        for method in sorted(ctx.methods or ()):
            if method != "HEAD":
                yield method, ctx.path, isinstance(route, APIRoute) and route.include_in_schema


@pytest.fixture
def target(platform, world, target_passport, target_shipment, target_model, target_lot):
    volt = world.org_ids["Voltavia Motors"]
    with platform.store.uow() as uow:
        member = uow.session.scalars(select(MemberRow).where(MemberRow.organization_id == volt)).first()
        key = uow.session.scalars(select(ApiKeyRow).where(ApiKeyRow.organization_id == volt)).first()
        members = list(uow.session.scalars(select(MemberRow)))
        keys = list(uow.session.scalars(select(ApiKeyRow)))
    secrets = set()
    for name, org_id in world.org_ids.items():
        secrets |= {name, str(org_id)}
    secrets.add(str(world.consortium_id))
    secrets |= {m.name for m in members if m.organization_id in world.org_ids.values()}
    secrets |= {str(m.id) for m in members if m.organization_id in world.org_ids.values()}
    secrets |= {str(k.id) for k in keys if k.organization_id in world.org_ids.values()}
    secrets |= {k.prefix for k in keys if k.organization_id in world.org_ids.values()}
    secrets |= {"VM-SECRET-PN-7", "0.4237"}  # restricted passport attributes (legitimate interest only)
    secrets |= {"VM-SECRET-SITE-3", "VM-SECRET-PRICE-9"}  # a custody event and its off-log commercial details
    secrets |= {"VM-SECRET-SHP-5", "VM-SECRET-DOCK-1"}  # a shipment's code and site
    secrets |= {"VM-SECRET-MODEL-2", target_model}  # a battery model with design facts
    secrets |= {"DE-SECRET-FAC-9", "CM-SECRET-LOT-4", target_lot["lot_id"], target_lot["facility_id"]}
    return {
        "organization_id": str(volt),
        "consortium_id": str(world.consortium_id),
        "member_id": str(member.id),
        "key_id": str(key.id),
        "topic": "chemistry",
        "passport_id": target_passport,
        "outsider_org_id": str(world.outsider_org_id),
        "secrets": secrets,
        "size": "1",
        "leaf_index": "0",
        "shipment_id": target_shipment,
        "model_id": target_model,
        "facility_id": target_lot["facility_id"],
        "lot_id": target_lot["lot_id"],
        "recycler_org_id": str(world.org_ids["CircuMet Recycling"]),
        "year": "2026",
        "fmt": "pdf",
        "index": "0",
    }


@pytest.fixture
def target_passport(platform, world) -> str:
    """A passport of the target organisation with restricted attributes set."""
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services import custody
    from batteryloop.services import passport as passport_service

    volt = world.org_ids["Voltavia Motors"]
    actor = Actor(org_id=volt, org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    pid = "urn:voltavia:isolation0001"
    with platform.store.uow() as uow:
        passport_service.register_passport(
            uow,
            actor,
            {
                "passport_id": pid,
                "battery_id": "VM-ISO-1",
                "battery_category": "ev",
                "state_of_charge_share": [{"value": 0.4237, "recorded_at": "2026-05-01T08:00:00Z"}],
                "part_numbers": [{"part_name": "secret housing", "part_number": "VM-SECRET-PN-7"}],
            },
        )
        custody.record_events(uow, actor, [{
            "kind": "registered", "items": [pid], "occurred_at": "2026-05-01T08:00:00Z", "site": "VM-SECRET-SITE-3",
            "commercial": {"price": "VM-SECRET-PRICE-9"},
        }])  # fmt: skip
        uow.commit()
    return pid


@pytest.fixture
def target_model(platform, world) -> str:
    """A battery model of the target organisation with design facts."""
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services import design
    from batteryloop.services import passport as passport_service

    actor = Actor(org_id=world.org_ids["Voltavia Motors"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    attributes = {"battery_category": "ev", "battery_chemistry": {"code": "NMC811"}, "battery_mass_kg": 451.5,
                  "dismantling_manuals": []}  # fmt: skip
    with platform.store.uow() as uow:
        model = passport_service.create_model(uow, actor, code="VM-SECRET-MODEL-2", name="", attributes=attributes)
        design.set_design_facts(uow, actor, model.id, DESIGN_FACTS)
        uow.commit()
    return str(model.id)


@pytest.fixture
def target_lot(platform, world) -> dict[str, str]:
    """A processed lot at a facility of CircuMet Recycling (a demo member), of a Voltavia pack collected there."""
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services import custody, facilities, lots
    from batteryloop.services import passport as passport_service

    volt = Actor(org_id=world.org_ids["Voltavia Motors"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    cm = Actor(org_id=world.org_ids["CircuMet Recycling"], org_kind=OrganizationKind.RECYCLER, role=MemberRole.ADMIN)
    pid, site = "urn:voltavia:isolation0002", "DE-SECRET-FAC-9"
    with platform.store.uow() as uow:
        passport_service.register_passport(uow, volt, {"passport_id": pid, "battery_id": "VM-ISO-2",
                                                       "battery_category": "ev", "battery_mass_kg": 400,
                                                       "battery_chemistry": {"code": "NMC811"}})  # fmt: skip
        custody.record_events(uow, cm, [{"kind": "collected", "items": [pid], "occurred_at": "2026-11-02T08:00:00Z",
                                         "site": site}])  # fmt: skip
        facility = facilities.register_facility(uow, cm, {
            "code": site, "name": "Secret plant", "country": "DE", "routes": ["pretreatment"],
            "permitted_operations": ["R4"], "capacity_t_per_year": 100})  # fmt: skip
        lot = lots.create_lot(uow, cm, uuid.UUID(facility["id"]), {"code": "CM-SECRET-LOT-4", "route": "pretreatment",
                                                                   "items": [pid]})  # fmt: skip
        lots.record_outputs(uow, cm, uuid.UUID(lot["id"]), {"processed_on": "2026-11-20", "outputs": [
            {"name": "steel", "mass_kg": 300, "rd_code": "R4"}, {"name": "rest", "mass_kg": 100, "fate": "loss"}]})  # fmt: skip
        uow.commit()
    return {"facility_id": facility["id"], "lot_id": lot["id"]}


@pytest.fixture
def target_shipment(platform, world, target_passport) -> str:
    """A shipment planned by the target organisation."""
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services import custody, shipments

    actor = Actor(org_id=world.org_ids["Voltavia Motors"], org_kind=OrganizationKind.OEM, role=MemberRole.ADMIN)
    plan = {
        "code": "VM-SECRET-SHP-5", "from_site": "VM-SECRET-DOCK-1", "to_site": "DE-BRE-RECYCLER",
        "to_org_id": str(world.org_ids["CircuMet Recycling"]), "planned_date": "2026-11-26", "declared_gross_kg": 452,
        "items": [{"passport_id": target_passport, "condition": "intact", "energy_wh": 77000, "gross_mass_kg": 452,
                   "packaging": "LP903", "chemistry": "lithium_ion"}],
    }  # fmt: skip
    collected = {"kind": "collected", "items": [target_passport], "occurred_at": "2026-11-20T08:00:00Z",
                 "site": "VM-SECRET-DOCK-1"}  # fmt: skip
    with platform.store.uow() as uow:
        custody.record_events(uow, actor, [{**collected, "kind": "retired"}, collected])
        shipment = shipments.plan_shipment(uow, actor, plan)
        uow.commit()
    return shipment["id"]


def fill(path: str, target: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        assert name in target, f"teach the isolation test which value to use for path parameter {name!r}"
        return target[name]

    return re.sub(r"\{([^}]+)\}", value, path)


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.]+")


def leaks(text: str, sent: str, secrets: set[str]) -> set[str]:
    # timestamps are dropped first: their fractional seconds can spell a secret number such as 0.4237 by chance
    text = _TIMESTAMP.sub("", text)
    return {s for s in secrets if s in text and s not in sent}


def call(client, method, url, body, query, headers):
    kwargs = {"headers": headers, "follow_redirects": False, "params": query}
    if isinstance(body, bytes):
        kwargs["content"] = body
    elif body is not None:
        kwargs["json"] = body
    return client.request(method, url, **kwargs)


def test_every_route_is_isolated(app, client, world, target):
    table = bodies(target)
    checked = 0
    sent = ""  # everything the callers sent so far: echoing a caller's own input (or its own audit trail) is no leak
    outsider = auth(world.outsider_key)
    for method, path, is_api in routes(app):
        key = (method, path)
        body = table.get(key)
        if method in ("POST", "PUT", "PATCH") and is_api:
            assert body is not None, f"add a valid body for {method} {path} to the isolation test"
        url = fill(path, target)
        sent += url + repr(body) + repr(QUERY.get(key))
        for who, headers in (("anonymous", {}), ("outsider", outsider)):
            r = call(client, method, url, body, QUERY.get(key), headers)
            leaked = leaks(r.text + repr(dict(r.headers)), sent, target["secrets"])
            assert not leaked, f"{who} {method} {path} leaked {sorted(leaked)[:3]}"
            if key in PUBLIC:
                continue
            if who == "anonymous":
                if is_api:
                    assert r.status_code == 401, f"anonymous {method} {path} -> {r.status_code}"
                    assert r.headers["content-type"] == "application/problem+json"
                else:
                    assert r.status_code in (303, 401, 403), f"anonymous {method} {path} -> {r.status_code}"
                    if r.status_code == 303:
                        assert r.headers["location"].startswith("/signin")
            elif key not in OWN_SCOPE:
                allowed = (401, 403, 404) if is_api else (303, 401, 403, 404)  # pages sign in with a session
                assert r.status_code in allowed, f"outsider {method} {path} -> {r.status_code}: {r.text}"
        checked += 1
    assert checked >= 15  # the route table was really walked


def test_fellow_non_admins_cannot_write_the_targets_resources(client, world, target):
    fellow = auth(world.key("Nordkap Automotive", "operator"))
    table = bodies(target)
    for method, path in [
        ("PATCH", "/v1/organizations/{organization_id}"),
        ("POST", "/v1/organizations/{organization_id}/members"),
        ("POST", "/v1/keys"),
        ("DELETE", "/v1/keys/{key_id}"),
        ("POST", "/v1/consortia/{consortium_id}/members"),
        ("POST", "/v1/consortia/{consortium_id}/sharing-rules"),
        ("DELETE", "/v1/consortia/{consortium_id}/sharing-rules"),
    ]:
        r = call(client, method, fill(path, target), table.get((method, path)), QUERY.get((method, path)), fellow)
        assert r.status_code in (403, 404), f"{method} {path} -> {r.status_code}"


def test_an_outsider_cannot_compare_the_targets_model(client, world, target):
    r = client.get("/v1/models/design-comparison", params={"model_id": target["model_id"]},
                   headers=auth(world.outsider_key))  # fmt: skip
    assert r.status_code == 404 and "VM-SECRET-MODEL-2" not in r.text
