"""The demo's recycling operations: the two recyclers process the end-of-life packs they received.

- CircuMet Recycling runs a pre-treatment plant at its receiving site and a hydrometallurgical refinery nearby. It
  sorts the packs it received into lots of one chemistry family (oxide cathodes apart from LFP), shreds them, and
  ships the black mass to its refinery, which makes Li2CO3, nickel, cobalt and manganese sulphates and graphite.
  Their element recovery meets the targets (lithium 85 %, above the 2031 target of 80 %), but burning plastics and
  electrolyte and landfilling the leach residue keep the recycling efficiency near 61 %, under the 65 % due for 2025.
- Pyrolux Metals smelts its nickel-based packs whole: cobalt, nickel and copper go to an alloy, lithium to the slag,
  sold as aggregate -- so its lots miss the 2031 lithium target. LFP packs, which the smelter does not take, wait.
- One lot's outputs are first recorded with the black mass weighed twice (a scale-ticket error): more out than in,
  so the platform refuses them, notes the refusal on the lot and stores nothing; the lot stays open.
- LMFP packs stay in storage: no route of the reference data takes them yet.

The refinery's products are graded against the battery-grade specifications with seeded lab assays (every fourth
lithium carbonate lot fails on sodium), each with its certificate of analysis.

Outputs follow the routes' reference yields (``data/recovery/routes.toml``); masses to the gram; seeded dates.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from batteryloop.demo.custody import SITES
from batteryloop.demo.quality import PRODUCTS, lab_assay
from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.domain.recovery import MassBalanceError
from batteryloop.domain.recovery.routes import expected_outputs, get_routes
from batteryloop.services import facilities, identification, lots, product_grades
from batteryloop.storage.tables import CustodyItemRow, PassportRow
from batteryloop.storage.uow import Store

REFINERY = "DE-BRE-CIRCUMET-HYDRO"
FACILITIES: dict[str, list[dict[str, Any]]] = {
    "CircuMet Recycling": [
        {
            "code": SITES["CircuMet Recycling"],
            "name": "CircuMet Bremen pre-treatment",
            "country": "DE",
            "permitted_operations": ["R4", "R12", "R13", "R1"],
            "routes": ["pretreatment"],
            "capacity_t_per_year": 12000,
        },
        {
            "code": REFINERY,
            "name": "CircuMet Bremen hydrometallurgy",
            "country": "DE",
            "permitted_operations": ["R4", "R5", "R6"],
            "routes": ["hydrometallurgy"],
            "capacity_t_per_year": 8000,
        },
    ],
    "Pyrolux Metals": [
        {
            "code": SITES["Pyrolux Metals"],
            "name": "Pyrolux Hoboken smelter",
            "country": "BE",
            "permitted_operations": ["R4", "R5"],
            "routes": ["pyrometallurgy"],
            "capacity_t_per_year": 150000,
        },
    ],
}
PER_LOT = 6
MILLI = Decimal("0.001")


def _families() -> dict[str, str]:
    return dict(get_routes().family_of)


def _packs_at(uow: Any, site: str) -> list[tuple[str, str]]:
    rows = uow.session.execute(
        select(CustodyItemRow.passport_id, PassportRow.chemistry)
        .join(PassportRow, PassportRow.passport_id == CustodyItemRow.passport_id)
        .where(CustodyItemRow.site == site, CustodyItemRow.phase == "at_site")
        .order_by(CustodyItemRow.passport_id)
    ).all()
    found = identification.identified_chemistry(uow, [str(pid) for pid, _chem in rows])
    # sorted by what the recycler's assay found, not by the label (three packs are mislabelled)
    return [(str(pid), found[str(pid)][0] if str(pid) in found else str(chem)) for pid, chem in rows]


def _process(
    uow: Any, actor: Actor, lot: dict[str, Any], route: str, day: date, at: datetime, **where: str
) -> dict[str, Any]:
    elements = {k: Decimal(v).quantize(MILLI) for k, v in lot["input"]["elements_kg"].items()}
    outputs = expected_outputs(route, Decimal(lot["input"]["mass_kg"]), elements, **where)
    return lots.record_outputs(
        uow, actor, uuid.UUID(lot["id"]), {"processed_on": day.isoformat(), "outputs": outputs}, at=at
    )


def _grade(uow: Any, actor: Actor, lot: dict[str, Any], day: date, rng: random.Random, number: int) -> int:
    graded = 0
    for index, output in enumerate(lot["outputs"] or []):
        if output["name"] in PRODUCTS:
            assay = lab_assay(output["name"], rng, sodium_excess=output["name"] == "Li2CO3" and number % 4 == 0)
            body = {"product": output["name"], "assay": assay, "graded_on": day.isoformat()}
            product_grades.grade_output(uow, actor, uuid.UUID(lot["id"]), index, body)
            graded += 1
    return graded


def build_demo_operations(
    store: Store,
    *,
    organization_ids: dict[str, uuid.UUID],
    as_of: datetime,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Register the facilities, form and process the lots; returns counts."""
    step = progress or (lambda _n: None)
    counts = {"facilities": 0, "lots": 0, "processed": 0, "refused": 0, "waiting": 0, "graded": 0}
    rng = random.Random(seed * 31 + 9)
    family = _families()
    with store.uow() as uow:
        actors = {
            name: Actor(org_id=organization_ids[name], org_kind=OrganizationKind.RECYCLER, role=MemberRole.OPERATOR)
            for name in FACILITIES
        }
        ids: dict[str, uuid.UUID] = {}
        for name, bodies in FACILITIES.items():
            for body in bodies:
                ids[body["code"]] = uuid.UUID(facilities.register_facility(uow, actors[name], body)["id"])
                counts["facilities"] += 1
        day = as_of.date() - timedelta(days=6)
        number = 0
        refused_once = False
        for name, route in (("CircuMet Recycling", "pretreatment"), ("Pyrolux Metals", "pyrometallurgy")):
            actor, site = actors[name], SITES[name]
            accepted = get_routes().routes[route].chemistries
            by_family: dict[str, list[str]] = {}
            for pid, chemistry in _packs_at(uow, site):
                if chemistry not in accepted or chemistry not in family:
                    counts["waiting"] += 1
                    continue
                by_family.setdefault(family[chemistry], []).append(pid)
            for fam, pids in sorted(by_family.items()):
                for start in range(0, len(pids), PER_LOT):
                    number += 1
                    at = datetime.combine(day, datetime.min.time(), tzinfo=as_of.tzinfo) + timedelta(hours=8 + number)
                    code = f"{'CM' if name.startswith('Circu') else 'PX'}-2026-L{number:03d}"
                    lot = lots.create_lot(
                        uow,
                        actor,
                        ids[site],
                        {"code": code, "route": route, "items": pids[start : start + PER_LOT]},
                        at=at,
                    )
                    counts["lots"] += 1
                    if route == "pretreatment" and fam == "phosphate" and not refused_once:
                        refused_once = True
                        bad = expected_outputs(
                            route,
                            Decimal(lot["input"]["mass_kg"]),
                            {k: Decimal(v) for k, v in lot["input"]["elements_kg"].items()},
                            to_facility=REFINERY,
                        )
                        bad = [o | {"mass_kg": o["mass_kg"] * 2} if o["fate"] == "intermediate" else o for o in bad]
                        try:  # refused before anything is written
                            lots.record_outputs(
                                uow,
                                actor,
                                uuid.UUID(lot["id"]),
                                {"processed_on": day.isoformat(), "outputs": bad},
                                at=at,
                            )
                        except MassBalanceError as exc:
                            lots.note_refusal(uow, actor, uuid.UUID(lot["id"]), [p.to_dict() for p in exc.problems])
                            counts["refused"] += 1
                        continue
                    where = {"to_facility": REFINERY} if route == "pretreatment" else {}
                    processed = _process(uow, actor, lot, route, day, at + timedelta(hours=2), **where)
                    counts["processed"] += 1
                    if route == "pretreatment":
                        black = next(o for o in processed["outputs"] if o["fate"] == "intermediate")
                        down = lots.create_lot(
                            uow,
                            actor,
                            ids[REFINERY],
                            {
                                "code": f"CMH-2026-L{number:03d}",
                                "route": "hydrometallurgy",
                                "source": {"lot_id": lot["id"], "output": black["name"]},
                            },
                            at=at,
                        )
                        refined = _process(
                            uow, actor, down, "hydrometallurgy", day + timedelta(days=2), at, facility=REFINERY
                        )
                        counts["graded"] += _grade(uow, actor, refined, day + timedelta(days=4), rng, number)
                        counts["lots"] += 1
                        counts["processed"] += 1
                    step(1)
        uow.commit()
    return counts
