"""The annual recovery report over stored lots: ``services.recovery_report.annual_report`` on a SQLite database holding
100,000 processed lots of one first recycler -- 50,000 pre-treatment lots whose black mass feeds 50,000 refinery
lots (14 outputs per chain, from the reference routes' expected outputs, scaled per lot by 1, 2 or 3).

Each lot is stored as recording its outputs stores it: the outputs and their ledger (the sums the report reads).
Baseline, same process: reading the same lots raw (``sqlite3``: ``SELECT input, outputs FROM lots`` and
``json.loads`` of each), what a report that parsed every output would start from. Target: the report in under 5 s.
Environment: ``BENCH_REPORT_CHAINS`` (default 50000).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from batteryloop.services.lot_feed import text

CHAINS = int(os.environ.get("BENCH_REPORT_CHAINS", "50000"))
TARGET_S = 5.0
PRE, REFINERY = "DE-BENCH-PRE-1", "DE-BENCH-HYDRO-1"
INPUT = {
    "Li": "20.000",
    "Ni": "100.000",
    "Co": "30.000",
    "Mn": "30.000",
    "Cu": "80.000",
    "Al": "60.000",
    "C": "150.000",
}


def _stored(o: dict[str, Any], k: int) -> dict[str, Any]:
    out = {"name": o["name"], "mass_kg": text(o["mass_kg"] * k), "fate": o["fate"]}
    for key in ("rd_code", "to_facility"):
        if o.get(key):
            out[key] = o[key]
    if o.get("elements_kg"):
        out["elements_kg"] = {x: text(v * k) for x, v in o["elements_kg"].items()}
    if o.get("recovered_elements") is not None:
        out["recovered_elements"] = sorted(o["recovered_elements"])
    if o.get("reagent_kg"):
        out["reagent_kg"] = text(o["reagent_kg"] * k)
    return out


def templates() -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    from batteryloop.domain.recovery.routes import expected_outputs

    elements = {x: Decimal(v) for x, v in INPUT.items()}
    pre = expected_outputs("pretreatment", Decimal("1000.000"), elements, to_facility=REFINERY)
    black = next(o for o in pre if o["fate"] == "intermediate")
    hydro = expected_outputs("hydrometallurgy", black["mass_kg"], black["elements_kg"], facility=REFINERY)
    return pre, hydro, black


def seed(tmp: Path) -> tuple[Any, uuid.UUID, Path]:
    from sqlalchemy import insert

    from batteryloop.bootstrap import build_platform
    from batteryloop.demo.scenario import build_demo
    from batteryloop.domain.access import Actor
    from batteryloop.domain.organization import MemberRole, OrganizationKind
    from batteryloop.services import facilities
    from batteryloop.services.lot_ledger import ledger_of
    from batteryloop.settings import Settings
    from batteryloop.storage.migrate import upgrade
    from batteryloop.storage.tables import LotRow

    db = tmp / "report.db"
    platform = build_platform(Settings(database_url=f"sqlite:///{db}", signing_key_file=tmp / "key.pem"))
    assert platform.engine is not None
    upgrade(platform.engine)
    demo = build_demo(platform.store, seed=7, batteries=0)
    org = demo.organization_ids["CircuMet Recycling"]
    actor = Actor(org_id=org, org_kind=OrganizationKind.RECYCLER, role=MemberRole.ADMIN)
    pre_t, hydro_t, black = templates()
    with platform.store.uow() as uow:
        ids = {}
        for code, route in ((PRE, "pretreatment"), (REFINERY, "hydrometallurgy")):
            body = {
                "code": code,
                "name": code,
                "country": "DE",
                "routes": [route],
                "permitted_operations": ["R4"],
                "capacity_t_per_year": 100000,
            }
            ids[code] = uuid.UUID(facilities.register_facility(uow, actor, body)["id"])
        uow.commit()
    pre_out = {k: [_stored(o, k) for o in pre_t] for k in (1, 2, 3)}
    hydro_out = {k: [_stored(o, k) for o in hydro_t] for k in (1, 2, 3)}
    started = time.perf_counter()
    table = LotRow.__table__
    now = datetime.now(UTC)
    with platform.engine.begin() as conn:
        rows: list[dict[str, Any]] = []
        for n in range(CHAINS):
            k = 1 + n % 3
            head_id, down_id = uuid.uuid4(), uuid.uuid4()
            day = date(2026, 1 + n % 10, 1 + n % 28)
            common = {
                "operator_org_id": org,
                "first_recycler_org_id": org,
                "battery_group": "lithium_based",
                "chemistry": "NMC811",
                "status": "processed",
                "processed_on": day,
                "created_at": now,
                "refusal": None,
            }
            rows.append(
                common
                | {
                    "id": head_id,
                    "facility_id": ids[PRE],
                    "code": f"P{n:06d}",
                    "route": "pretreatment",
                    "source_lot_id": None,
                    "source_output": None,
                    "input": {
                        "mass_kg": text(Decimal(1000 * k)),
                        "elements_kg": {x: text(Decimal(v) * k) for x, v in INPUT.items()},
                        "basis": "passport",
                        "member_states": {"DE": text(Decimal(600 * k)), "FR": text(Decimal(400 * k))},
                    },
                    "outputs": pre_out[k],
                    "ledger": ledger_of(pre_out[k]),
                }
            )
            rows.append(
                common
                | {
                    "id": down_id,
                    "facility_id": ids[REFINERY],
                    "code": f"H{n:06d}",
                    "route": "hydrometallurgy",
                    "source_lot_id": head_id,
                    "source_output": black["name"],
                    "input": {
                        "mass_kg": text(black["mass_kg"] * k),
                        "elements_kg": {},
                        "basis": "upstream_output",
                        "member_states": {},
                    },
                    "outputs": hydro_out[k],
                    "ledger": ledger_of(hydro_out[k]),
                }
            )
            if len(rows) >= 10_000:
                conn.execute(insert(table), rows)
                rows = []
        if rows:
            conn.execute(insert(table), rows)
    print(f"  seeded {2 * CHAINS:,} lots in {time.perf_counter() - started:.0f} s", flush=True)
    return platform, org, db


def run() -> list[dict[str, Any]]:
    from batteryloop.domain.access import Actor
    from batteryloop.services.recovery_report import annual_report

    with tempfile.TemporaryDirectory() as tmp:
        platform, org, db = seed(Path(tmp))
        try:
            conn = sqlite3.connect(db)
            start = time.perf_counter()
            for lot_input, outputs in conn.execute("SELECT input, outputs FROM lots"):
                json.loads(lot_input)
                json.loads(outputs)
            raw_s = time.perf_counter() - start
            conn.close()
            with platform.store.uow(read_only=True) as uow:
                start = time.perf_counter()
                report = annual_report(uow, Actor.platform_operator(), org, 2026)
                report_s = time.perf_counter() - start
            (group,) = report["groups"]
            if len(group["lots"]) != CHAINS or report["excluded"] or report["pending"]:
                raise RuntimeError(f"the report does not cover the seeded chains: {len(group['lots'])} of {CHAINS}")
        finally:
            platform.dispose()
    params = {
        "lots": 2 * CHAINS,
        "chains": CHAINS,
        "outputs_per_chain": 14,
        "recycling_efficiency": group["recycling_efficiency_display"],
        "baseline": "raw SELECT + json.loads",
    }
    return [
        {
            "name": "recovery_report_stored",
            "value": report_s,
            "unit": "s",
            "baseline_value": raw_s,
            "ratio": report_s / raw_s,
            "params": params,
        }
    ]


def checks(rows: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    r = rows[0]
    text = f"annual report over {r['params']['lots']:,} stored lots: {r['value']:.2f} s (target < {TARGET_S} s)"
    return [(text, r["value"] < TARGET_S)]
