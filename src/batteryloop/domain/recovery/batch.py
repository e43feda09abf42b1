"""The batched path of the recovery accounting: many single-facility lots at once, exactly, in integer milligrams.

Masses are int64 milligrams (exact, like the Decimal path for masses given to the milligram); rates are the
rationals ``counted / input`` and are compared with the targets in integers (``counted * 10^4 >= target_bp *
input``), so a rate exactly on a target meets it. Lots whose outputs exceed the input beyond the tolerance, or whose
counted mass (overall or of an element) exceeds the input, are flagged ``refused`` and left out of reports.

:func:`annual_report` aggregates lots per first recycler x calendar year x battery group (RS-A1) -- "by average
weight": the efficiency of a group is the sum of counted mass over the sum of input mass -- with the input broken
down by Member State of collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from batteryloop.domain.recovery.targets import RECOVERY_ELEMENTS

I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]
BASIS = 10_000  # targets in basis points of a fraction


@dataclass(frozen=True, slots=True, kw_only=True)
class LotBatch:
    """``n`` lots and ``m`` outputs; element columns follow :data:`RECOVERY_ELEMENTS` (Co, Cu, Pb, Li, Ni)."""

    input_mg: I64  # (n,) the efficiency's denominator (after the options were applied)
    elements_mg: I64  # (n, 5)
    out_lot: npt.NDArray[np.intp]  # (m,) index of each output's lot
    out_mg: I64  # (m,) input-derived mass
    out_counts: BOOL  # (m,) the output's fate counts for recycling
    out_elements_mg: I64  # (m, 5)
    out_recovers: BOOL  # (m, 5) the output recovers the element (recovered_elements, else all it carries)
    #: (m,) the output is an intermediate passed on down the chain (its products are listed too): left out of the
    #: balance, which then compares the chain's final outputs with its input
    out_intermediate: BOOL | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    """Per lot: counted and total output mass, counted element mass, and whether the lot is refused."""

    counted_mg: I64  # (n,)
    outputs_mg: I64  # (n,)
    element_counted_mg: I64  # (n, 5)
    refused: BOOL  # (n,)

    def efficiency(self, batch: LotBatch) -> npt.NDArray[np.float64]:
        """The recycling efficiency of each lot as a float, for display (compare with :meth:`meets`)."""
        return self.counted_mg / batch.input_mg

    def meets(self, batch: LotBatch, target: Decimal, element: str | None = None) -> BOOL:
        """Exactly whether each lot's rate is at or above ``target`` (False where the element is absent)."""
        bp = int(target * BASIS)
        if element is None:
            return self.counted_mg * BASIS >= bp * batch.input_mg
        col = RECOVERY_ELEMENTS.index(element)
        present = batch.elements_mg[:, col] > 0
        return present & (self.element_counted_mg[:, col] * BASIS >= bp * batch.elements_mg[:, col])


def _per_lot(out_lot: npt.NDArray[np.intp], values: I64, n: int) -> I64:
    """Column sums of ``values`` (m, k) per lot (bincount per column: exact below 2^53 mg, far faster than add.at)."""
    return np.stack(
        [np.rint(np.bincount(out_lot, weights=values[:, c], minlength=n)) for c in range(values.shape[1])], axis=1
    ).astype(np.int64)


