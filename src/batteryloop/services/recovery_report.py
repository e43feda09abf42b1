"""The annual recycling-efficiency and material-recovery report of a first recycler (RS-A1), as data, CSV and PDF.

Structure after Delegated Regulation (EU) 2025/606 (regulation-rules.md §2.2: the recycler reports Annex sections 2,
3 and 4 every year, broken down by the Member State where the waste batteries were collected):

- section 1: the recycler and the period;
- section 2: recycling efficiency per battery group -- input mass, the output fractions counted (by facility of the
  chain), the rate "by average weight" (sum counted / sum input over the year's lots) and the dated targets;
- section 3: material recovery of Co, Cu, Pb, Li, Ni per battery group, with the targets;
- section 4: input mass per Member State of collection, and the counted output shared out pro rata by the mass each
  Member State brought into each chain (a platform convention [U]: the reference gives no allocation rule).

A lot counts in the year its head lot was processed. Every lot's outputs passed the accounting when they were
recorded; the report sums the chains on the batched path (exact integer milligrams, :mod:`batteryloop.domain.recovery.
batch`) with the default options, and a chain whose counted outputs exceed its input is listed with the reason and
left out. Intermediates awaiting a downstream lot are listed as pending.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Text, extract, select, type_coerce

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import NotFoundError
from batteryloop.domain.organization import DataCategory
from batteryloop.domain.recovery import RECOVERY_ELEMENTS, get_targets
from batteryloop.domain.recovery.batch import LotBatch, recovery_many
from batteryloop.domain.recovery.compute import check_targets
from batteryloop.services.lot_ledger import MG, ledger_of, mg
from batteryloop.storage.access import may_read_owner
from batteryloop.storage.tables import FacilityRow, LotRow, OrganizationRow
from batteryloop.storage.uow import UnitOfWork

ZERO = Decimal(0)


def _pct(rate: Decimal | None) -> str:
    return "n/a" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %"


def _kg(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), "f")


_LOT_COLUMNS = (
    LotRow.id,
    LotRow.code,
    LotRow.facility_id,
    LotRow.battery_group,
    type_coerce(LotRow.input, Text).label("input"),
    type_coerce(LotRow.ledger, Text).label("ledger"),
    LotRow.source_lot_id,
    LotRow.source_output,
)  # the JSON documents as stored, decoded with orjson (a report reads many: json.loads was the hot spot)


def _doc(value: Any) -> Any:
    """A JSON document read as text (SQLite) or already decoded by the driver (PostgreSQL)."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _kg_of(milligrams: int) -> Decimal:
    return Decimal(milligrams) / MG


@dataclass(frozen=True, slots=True)
class _Gathered:
    """The year's head lots, their chains as the batched path's arrays, fraction totals per chain, pending notes."""

    heads: list[Any]
    member_states: list[dict[str, int]]  # each head lot's input mass [mg] per Member State of collection
    batch: LotBatch
    fractions: list[dict[tuple[str, str, str, str], int]]
    pending: list[str]


def _gather(uow: UnitOfWork, recycler_org_id: uuid.UUID, heads: Sequence[Any]) -> _Gathered:
    """Follow each head lot down its chain (two queries for all lots) into arrays, from the lots' ledgers (default
    options: water and pack periphery stay in the input); intermediates whose downstream lot is not processed are
    listed as pending. Each lot becomes two outputs of its chain: what counts, and the rest of its final mass."""
    downstream = select(*_LOT_COLUMNS).where(
        LotRow.first_recycler_org_id == recycler_org_id, LotRow.source_lot_id.is_not(None), LotRow.status == "processed"
    )
    fed = {(lot.source_lot_id, lot.source_output or ""): lot for lot in uow.session.execute(downstream)}
    codes = {row.id: row.code for row in uow.session.execute(select(FacilityRow.id, FacilityRow.code))}
    n = len(heads)
    width = len(RECOVERY_ELEMENTS)
    input_mg = np.zeros(n, dtype=np.int64)
    elements_mg = np.zeros((n, width), dtype=np.int64)
    sums = np.zeros((n, 2), dtype=np.int64)  # counted and final mass
    el_counted = np.zeros((n, width), dtype=np.int64)
    el_final = np.zeros((n, width), dtype=np.int64)
    fractions: list[dict[tuple[str, str, str, str], int]] = []
    pending: list[str] = []
    member_states: list[dict[str, int]] = []
    for i, head in enumerate(heads):
        head_input = _doc(head.input)
        member_states.append({state: mg(kg) for state, kg in (head_input.get("member_states") or {}).items()})
        input_mg[i] = mg(head_input["mass_kg"])
        given = head_input["elements_kg"]
        elements_mg[i] = [mg(given[x]) if x in given else 0 for x in RECOVERY_ELEMENTS]
        chain_fractions: dict[tuple[str, str, str, str], int] = {}
        queue = [head]
        while queue:
            lot = queue.pop()
            ledger = _doc(lot.ledger) or ledger_of(
                uow.session.scalar(select(LotRow.outputs).where(LotRow.id == lot.id)) or []
            )
            sums[i, 0] += ledger["counted_mg"]
            sums[i, 1] += ledger["final_mg"]
            el_counted[i] += ledger["el_counted"]
            el_final[i] += ledger["el_final"]
            code = codes.get(lot.facility_id, "?")
            for name, fate, rd_code, amount in ledger["fractions"]:
                key = (code, name, fate, rd_code)
                chain_fractions[key] = chain_fractions.get(key, 0) + amount
            for name in ledger["next"]:
                child = fed.get((lot.id, name))
                if child is None:
                    pending.append(f"lot {head.code}: {name} of lot {lot.code} not processed downstream yet")
                else:
                    queue.append(child)
        fractions.append(chain_fractions)
    rows = np.arange(n, dtype=np.intp)
    batch = LotBatch(
        input_mg=input_mg,
        elements_mg=elements_mg,
        out_lot=np.concatenate([rows, rows]),
        out_mg=np.concatenate([sums[:, 0], sums[:, 1] - sums[:, 0]]),
        out_counts=np.concatenate([np.ones(n, dtype=bool), np.zeros(n, dtype=bool)]),
        out_elements_mg=np.concatenate([el_counted, el_final - el_counted]),
        out_recovers=np.ones((2 * n, width), dtype=bool),
    )
    return _Gathered(list(heads), member_states, batch, fractions, pending)


