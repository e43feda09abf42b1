"""A lot's ledger: the sums of its outputs that the annual report needs, in exact integer milligrams.

Kept on the lot when its outputs are recorded, so a report over many lots reads a few numbers per lot rather than
every output. ``counted_mg``/``el_counted``: input-derived mass and recovered elements (Co, Cu, Pb, Li, Ni) of the
outputs that count as recycling; ``final_mg``/``el_final``: of every output that is not passed on (the balance);
``fractions``: ``[name, fate, rd_code, mg]`` per output; ``next``: the names of the intermediates passed on.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from batteryloop.domain.recovery import RECOVERY_ELEMENTS, get_targets

MG: Final = Decimal(1_000_000)


def mg(kg: object) -> int:
    """Stored kilograms (to the gram: "123.456") as exact integer milligrams."""
    if isinstance(kg, str):
        head, dot, tail = kg.partition(".")
        if dot and len(tail) == 3 and tail.isdigit() and head.isdigit():
            return int(head + tail) * 1000
    return int(Decimal(str(kg)) * MG)


def ledger_of(outputs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The ledger of a lot's stored outputs."""
    counting = get_targets().counting_fates
    counted = final = 0
    el_counted = [0] * len(RECOVERY_ELEMENTS)
    el_final = [0] * len(RECOVERY_ELEMENTS)
    fractions, passed_on = [], []
    for o in outputs:
        fate = o["fate"]
        reagent = o.get("reagent_kg")
        derived = mg(o["mass_kg"]) - (mg(reagent) if reagent else 0)
        fractions.append([o["name"], fate, o.get("rd_code") or "", derived])
        if fate == "intermediate":
            passed_on.append(o["name"])
            continue
        carried = o.get("elements_kg") or {}
        recovered = o.get("recovered_elements")
        final += derived
        counts = fate in counting
        counted += derived if counts else 0
        for c, x in enumerate(RECOVERY_ELEMENTS):
            if x in carried:
                amount = mg(carried[x])
                el_final[c] += amount
                if counts and (recovered is None or x in recovered):
                    el_counted[c] += amount
    return {
        "counted_mg": counted,
        "final_mg": final,
        "el_counted": el_counted,
        "el_final": el_final,
        "fractions": fractions,
        "next": passed_on,
    }