def recovery_many(batch: LotBatch, *, tolerance_ppm: int = 5_000, balance: bool = True) -> BatchResult:
    """Counted mass, element recovery and mass-balance refusals of every lot of ``batch``.

    ``balance=False`` leaves out the balance of all outputs (mass and elements, within the tolerance) and the check
    of each counted output's element content, for lots whose facilities' balances were checked when their outputs
    were recorded (the annual report over stored chains): what is counted is still held to the input.
    """
    n = batch.input_mg.shape[0]
    counted = np.bincount(batch.out_lot, weights=np.where(batch.out_counts, batch.out_mg, 0), minlength=n)
    recovering = np.where(batch.out_recovers & batch.out_counts[:, None], batch.out_elements_mg, 0)
    element_counted = _per_lot(batch.out_lot, recovering, n)
    counted_mg = np.rint(counted).astype(np.int64)  # bincount sums in float64: exact below 2^53 mg (9e9 kg)
    final = np.ones(batch.out_mg.shape[0], dtype=bool) if batch.out_intermediate is None else ~batch.out_intermediate
    outputs_mg = np.rint(np.bincount(batch.out_lot, weights=np.where(final, batch.out_mg, 0), minlength=n)).astype(
        np.int64
    )
    element_out = _per_lot(batch.out_lot, np.where(final[:, None], batch.out_elements_mg, 0), n)
    present = batch.elements_mg > 0
    over_element = present & (element_out * 1_000_000 > batch.elements_mg * (1_000_000 + tolerance_ppm))
    # a counted output cannot hold more of the input's elements than its input-derived mass
    held = np.where(present[batch.out_lot], batch.out_elements_mg, 0).sum(axis=1)
    overfull = np.zeros(n, dtype=bool)
    overfull[batch.out_lot[batch.out_counts & (held > batch.out_mg)]] = True
    refused = (counted_mg > batch.input_mg) | np.any(element_counted > batch.elements_mg, axis=1)
    if balance:
        refused |= (
            (outputs_mg * 1_000_000 > batch.input_mg * (1_000_000 + tolerance_ppm))
            | np.any(over_element, axis=1)
            | overfull
        )
    return BatchResult(
        counted_mg=counted_mg, outputs_mg=outputs_mg, element_counted_mg=element_counted, refused=refused
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportRow:
    """One first recycler x year x battery group: sums over its accepted lots and the rates they give."""

    recycler: str
    year: int
    battery_group: str
    lots: int
    refused: int
    input_kg: Decimal
    counted_kg: Decimal
    recycling_efficiency: Decimal | None
    material_recovery: dict[str, Decimal | None]
    input_kg_by_member_state: dict[str, Decimal]


def _kg(mg: int) -> Decimal:
    return Decimal(mg) / 1_000_000


def annual_report(
    batch: LotBatch,
    result: BatchResult,
    *,
    recycler: npt.NDArray[np.intp],
    year: npt.NDArray[np.intp],
    group: npt.NDArray[np.intp],
    member_state: npt.NDArray[np.intp],
    names: dict[str, list[str]],
) -> list[ReportRow]:
    """Aggregate accepted lots per first recycler x year x battery group (codes index ``names``' lists)."""
    keys = np.stack([recycler, year, group], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    k = unique.shape[0]
    ok = ~result.refused
    lots = np.bincount(inverse, minlength=k)
    refused = np.bincount(inverse, weights=result.refused, minlength=k).astype(np.int64)
    sums_in = np.zeros(k, dtype=np.int64)
    sums_counted = np.zeros(k, dtype=np.int64)
    el_in = np.zeros((k, len(RECOVERY_ELEMENTS)), dtype=np.int64)
    el_out = np.zeros((k, len(RECOVERY_ELEMENTS)), dtype=np.int64)
    np.add.at(sums_in, inverse[ok], batch.input_mg[ok])
    np.add.at(sums_counted, inverse[ok], result.counted_mg[ok])
    np.add.at(el_in, inverse[ok], batch.elements_mg[ok])
    np.add.at(el_out, inverse[ok], result.element_counted_mg[ok])
    states = len(names["member_state"])
    by_state = np.zeros((k, states), dtype=np.int64)
    np.add.at(by_state, (inverse[ok], member_state[ok]), batch.input_mg[ok])
    rows = []
    for i in range(k):
        r, y, g = (int(v) for v in unique[i])
        total_in = int(sums_in[i])
        rows.append(
            ReportRow(
                recycler=names["recycler"][r],
                year=y,
                battery_group=names["battery_group"][g],
                lots=int(lots[i]),
                refused=int(refused[i]),
                input_kg=_kg(total_in),
                counted_kg=_kg(int(sums_counted[i])),
                recycling_efficiency=Decimal(int(sums_counted[i])) / total_in if total_in else None,
                material_recovery={
                    x: (Decimal(int(el_out[i, c])) / int(el_in[i, c]) if el_in[i, c] > 0 else None)
                    for c, x in enumerate(RECOVERY_ELEMENTS)
                },
                input_kg_by_member_state={
                    names["member_state"][s]: _kg(int(by_state[i, s])) for s in range(states) if by_state[i, s]
                },
            )
        )
    return rows
