"""Chemistry identification from elemental assays: 1,000,000 packs' black-mass assays through ``identify_many``.

Rows, each measured in this run against its baseline:

- ``identify_many``: packs per second identified by the vectorised path (weight % -> moles -> molar shares of
  Ni, Co, Mn, Fe, P, Na -> distance to the 11 reference chemistries -> best, runner-up, confidence, with the NCA
  aluminium check), on 1,000,000 noisy, diluted black-mass assays of seven chemistries. Baseline: the irreducible
  floor of the same decision, NumPy ``argmin`` plus ``min`` over a *precomputed* 1,000,000 x 11 distance matrix
  (the decision without computing the distances). ``ratio`` = baseline time / our time, i.e. the share of the
  floor's speed we reach (1.0 = as fast as merely picking the minimum).
- ``identify_scalar``: the scalar ``identify_from_assay`` (full result with reasons, the API and CLI path) on a
  sample of ``BENCH_IDENTIFY_SCALAR`` assays, for scale; ratio = scalar rate / vectorised rate.

Target (issue: triage plus identification at >= 100,000 packs/s; identification alone is measured here):
``identify_many`` >= 100,000 packs/s. Environment: ``BENCH_IDENTIFY_PACKS`` (default 1000000),
``BENCH_IDENTIFY_SCALAR`` (default 20000).
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

N = int(os.environ.get("BENCH_IDENTIFY_PACKS", "1000000"))
SCALAR_N = int(os.environ.get("BENCH_IDENTIFY_SCALAR", "20000"))
TARGET_PACKS_PER_S = 100_000.0
CHEMISTRIES = ("NMC111", "NMC532", "NMC622", "NMC811", "NCA", "LFP", "LMO")


def assays(count: int, seed: int = 1) -> np.ndarray:
    """Black-mass assays (wt %, columns in ``ASSAY_ELEMENTS`` order): a cathode with ±10 % noise per element,
    graphite dilution and 0.5-3 % each of Cu, Al and F."""
    from batteryloop.domain.chemistry import get_chemistry
    from batteryloop.domain.identify import ASSAY_ELEMENTS

    rng = np.random.default_rng(seed)
    col = {el: i for i, el in enumerate(ASSAY_ELEMENTS)}
    table = np.zeros((len(CHEMISTRIES), len(ASSAY_ELEMENTS)))
    for r, code in enumerate(CHEMISTRIES):
        for el, frac in get_chemistry(code).cathode_mass_fractions.items():
            if el in col:
                table[r, col[el]] = frac
    which = rng.integers(0, len(CHEMISTRIES), size=count)
    cathode = rng.uniform(35.0, 60.0, size=(count, 1))
    out = table[which] * cathode * rng.uniform(0.9, 1.1, size=(count, len(ASSAY_ELEMENTS)))
    for el in ("Cu", "Al", "F"):
        out[:, col[el]] += rng.uniform(0.5, 3.0, size=count)
    out[:, col["C"]] = np.minimum(rng.uniform(20.0, 45.0, size=count), 99.0 - out.sum(axis=1))
    return out


def _best_of(repeats: int, fn: Any) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def triage_and_identify(data: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The triage of packs whose chemistry comes from their assay: identify, look up stationary suitability of the
    identified chemistry, then route by health, damage, negative events, age and demand (the issue's benchmark)."""
    from batteryloop.domain.health.triage import is_stationary_suitable, triage_many
    from batteryloop.domain.identify import identify_many

    n = len(data)
    codes, _confidence = identify_many(data)
    known = [c for c in np.unique(codes) if c]
    suitable = np.isin(codes, [c for c in known if is_stationary_suitable(str(c))])
    soh = rng.uniform(0.4, 1.0, n)
    damaged = rng.random(n) < 0.03
    critical = damaged & (rng.random(n) < 0.2)
    events = rng.poisson(0.2, n)
    age = rng.uniform(3, 15, n)
    return triage_many(soh, damaged, events, age, suitable, True, critical=critical)


def run() -> list[dict[str, Any]]:
    from batteryloop.domain.identify import ASSAY_ELEMENTS, identify_from_assay, identify_many

    data = assays(N)
    identify_many(data[:1000])  # load and cache the reference data outside the clock
    ours = _best_of(3, lambda: identify_many(data))

    rng = np.random.default_rng(2)
    distances = rng.random((N, 11))

    def floor() -> None:
        best = np.argmin(distances, axis=1)
        distances.min(axis=1)
        best.take(0)

    base = _best_of(3, floor)
    rate, base_rate = N / ours, N / base

    sample = [dict(zip(ASSAY_ELEMENTS, row, strict=True)) for row in data[:SCALAR_N].tolist()]
    start = time.perf_counter()
    for assay in sample:
        identify_from_assay(assay)
    scalar_rate = SCALAR_N / (time.perf_counter() - start)
    params = {"packs": N, "chemistries": list(CHEMISTRIES), "candidates": 11}
    both = _best_of(3, lambda: triage_and_identify(data, rng))
    return [
        {
            "name": "triage_identify",
            "value": N / both,
            "unit": "packs/s",
            "baseline_value": rate,
            "ratio": (N / both) / rate,
            "params": params
            | {
                "baseline": "identify_many alone (row below)",
                "includes": "identify_many, stationary suitability of the identified chemistry, triage_many",
            },
        },
        {
            "name": "identify_many",
            "value": rate,
            "unit": "packs/s",
            "baseline_value": base_rate,
            "ratio": base / ours,
            "params": params | {"baseline": "argmin + min over a precomputed n x 11 distance matrix"},
        },
        {
            "name": "identify_scalar",
            "value": scalar_rate,
            "unit": "packs/s",
            "baseline_value": rate,
            "ratio": scalar_rate / rate,
            "params": {"packs": SCALAR_N, "baseline": "identify_many rate (row above)"},
        },
    ]


def checks(rows: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    by_name = {r["name"]: r for r in rows}
    return [
        (
            f"triage + identification {by_name['triage_identify']['value']:,.0f} packs/s "
            f"(target >= {TARGET_PACKS_PER_S:,.0f})",
            by_name["triage_identify"]["value"] >= TARGET_PACKS_PER_S,
        ),
        (
            f"identify_many {by_name['identify_many']['value']:,.0f} packs/s (target >= {TARGET_PACKS_PER_S:,.0f})",
            by_name["identify_many"]["value"] >= TARGET_PACKS_PER_S,
        ),
    ]
