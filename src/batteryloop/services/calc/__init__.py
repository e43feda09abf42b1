"""Registry of offline calculators, by topic (``batteryloop calc <topic>``, ``/v1/calc/<topic>``)."""

from __future__ import annotations

from typing import Any

from batteryloop.services.calc.base import CalcItemError, Calculator, FieldProblem
from batteryloop.services.calc.chemistry import CALCULATOR as _CHEMISTRY
from batteryloop.services.calc.design_score import CALCULATOR as _DESIGN_SCORE
from batteryloop.services.calc.grade import CALCULATOR as _GRADE
from batteryloop.services.calc.identify import CALCULATOR as _IDENTIFY
from batteryloop.services.calc.merkle import CALCULATOR as _MERKLE
from batteryloop.services.calc.recovery import CALCULATOR as _RECOVERY
from batteryloop.services.calc.soh import CALCULATOR as _SOH
from batteryloop.services.calc.transport import CALCULATOR as _TRANSPORT
from batteryloop.services.calc.triage import CALCULATOR as _TRIAGE
from batteryloop.services.calc.waste_code import CALCULATOR as _WASTE_CODE

CALCULATORS: dict[str, Calculator] = {
    c.topic: c
    for c in (_CHEMISTRY, _DESIGN_SCORE, _GRADE, _IDENTIFY, _MERKLE, _RECOVERY, _SOH, _TRANSPORT, _TRIAGE, _WASTE_CODE)
}


def get_calculator(topic: str) -> Calculator:
    """Return the calculator for ``topic`` or raise :class:`CalcItemError` listing the known topics."""
    try:
        return CALCULATORS[topic]
    except KeyError:
        known = ", ".join(sorted(CALCULATORS))
        raise CalcItemError(
            "Unknown calculation topic",
            [FieldProblem(field="topic", reason=f"no calculator named {topic!r}; known topics: {known}")],
        ) from None


def run_document(topic: str, document: Any) -> tuple[Any, int]:
    """Run a calculator on an object (object out) or a list (list out, errors in place of failed items).

    Returns:
        The output document and the number of failed items.
    """
    calculator = get_calculator(topic)
    if isinstance(document, list):
        results: list[Any] = []
        failed = 0
        for item in document:
            try:
                results.append(calculator.run(item))
            except CalcItemError as exc:
                failed += 1
                results.append({"error": exc.as_dict()})
        return results, failed
    return calculator.run(document), 0


__all__ = ["CALCULATORS", "CalcItemError", "Calculator", "get_calculator", "run_document"]
