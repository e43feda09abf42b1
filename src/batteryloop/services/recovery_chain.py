"""Recycling efficiency and material recovery of a first recycler's lot, followed through every facility.

The head lot is the one the packs entered (no source lot). Each of its intermediate outputs sent ``to_facility`` F
feeds one lot at F (``source``); that lot's outputs are what F made of the intermediate and count at F, and so on
down the chain (RS-A4). An intermediate whose downstream lot is missing or not processed yet counts for nothing and is
listed under ``pending``. The accounting itself is :mod:`batteryloop.domain.recovery`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from batteryloop.domain.access import Actor
from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.recovery import Lot, Recovery, check_lot, compute_recovery
from batteryloop.services.calc.recovery import recovery_as_dict
from batteryloop.services.lots import domain_input, domain_output, readable_lot
from batteryloop.storage.tables import FacilityRow, LotRow
from batteryloop.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Chain:
    """A head lot's accounting: the checked domain lot, its result, the lots followed and what is pending."""

    head: LotRow
    lot: Lot
    result: Recovery
    lots: tuple[LotRow, ...]
    pending: tuple[str, ...]


def _facility_code(uow: UnitOfWork, lot: LotRow) -> str:
    facility = uow.session.get(FacilityRow, lot.facility_id)
    return facility.code if facility else str(lot.facility_id)


def _outputs(uow: UnitOfWork, head: LotRow) -> tuple[list[dict[str, Any]], list[LotRow], list[str]]:
    outputs: list[dict[str, Any]] = []
    followed: list[LotRow] = []
    pending: list[str] = []
    named: set[tuple[str, str]] = set()
    queue = [head]
    while queue:
        lot = queue.pop(0)
        followed.append(lot)
        code = _facility_code(uow, lot)
        for o in lot.outputs or []:
            out = domain_output(o, code)
            if (code, out["name"]) in named:  # two lots at one facility: their outputs keep apart
                out["name"] = f"{out['name']} (lot {lot.code})"
            named.add((code, out["name"]))
            outputs.append(out)
            if o.get("fate") != "intermediate" or not o.get("to_facility"):
                continue
            fed = uow.session.scalar(
                select(LotRow).where(LotRow.source_lot_id == lot.id, LotRow.source_output == o["name"])
            )
            if fed is None or fed.status != "processed":
                state = "no lot yet" if fed is None else f"lot {fed.code} not processed yet"
                pending.append(f"{o['name']} of lot {lot.code} at {o['to_facility']}: {state}")
            else:
                queue.append(fed)
    return outputs, followed, pending


def head_lot(uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID) -> LotRow:
    """The head of the chain ``lot_id`` belongs to (itself when the packs entered it)."""
    return head_of(uow, actor, readable_lot(uow, actor, lot_id))


def head_of(uow: UnitOfWork, actor: Actor, lot: LotRow) -> LotRow:
    """The head of the chain of a lot the caller may read."""
    seen = {lot.id}
    while lot.source_lot_id is not None:
        lot = readable_lot(uow, actor, lot.source_lot_id)
        if lot.id in seen:  # pragma: no cover - a lot is created after its source
            raise InvalidInputError("the lots' sources loop", field="lot_id")
        seen.add(lot.id)
    return lot


def account(uow: UnitOfWork, head: LotRow, options: dict[str, Any] | None = None) -> Chain:
    """The accounting of a processed head lot through its chain (raises the domain's errors for broken data)."""
    if head.status != "processed" or head.processed_on is None:
        raise InvalidInputError(f"lot {head.code} is not processed yet: record its outputs first", field="lot_id")
    outputs, followed, pending = _outputs(uow, head)
    raw = {
        "battery_group": head.battery_group,
        "period_end": date(head.processed_on.year, 12, 31).isoformat(),
        "input": domain_input(head),
        "outputs": outputs,
        "options": options or {},
    }
    lot = check_lot(raw)
    return Chain(head, lot, compute_recovery(lot), tuple(followed), tuple(pending))


def chain_view(uow: UnitOfWork, chain: Chain) -> dict[str, Any]:
    """The calculator's output for an accounted chain, with the lots followed and what is pending."""
    return {
        "lot": {"id": str(chain.head.id), "code": chain.head.code},
        "chain": [
            {"id": str(x.id), "code": x.code, "facility": _facility_code(uow, x), "route": x.route} for x in chain.lots
        ],
        "pending": list(chain.pending),
    } | recovery_as_dict(chain.lot, chain.result)


def chain_recovery(
    uow: UnitOfWork, actor: Actor, lot_id: uuid.UUID, options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The calculator's output for the chain of ``lot_id``, with the lots followed and what is pending."""
    return chain_view(uow, account(uow, head_lot(uow, actor, lot_id), options))
