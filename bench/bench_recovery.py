"""Recovery accounting: 100,000 lots of 10 outputs each through the batched path, and the annual report over them.

The lots are seeded: 1-2 t each, five elements, ten outputs with random fates (70 % recycled), about one lot in a
hundred breaking its mass balance. Measured: ``recovery_many`` (lots/s, peak memory of the call by tracemalloc),
the annual report per first recycler x year x battery group with the Member State breakdown (s), and the exact
Decimal path on a sample (lots/s) for scale. Baseline, same process: a raw numpy ``bincount`` of the output masses
per lot (the least any per-lot sum must do).

Environment: ``BENCH_RECOVERY_LOTS`` (default 100000), ``BENCH_RECOVERY_SCALAR`` (default 2000).
"""

from __future__ import annotations

import contextlib
import os
import time
import tracemalloc
from decimal import Decimal
from typing import Any

import numpy as np

N = int(os.environ.get("BENCH_RECOVERY_LOTS", "100000"))
SCALAR_N = int(os.environ.get("BENCH_RECOVERY_SCALAR", "2000"))
OUTPUTS = 10
TARGET_LOTS_PER_S = 20_000.0
TARGET_REPORT_S = 5.0


def make(n: int, seed: int = 5) -> tuple[Any, dict[str, Any]]:
    from batteryloop.domain.recovery.batch import LotBatch

    rng = np.random.default_rng(seed)
    input_mg = rng.integers(1_000, 2_000, size=n, dtype=np.int64) * 1_000_000
    elements = (input_mg[:, None] * rng.uniform(0.0, 0.1, size=(n, 5))).astype(np.int64)
    shares = rng.dirichlet(np.ones(OUTPUTS), size=n) * rng.uniform(0.8, 1.0, size=(n, 1))
    shares[rng.random(n) < 0.01] *= 1.2  # about 1 % of the lots break their mass balance
    out_mg = (input_mg[:, None] * shares).astype(np.int64).reshape(-1)
    out_el = (elements[:, None, :] * shares[:, :, None]).astype(np.int64).reshape(-1, 5)
    batch = LotBatch(
        input_mg=input_mg,
        elements_mg=elements,
        out_lot=np.repeat(np.arange(n, dtype=np.intp), OUTPUTS),
        out_mg=out_mg,
        out_counts=rng.random(n * OUTPUTS) < 0.7,
        out_elements_mg=out_el,
        out_recovers=rng.random((n * OUTPUTS, 5)) < 0.9,
    )
    keys = {
        "recycler": rng.integers(0, 2, size=n),
        "year": rng.integers(2025, 2032, size=n),
        "group": rng.integers(0, 4, size=n),
        "member_state": rng.integers(0, 6, size=n),
    }
    return batch, keys


def _best_of(repeats: int, fn: Any) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _scalar_lots(batch: Any, count: int) -> list[dict[str, Any]]:
    from batteryloop.domain.recovery import RECOVERY_ELEMENTS

    mg = Decimal(1_000_000)
    lots = []
    for i in range(count):
        outs = []
        for j in range(i * OUTPUTS, (i + 1) * OUTPUTS):
            els = {x: Decimal(int(v)) / mg for x, v in zip(RECOVERY_ELEMENTS, batch.out_elements_mg[j], strict=True)}
            fate = "recycled" if batch.out_counts[j] else "loss"
            outs.append(
                {"name": f"o{j}", "mass_kg": Decimal(int(batch.out_mg[j])) / mg, "fate": fate, "elements_kg": els}
            )
        ins = {x: Decimal(int(v)) / mg for x, v in zip(RECOVERY_ELEMENTS, batch.elements_mg[i], strict=True)}
        lot_in = {"mass_kg": Decimal(int(batch.input_mg[i])) / mg, "elements_kg": ins}
        lots.append({"battery_group": "lithium_based", "period_end": "2027-12-31", "input": lot_in, "outputs": outs})
    return lots


def run() -> list[dict[str, Any]]:
    from batteryloop.domain.recovery import MassBalanceError, calculate_recovery
    from batteryloop.domain.recovery.batch import annual_report, recovery_many

    batch, keys = make(N)
    recovery_many(batch)  # warm up
    ours = _best_of(3, lambda: recovery_many(batch))
    base = _best_of(3, lambda: np.bincount(batch.out_lot, weights=batch.out_mg, minlength=N))
    tracemalloc.start()
    result = recovery_many(batch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    names = {"recycler": ["CircuMet Recycling", "Pyrolux Metals"], "battery_group": ["lead_acid", "nickel_cadmium",
             "lithium_based", "other"], "member_state": ["DE", "FR", "BE", "NL", "ES", "SE"]}  # fmt: skip

    def report() -> None:
        annual_report(batch, result, recycler=keys["recycler"], year=keys["year"], group=keys["group"],
                      member_state=keys["member_state"], names=names)  # fmt: skip

    report_s = _best_of(3, report)
    sample = _scalar_lots(batch, SCALAR_N)
    start = time.perf_counter()
    for lot in sample:
        with contextlib.suppress(MassBalanceError):
            calculate_recovery(lot)
    scalar_rate = SCALAR_N / (time.perf_counter() - start)
    params = {"lots": N, "outputs_per_lot": OUTPUTS, "refused": int(result.refused.sum())}
    return [
        {"name": "recovery_many", "value": N / ours, "unit": "lots/s", "baseline_value": N / base,
         "ratio": base / ours, "params": params | {"baseline": "np.bincount of output masses per lot",
                                                  "peak_mib": round(peak / 2**20, 1)}},
        {"name": "recovery_annual_report", "value": report_s, "unit": "s", "baseline_value": ours,
         "ratio": report_s / ours, "params": params | {"baseline": "recovery_many time (s)", "groups": "2 x 7 x 4"}},
        {"name": "recovery_scalar_decimal", "value": scalar_rate, "unit": "lots/s", "baseline_value": N / ours,
         "ratio": scalar_rate / (N / ours), "params": {"lots": SCALAR_N, "baseline": "recovery_many rate"}},
    ]  # fmt: skip


def checks(rows: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    by_name = {r["name"]: r for r in rows}
    rate, report_s = by_name["recovery_many"]["value"], by_name["recovery_annual_report"]["value"]
    return [
        (f"recovery_many {rate:,.0f} lots/s (target >= {TARGET_LOTS_PER_S:,.0f})", rate >= TARGET_LOTS_PER_S),
        (f"annual report {report_s:.3f} s (target < {TARGET_REPORT_S} s)", report_s < TARGET_REPORT_S),
    ]
