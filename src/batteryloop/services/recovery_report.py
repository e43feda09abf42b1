"""The annual recycling-efficiency and material-recovery report of a first recycler (RS-A1), as data, CSV and PDF.

Structure after Delegated Regulation (EU) 2025/606 (regulation-rules.md §2.2: the recycler reports Annex sections 2,
3 and 4 every year, broken down by the Member State where the waste batteries were collected):

- section 1: the recycler and the period;
- section 2: recycling efficiency per battery group -- input mass, the output fractions counted (by facility of the
  chain), the rate "by average weight" (sum counted / sum input over the year's lots) and the dated targets;
- section 3: material recovery of Co, Cu, Pb, Li, Ni per battery group, with the targets;
- section 4: input mass per Member State of collection.

A lot counts in the year its head lot was processed. Lots whose chain cannot be accounted (broken data) are listed
with the reason and left out; intermediates awaiting a downstream lot are listed as pending.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import extract, select

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import NotFoundError
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.recovery import RECOVERY_ELEMENTS, get_targets
from batteryloop.domain.transport import ClassificationInputError
from batteryloop.services.recovery_chain import account
from batteryloop.storage.access import may_read_owner
from batteryloop.storage.tables import LotRow, OrganizationRow
from batteryloop.storage.uow import UnitOfWork

ZERO = Decimal(0)


def _pct(rate: Decimal | None) -> str:
    return "n/a" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %"


def _kg(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), "f")


def annual_report(uow: UnitOfWork, actor: Actor, recycler_org_id: uuid.UUID, year: int) -> dict[str, Any]:
    """The report of ``recycler_org_id`` for calendar ``year`` (the recycler, or readers of its lots)."""
    org = uow.session.get(OrganizationRow, recycler_org_id)
    if org is None or not may_read_owner(uow.connection, actor, recycler_org_id, DataCategory.LOTS):
        raise NotFoundError(f"no recycler {recycler_org_id} whose lots you may read", field="recycler_org_id")
    heads = uow.session.scalars(
        select(LotRow)
        .where(LotRow.first_recycler_org_id == recycler_org_id, LotRow.source_lot_id.is_(None))
        .where(LotRow.status == "processed", extract("year", LotRow.processed_on) == year)
        .order_by(LotRow.processed_on, LotRow.code)
    ).all()
    groups: dict[str, dict[str, Any]] = {}
    excluded, pending = [], []
    period_end = date(year, 12, 31)
    for head in heads:
        try:
            chain = account(uow, head)
        except ClassificationInputError as exc:
            excluded.append({"lot": head.code, "reasons": [f"{p.field}: {p.reason}" for p in exc.problems]})
            continue
        pending += [f"lot {head.code}: {p}" for p in chain.pending]
        g = groups.setdefault(
            head.battery_group,
            {
                "lots": [],
                "input_kg": ZERO,
                "counted_kg": ZERO,
                "fractions": {},
                "member_states": {},
                "element_input_kg": dict.fromkeys(RECOVERY_ELEMENTS, ZERO),
                "element_counted_kg": dict.fromkeys(RECOVERY_ELEMENTS, ZERO),
            },
        )
        r = chain.result
        g["lots"].append(head.code)
        g["input_kg"] += r.input_kg
        g["counted_kg"] += r.counted_kg
        for x in RECOVERY_ELEMENTS:
            g["element_input_kg"][x] += r.element_input_kg[x]
            g["element_counted_kg"][x] += r.element_counted_kg[x]
        for o in chain.lot.outputs:
            key = (o.facility, o.name, o.fate, o.rd_code or "")
            g["fractions"][key] = g["fractions"].get(key, ZERO) + o.derived_kg
        for state, kg in (head.input.get("member_states") or {}).items():
            g["member_states"][state] = g["member_states"].get(state, ZERO) + Decimal(str(kg))
    counting = get_targets().counting_fates
    out_groups = []
    for name in sorted(groups):
        g = groups[name]
        efficiency = g["counted_kg"] / g["input_kg"] if g["input_kg"] else None
        recovery = {
            x: (g["element_counted_kg"][x] / g["element_input_kg"][x] if g["element_input_kg"][x] else None)
            for x in RECOVERY_ELEMENTS
        }
        targets = []
        for t in get_targets().for_group(name):
            rate = efficiency if t.element is None else recovery[t.element]
            targets.append(
                {
                    "metric": t.metric,
                    "element": t.element,
                    "target": str(t.target),
                    "deadline": t.deadline.isoformat(),
                    "applies": t.applies(period_end, "period_end_on_or_after_deadline"),
                    "met": None if rate is None else rate >= t.target,
                }
            )
        out_groups.append(
            {
                "battery_group": name,
                "lots": g["lots"],
                "input_kg": _kg(g["input_kg"]),
                "counted_kg": _kg(g["counted_kg"]),
                "recycling_efficiency": None if efficiency is None else format(efficiency, "f"),
                "recycling_efficiency_display": _pct(efficiency),
                "material_recovery": {x: None if v is None else format(v, "f") for x, v in recovery.items()},
                "material_recovery_display": {x: _pct(v) for x, v in recovery.items()},
                "element_input_kg": {x: _kg(v) for x, v in g["element_input_kg"].items()},
                "element_counted_kg": {x: _kg(v) for x, v in g["element_counted_kg"].items()},
                "targets": targets,
                "output_fractions": [
                    {
                        "facility": f or None,
                        "name": n,
                        "fate": fate,
                        "rd_code": code or None,
                        "mass_kg": _kg(kg),
                        "counts": fate in counting,
                    }
                    for (f, n, fate, code), kg in sorted(g["fractions"].items())
                ],
                "member_states": {k: _kg(v) for k, v in sorted(g["member_states"].items())},
            }
        )
    return {
        "recycler": {"id": str(recycler_org_id), "name": org.name},
        "year": year,
        "period_end": period_end.isoformat(),
        "method": "Delegated Regulation (EU) 2025/606; batteryloop rule set RS-A with the default options",
        "groups": out_groups,
        "excluded": excluded,
        "pending": pending,
    }


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV: one row per figure, with its section, battery group, subject and value."""
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(["section", "battery_group", "subject", "value", "unit", "target", "deadline", "applies", "met"])
    w.writerow(["1", "", "recycler", report["recycler"]["name"], "", "", "", "", ""])
    w.writerow(["1", "", "period_end", report["period_end"], "", "", "", "", ""])
    for g in report["groups"]:
        name = g["battery_group"]
        w.writerow(["2", name, "input", g["input_kg"], "kg", "", "", "", ""])
        for f in g["output_fractions"]:
            code = f", {f['rd_code']}" if f["rd_code"] else ""
            subject = f"output {f['name']} at {f['facility'] or 'first recycler'} ({f['fate']}{code})"
            w.writerow(
                ["2", name, subject, f["mass_kg"], "kg", "", "", "", "counted" if f["counts"] else "not counted"]
            )
        w.writerow(["2", name, "counted output", g["counted_kg"], "kg", "", "", "", ""])
        for t in g["targets"]:
            subject = "recycling efficiency" if t["element"] is None else f"recovery {t['element']}"
            value = g["recycling_efficiency"] if t["element"] is None else g["material_recovery"][t["element"]]
            section = "2" if t["element"] is None else "3"
            w.writerow(
                [
                    section,
                    name,
                    subject,
                    value if value is not None else "n/a",
                    "fraction",
                    t["target"],
                    t["deadline"],
                    t["applies"],
                    "" if t["met"] is None else t["met"],
                ]
            )
        for state, kg in g["member_states"].items():
            w.writerow(["4", name, f"input collected in {state}", kg, "kg", "", "", "", ""])
    for e in report["excluded"]:
        w.writerow(["note", "", f"lot {e['lot']} left out", "; ".join(e["reasons"]), "", "", "", "", ""])
    for p in report["pending"]:
        w.writerow(["note", "", "pending", p, "", "", "", "", ""])
    return buffer.getvalue()
