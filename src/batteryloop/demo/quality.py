"""Demo lab assays of the refinery's products, drawn around the limits of each product's first-rank specification.

Demonstration data: main contents a little above their minimum, impurities at 20-80 % of their limits, and every
fourth lithium carbonate lot with four times the sodium its first specification allows (a washing step skipped),
so some lots fail. The grades themselves are computed by the platform against ``data/grading/specifications.toml``.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from batteryloop.domain.grading import get_grading_data

PRODUCTS = ("Li2CO3", "NiSO4·6H2O", "CoSO4·7H2O", "MnSO4·H2O")


def _q(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.001")))


def lab_assay(product: str, rng: random.Random, *, sodium_excess: bool = False) -> dict[str, Any]:
    """A plausible assay of ``product`` for its first-rank specification."""
    data = get_grading_data()
    spec = min(
        (s for s in data.specifications.values() if s.product == product and s.in_force(None)), key=lambda s: s.rank
    )
    assay: dict[str, Any] = {"impurities_ppm": {}, "content_pct": {}}
    for p in spec.parameters:
        if p.sum_of:
            continue
        lo, hi = p.minimum, p.maximum
        if lo is not None and hi is not None:
            value = lo + (hi - lo) * Decimal(str(rng.uniform(0.3, 0.7)))
        elif lo is not None:
            value = lo + Decimal(str(rng.uniform(0.02, 0.3))) if p.unit == "%" else lo * Decimal("1.2")
            value = min(value, Decimal(100))
        elif hi is not None:
            value = hi * Decimal(str(rng.uniform(0.2, 0.8)))
            if sodium_excess and p.name == "Na":
                value = hi * Decimal("4")
        else:  # pragma: no cover - every limited parameter has a bound
            continue
        if p.main:
            assay["main_content_pct"] = _q(value)
        elif p.unit == "pH":
            assay["ph"] = _q(value)
        elif p.unit == "ppm":
            assay["impurities_ppm"][p.name] = _q(value)
        else:
            assay["content_pct"][p.name] = _q(value)
    return assay