def annual_report(uow: UnitOfWork, actor: Actor, recycler_org_id: uuid.UUID, year: int) -> dict[str, Any]:
    """The report of ``recycler_org_id`` for calendar ``year`` (the recycler, or readers of its lots)."""
    org = uow.session.get(OrganizationRow, recycler_org_id)
    if org is None or not may_read_owner(uow.connection, actor, recycler_org_id, DataCategory.LOTS):
        raise NotFoundError(f"no recycler {recycler_org_id} whose lots you may read", field="recycler_org_id")
    heads = uow.session.execute(
        select(*_LOT_COLUMNS)
        .where(LotRow.first_recycler_org_id == recycler_org_id, LotRow.source_lot_id.is_(None))
        .where(LotRow.status == "processed", extract("year", LotRow.processed_on) == year)
        .order_by(LotRow.processed_on, LotRow.code)
    ).all()
    got = _gather(uow, recycler_org_id, heads)
    batch, result = got.batch, recovery_many(got.batch, balance=False)  # balances checked when recorded
    period_end = date(year, 12, 31)
    excluded = [
        {
            "lot": head.code,
            "reasons": [
                "what the chain counts exceeds its input, overall or of an element (see /v1/lots/{id}/recovery)"
            ],
        }
        for head, refused in zip(heads, result.refused.tolist(), strict=True)
        if refused
    ]
    names = sorted({head.battery_group for head in heads})
    group_of = np.array([names.index(head.battery_group) for head in heads], dtype=np.intp)
    groups: dict[str, dict[str, Any]] = {}
    for k, name in enumerate(names):
        mask = ~result.refused & (group_of == k)
        if not mask.any():
            continue
        fractions: dict[tuple[str, str, str, str], int] = {}
        for chain_fractions in (f for f, keep in zip(got.fractions, mask.tolist(), strict=True) if keep):
            for key, amount in chain_fractions.items():
                fractions[key] = fractions.get(key, 0) + amount
        states: dict[str, int] = {}
        counted_by_state: dict[str, Decimal] = {}
        for i in np.flatnonzero(mask).tolist():
            shares = got.member_states[i]
            whole = sum(shares.values())
            for state, amount in shares.items():
                states[state] = states.get(state, 0) + amount
                # what the chain counted, shared out by the mass each Member State brought in [U]
                part = Decimal(int(result.counted_mg[i])) * amount / whole if whole else Decimal(0)
                counted_by_state[state] = counted_by_state.get(state, Decimal(0)) + part
        groups[name] = {
            "lots": [h.code for h, keep in zip(heads, mask.tolist(), strict=True) if keep],
            "input_kg": _kg_of(int(batch.input_mg[mask].sum())),
            "counted_kg": _kg_of(int(result.counted_mg[mask].sum())),
            "element_input_kg": {
                x: _kg_of(int(batch.elements_mg[mask, c].sum())) for c, x in enumerate(RECOVERY_ELEMENTS)
            },
            "element_counted_kg": {
                x: _kg_of(int(result.element_counted_mg[mask, c].sum())) for c, x in enumerate(RECOVERY_ELEMENTS)
            },
            "fractions": {key: _kg_of(v) for key, v in fractions.items()},
            "member_states": {state: _kg_of(v) for state, v in states.items()},
            "counted_by_state": {state: v / MG for state, v in counted_by_state.items()},
        }
    pending = got.pending
    counting = get_targets().counting_fates
    out_groups = []
    for name in sorted(groups):
        g = groups[name]
        efficiency = g["counted_kg"] / g["input_kg"] if g["input_kg"] else None
        recovery = {
            x: (g["element_counted_kg"][x] / g["element_input_kg"][x] if g["element_input_kg"][x] else None)
            for x in RECOVERY_ELEMENTS
        }
        targets = [
            {
                "metric": t.metric,
                "element": t.element,
                "target": str(t.target),
                "deadline": t.deadline.isoformat(),
                "applies": t.applies,
                "met": t.met,
            }
            for t in check_targets(name, period_end, "period_end_on_or_after_deadline", efficiency, recovery)
        ]
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
                "by_member_state": {
                    k: {
                        "input_kg": _kg(v),
                        "counted_kg": _kg(g["counted_by_state"].get(k, ZERO)),
                        "recycling_efficiency_display": _pct(g["counted_by_state"].get(k, ZERO) / v if v else None),
                    }
                    for k, v in sorted(g["member_states"].items())
                },
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
            part = g["by_member_state"][state]
            w.writerow(
                [
                    "4",
                    name,
                    f"counted output of input collected in {state} (pro rata)",
                    part["counted_kg"],
                    "kg",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    for e in report["excluded"]:
        w.writerow(["note", "", f"lot {e['lot']} left out", "; ".join(e["reasons"]), "", "", "", "", ""])
    for p in report["pending"]:
        w.writerow(["note", "", "pending", p, "", "", "", "", ""])
    return buffer.getvalue()
