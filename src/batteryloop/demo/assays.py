"""Demo black-mass assays: what a recycler's lab reports for a shredded pack of a given chemistry.

The cathode's stoichiometric mass fractions (reference chemistry data) make up 35-55 % of the sample with +-5 %
relative scatter per element; graphite makes up most of the rest, and copper and aluminium foil and fluorine from
the electrolyte salt and binder add 0.5-3 % each (recycling-process-data.md §1.4 for the order of magnitude).
"""

from __future__ import annotations

import random

from batteryloop.domain.chemistry import get_chemistry

REPORTED = ("Li", "Ni", "Co", "Mn", "Fe", "P", "Al")


def black_mass_assay(chemistry: str, rng: random.Random) -> dict[str, float]:
    """A seeded, noisy black-mass assay (wt %) of a pack whose cathode is ``chemistry``."""
    cathode = rng.uniform(35.0, 55.0)
    fractions = get_chemistry(chemistry).cathode_mass_fractions
    assay = {el: frac * cathode * rng.uniform(0.95, 1.05) for el, frac in fractions.items() if el in REPORTED}
    for el in ("Cu", "Al", "F"):
        assay[el] = assay.get(el, 0.0) + rng.uniform(0.5, 3.0)
    assay["C"] = min(rng.uniform(25.0, 40.0), 99.0 - sum(assay.values()))
    return {el: round(value, 2) for el, value in assay.items() if value > 0}
