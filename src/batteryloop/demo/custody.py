"""The demo's chain of custody: end-of-life packs collected, shipped to the recyclers and received, all in the log.

For the first ``packs`` end-of-life packs (passport status ``waste``): the automaker records the pack registered
and retired; Rheinland Dismantling collects it at its yard and measures its condition; packs travel to the recycler
responsible for them in shipments of up to four (UN 3480 under SP 377, each pack in an LP903 crate), carried by
SafeCell Logistics, weighed at dispatch and at receipt. Scales disagree by a few hundred grams (normal noise,
sd 0.5 kg at dispatch and 0.8 kg at receipt); about one shipment in ten arrives 12-40 kg light (a discrepancy,
flagged to both partners). One pack is critically damaged (a collision): it travels alone in a P911 package under
SP 376. The state of health measured at the yard is the passport's last reading less 0-1.5 points of further
ageing. Received packs are stored, and the recycler's lab assays a black-mass sample of each to sort it by chemistry
(a ``sorted`` event with the identified chemistry): three packs turn out mislabelled -- their cathode is not the
chemistry their passport declares -- and are flagged in the triage queue. Everything is seeded, so the demo is the
same every time.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from batteryloop.demo.assays import black_mass_assay
from batteryloop.demo.passports import MODELS
from batteryloop.domain.access import Actor
from batteryloop.domain.organization import MemberRole, OrganizationKind
from batteryloop.domain.passport.primitives import format_datetime
from batteryloop.services import custody, identification, shipments
from batteryloop.storage.tables import BatteryModelRow, PassportReadingRow, PassportRow
from batteryloop.storage.uow import Store, UnitOfWork

DISMANTLER = "Rheinland Dismantling"
CARRIER = "SafeCell Logistics"
YARD = "DE-DUI-DISMANTLER-YARD"
SITES = {"CircuMet Recycling": "DE-BRE-CIRCUMET-1", "Pyrolux Metals": "BE-HOB-PYROLUX-1"}
OEM_SITES = {
    "Voltavia Motors": "DE-WOB-VM-SERVICE",
    "Nordkap Automotive": "SE-GOT-NK-SERVICE",
    "Iberia Electric Vehicles": "ES-BCN-IB-SERVICE",
}
CRATE_KG = 38.0  # an LP903 steel crate for one EV pack
#: declared chemistry -> the cathode actually inside, for the first pack of each declared chemistry (mislabelled)
MISLABELLED = {"NMC811": "NMC622", "LFP": "NMC532", "NMC622": "NMC811"}
SOH = "state_of_certified_energy_share"


def _passport_soh(uow: UnitOfWork, passport_ids: list[str]) -> dict[str, float]:
    """The newest state of certified energy each passport holds."""
    rows = uow.session.execute(
        select(PassportRow.passport_id, PassportReadingRow.value)
        .join(PassportReadingRow, PassportReadingRow.passport_pk == PassportRow.id)
        .where(PassportRow.passport_id.in_(passport_ids), PassportReadingRow.attribute == SOH)
        .order_by(PassportReadingRow.recorded_at)
    )
    return {str(pid): float(value) for pid, value in rows if isinstance(value, int | float)}


FIRE_BOX_KG = 210.0  # a P911 package for one critically damaged pack
PER_SHIPMENT = 4
DISCREPANCY_SHARE = 0.1


def build_demo_custody(
    store: Store,
    *,
    organization_ids: dict[str, uuid.UUID],
    seed: int,
    as_of: datetime,
    packs: int = 120,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Record the custody of up to ``packs`` end-of-life packs; returns counts of events and shipments."""
    rng = random.Random(seed * 104729 + 3)
    step = progress or (lambda _n: None)
    names = {org_id: name for name, org_id in organization_ids.items()}
    models = {m.code: m for m in MODELS}

    def actor(name: str, kind: OrganizationKind) -> Actor:
        return Actor(org_id=organization_ids[name], org_kind=kind, role=MemberRole.OPERATOR)

    counts = {
        "packs": 0,
        "events": 0,
        "shipments": 0,
        "discrepancies": 0,
        "mislabelled": 0,
    }  # events: the log's size at the end
    with store.uow() as uow:
        waste = uow.session.execute(
            select(PassportRow.passport_id, PassportRow.owner_org_id, BatteryModelRow.code)
            .join(BatteryModelRow, BatteryModelRow.id == PassportRow.model_id)
            .where(PassportRow.status == "waste")
            .order_by(PassportRow.passport_id)
        ).all()
        per_model: dict[str, list[Any]] = {}
        for row in waste:
            per_model.setdefault(row[2], []).append(row)
        # every model's packs, taken in turn, so the chain holds all automakers and chemistries
        in_turn = [row for turn in itertools.zip_longest(*per_model.values()) for row in turn if row is not None]
        rows = sorted(in_turn[:packs], key=lambda row: row[0])
        if not rows:
            return counts
        by_oem: dict[str, list[str]] = {}
        for pid, _owner, code in rows:
            by_oem.setdefault(models[code].oem, []).append(pid)
        start = as_of - timedelta(days=75)
        for oem, pids in by_oem.items():
            events: list[dict[str, Any]] = []
            for pid in pids:
                retired = start + timedelta(days=rng.randint(0, 10), hours=rng.randint(8, 16))
                events.append(
                    {
                        "kind": "registered",
                        "items": [pid],
                        "occurred_at": format_datetime(retired - timedelta(days=1500)),
                        "site": OEM_SITES[oem],
                    }
                )
                events.append(
                    {
                        "kind": "retired",
                        "items": [pid],
                        "occurred_at": format_datetime(retired),
                        "site": OEM_SITES[oem],
                        "details": {"route": "recycle"},
                    }
                )
            custody.record_events(uow, actor(oem, OrganizationKind.OEM), events)
        damaged = rows[0][0]
        dismantler = actor(DISMANTLER, OrganizationKind.DISMANTLER)
        in_passport = _passport_soh(uow, [pid for pid, _o, _c in rows])
        actual: dict[str, str] = {}  # the cathode inside each pack: its model's, unless mislabelled
        swapped: set[str] = set()
        for pid, _owner, code in rows:
            declared = models[code].chemistry
            actual[pid] = declared
            if pid != damaged and declared in MISLABELLED and declared not in swapped:
                actual[pid] = MISLABELLED[declared]
                swapped.add(declared)
        events = []
        for pid, _owner, _code in rows:
            at = start + timedelta(days=rng.randint(12, 20), hours=rng.randint(7, 15))
            condition = "critically_damaged" if pid == damaged else "intact"
            soh = round(max(0.05, in_passport.get(pid, 0.7) - rng.uniform(0.0, 0.015)), 3)
            events.append({"kind": "collected", "items": [pid], "occurred_at": format_datetime(at), "site": YARD})
            events.append(
                {
                    "kind": "condition_measured",
                    "items": [pid],
                    "occurred_at": format_datetime(at + timedelta(hours=2)),
                    "site": YARD,
                    "details": {"state_of_health": soh, "condition": condition, "method": "BMS-readout"},
                }
            )
        custody.record_events(uow, dismantler, events)
        step(len(rows))

        by_recycler: dict[str, list[tuple[str, str]]] = {}
        for pid, owner, code in rows:
            recycler = names.get(owner, "CircuMet Recycling")
            by_recycler.setdefault(recycler if recycler in SITES else "CircuMet Recycling", []).append((pid, code))
        number = 0
        for recycler, items in sorted(by_recycler.items()):
            groups = [[item] for item in items if item[0] == damaged]
            rest = [item for item in items if item[0] != damaged]
            groups += [rest[i : i + PER_SHIPMENT] for i in range(0, len(rest), PER_SHIPMENT)]
            for group in groups:
                number += 1
                planned = start + timedelta(days=24 + number // 3)
                lines: list[dict[str, Any]] = []
                for pid, code in group:
                    model = models[code]
                    critical = pid == damaged
                    lines.append(
                        {
                            "passport_id": pid,
                            "chemistry": "lithium_ion",
                            "condition": "critically_damaged" if critical else "intact",
                            "energy_wh": model.energy_kwh * 1000,
                            "cell_energy_wh": 250.0,
                            "gross_mass_kg": model.pack_mass_kg + (FIRE_BOX_KG if critical else CRATE_KG),
                            "packaging": "P911" if critical else "LP903",
                        }
                    )
                declared = round(sum(line["gross_mass_kg"] for line in lines), 1)
                plan = {
                    "code": f"RD-2026-{number:04d}",
                    "from_site": YARD,
                    "to_site": SITES[recycler],
                    "to_org_id": str(organization_ids[recycler]),
                    "carrier_org_id": str(organization_ids[CARRIER]),
                    "planned_date": planned.date().isoformat(),
                    "declared_gross_kg": declared,
                    "items": lines,
                }
                shipment = shipments.plan_shipment(uow, dismantler, plan)
                sent_kg = round(declared + rng.gauss(0, 0.5), 1)
                sent_at = planned + timedelta(hours=7)
                shipments.dispatch(
                    uow,
                    dismantler,
                    uuid.UUID(shipment["id"]),
                    {"gross_kg": sent_kg, "occurred_at": format_datetime(sent_at), "scale_id": "RD-SCALE-1"},
                )
                light = rng.random() < DISCREPANCY_SHARE
                got_kg = round(sent_kg + rng.gauss(0, 0.8) - (rng.uniform(12, 40) if light else 0), 1)
                receiver = actor(recycler, OrganizationKind.RECYCLER)
                got_at = sent_at + timedelta(hours=rng.randint(5, 30))
                received = shipments.receive(
                    uow,
                    receiver,
                    uuid.UUID(shipment["id"]),
                    {
                        "gross_kg": got_kg,
                        "occurred_at": format_datetime(got_at),
                        "scale_id": f"{SITES[recycler]}-SCALE",
                    },
                )
                stored = {
                    "kind": "stored",
                    "items": [pid for pid, _ in group],
                    "occurred_at": format_datetime(got_at + timedelta(hours=1)),
                    "site": SITES[recycler],
                    "details": {"location": "BAY-" + str(1 + number % 6)},
                }
                custody.record_events(uow, receiver, [stored])
                for pid, _code in group:
                    if pid == damaged:
                        continue  # a critically damaged pack is not opened for a sample
                    sample = {
                        "elements_wt_pct": black_mass_assay(actual[pid], rng),
                        "record_at_site": SITES[recycler],
                        "occurred_at": format_datetime(got_at + timedelta(hours=3)),
                    }
                    found = identification.identify_pack(uow, receiver, pid, sample)
                    counts["mislabelled"] += found["mismatch"] is not None
                counts["shipments"] += 1
                counts["discrepancies"] += received["status"] == "discrepancy"
        counts["packs"] = len(rows)
        counts["events"] = uow.log.size()
        uow.commit()
    return counts
