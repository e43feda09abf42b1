"""Grading an assay against specifications: every parameter named with value, limit, unit, outcome and why.

**On the limit.** Limits are inclusive: a value exactly on a minimum or a maximum passes (Li2CO3 of exactly 99.5 %
meets "Li2CO3 >= 99.5 %"; Na of exactly 250 ppm meets "Na <= 250 ppm"). The exception is a limit the source writes
as a strict "<" (``max_exclusive``: LiOH·H2O CO2 < 0.35 %, MIIT Al and Cu < 1.5 %): there a value on the limit
fails. Values are compared unrounded, as :class:`~decimal.Decimal` built from the text of the number given; % and
ppm convert exactly (ppm = 10^4 x %), so 0.025 % Na is the same value as 250 ppm Na.

**Not measured** is not a pass: a parameter of the specification absent from the assay makes the specification's
verdict ``unconfirmed`` (unless another parameter fails, which makes it ``fail``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from batteryloop.domain.grading.assay import Assay, Measurement, check_product, collect_assay
from batteryloop.domain.grading.specifications import Product, Specification, SpecParameter, get_grading_data
from batteryloop.domain.passport.primitives import describe, suggest
from batteryloop.domain.transport.errors import Problems, format_number

PASS: Final = "pass"
FAIL: Final = "fail"
NOT_MEASURED: Final = "not_measured"
UNCONFIRMED: Final = "unconfirmed"
_STATUS_MEANING: Final = {
    "[U]": "not verified (a recalled typical figure); confirm it against the purchased standard",
    "[S]": "from a secondary source only",
    "[V-ambiguous]": "read in the source, whose columns are ambiguous (typical assay or limit)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterCheck:
    """One parameter of a specification checked: value in the limit's unit, outcome and why."""

    parameter: SpecParameter
    value: Decimal | None
    method: str | None
    outcome: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecGrade:
    """An assay against one specification: ``verdict`` is ``pass``, ``fail`` or ``unconfirmed``."""

    specification: Specification
    verdict: str
    in_force: bool
    checks: tuple[ParameterCheck, ...]
    not_limited: tuple[str, ...]
    reasons: tuple[str, ...]
    assumptions: tuple[str, ...]

    @property
    def failing(self) -> tuple[str, ...]:
        """The parameters that fail."""
        return tuple(c.parameter.name for c in self.checks if c.outcome == FAIL)

    @property
    def not_measured(self) -> tuple[str, ...]:
        """The parameters the assay lacks."""
        return tuple(c.parameter.name for c in self.checks if c.outcome == NOT_MEASURED)


@dataclass(frozen=True, slots=True, kw_only=True)
class GradeResult:
    """An assay graded: every specification checked (in rank order), the best one met and the verdict."""

    product: Product
    assay: Assay
    requested: str | None
    as_of: date | None
    grades: tuple[SpecGrade, ...]
    best: SpecGrade | None
    verdict: str
    reasons: tuple[str, ...]

    @property
    def certified(self) -> SpecGrade:
        """The grade a certificate of analysis reports.

        The named specification, else the best grade met, else the first (most demanding) specification checked.
        """
        return self.best or self.grades[0]


def _in_unit(m: Measurement, unit: str) -> Decimal:
    if m.unit == unit:
        return m.value
    return m.value.scaleb(4) if unit == "ppm" else m.value.scaleb(-4)


def _n(value: Decimal) -> str:
    return format_number(value)


def _check_parameter(p: SpecParameter, measured: Mapping[str, Measurement]) -> ParameterCheck:
    name = p.label if p.label == p.name else f"{p.label} ({p.name})"
    parts = p.sum_of or (p.name,)
    missing = [part for part in parts if part not in measured]
    if missing:
        needs = f" (needs {' and '.join(parts)})" if p.sum_of else ""
        reason = (
            f"{name} was not measured{needs}: the limit is {p.limit_text}; the grade cannot be confirmed without it"
        )
        return ParameterCheck(parameter=p, value=None, method=None, outcome=NOT_MEASURED, reason=reason)
    value = sum((_in_unit(measured[part], p.unit) for part in parts), Decimal(0))
    given = measured[parts[0]]
    shown = f"{name} {_n(value)} {p.unit}"
    if p.sum_of:
        shown += " (" + " + ".join(f"{part} {_n(_in_unit(measured[part], p.unit))}" for part in parts) + ")"
    elif given.unit != p.unit:
        shown += f" (given as {_n(given.value)} {given.unit})"
    if p.minimum is not None and value < p.minimum:
        outcome, why = FAIL, f"is below the minimum {p.minimum} {p.unit} by {_n(p.minimum - value)} {p.unit}"
    elif p.maximum is not None and p.max_exclusive and value >= p.maximum:
        outcome, why = FAIL, f"is not below {p.maximum} {p.unit} (the source writes a strict '<')"
    elif p.maximum is not None and value > p.maximum:
        outcome, why = FAIL, f"exceeds the maximum {p.maximum} {p.unit} by {_n(value - p.maximum)} {p.unit}"
    else:
        on_limit = value in (p.minimum, p.maximum)
        outcome, why = PASS, f"meets {p.limit_text}" + (" (on the limit, which is inclusive)" if on_limit else "")
    method = None if p.sum_of else given.method
    return ParameterCheck(parameter=p, value=value, method=method, outcome=outcome, reason=f"{shown} {why}")


def grade_against(assay: Assay, spec: Specification, *, as_of: date | None = None) -> SpecGrade:
    """Grade a checked assay against one specification (of the same product)."""
    if spec.product != assay.product:
        raise ValueError(f"specification {spec.id} is for {spec.product}, not {assay.product}")
    checks = tuple(_check_parameter(p, assay.measurements) for p in spec.parameters)
    limited = {part for p in spec.parameters for part in (p.name, *p.sum_of)}
    not_limited = tuple(name for name in assay.measurements if name not in limited)
    failing = [c.parameter.name for c in checks if c.outcome == FAIL]
    missing = [c.parameter.name for c in checks if c.outcome == NOT_MEASURED]
    if failing:
        verdict = FAIL
        reasons = [f"fails {spec.name} on {len(failing)} parameter(s): {', '.join(failing)}"]
    elif missing:
        verdict = UNCONFIRMED
        reasons = [
            f"no limit of {spec.name} fails, but {len(missing)} parameter(s) were not measured: {', '.join(missing)}; "
            "the grade cannot be confirmed"
        ]
    else:
        verdict, reasons = PASS, [f"meets every limit of {spec.name} ({len(checks)} parameters)"]
    if failing and missing:
        reasons.append(f"not measured either: {', '.join(missing)}")
    in_force = spec.in_force(as_of)
    if not in_force:
        span = f"valid {spec.valid_from or '...'} to {spec.valid_until or '...'}"
        reasons.append(f"{spec.id} is not in force {'on ' + as_of.isoformat() if as_of else 'today'} ({span})")
    if not_limited:
        reasons.append(f"not limited by this specification: {', '.join(not_limited)}")
    assumptions = tuple(
        f"{p.name} {p.limit_text} is {p.status}: {_STATUS_MEANING[p.status]}"
        for p in spec.parameters
        if p.status in _STATUS_MEANING
    )
    return SpecGrade(
        specification=spec,
        verdict=verdict,
        in_force=in_force,
        checks=checks,
        not_limited=not_limited,
        reasons=tuple(reasons),
        assumptions=assumptions,
    )


def _check_specification(value: object, product: Product | None, problems: Problems) -> Specification | None:
    if value is None:
        return None
    specs = get_grading_data().specifications
    own = [s.id for s in specs.values() if product is None or s.product == product.key]
    if not isinstance(value, str):
        problems.add("specification", f"must be a specification id, one of {', '.join(own)}; got {describe(value)}")
        return None
    spec = specs.get(value.strip())
    if spec is None:
        problems.add(
            "specification", f"unknown specification {value!r}{suggest(value, own)}; give one of {', '.join(own)}"
        )
    elif product is not None and spec.product != product.key:
        problems.add(
            "specification", f"{spec.id} is for {spec.product}, not {product.key}; give one of {', '.join(own)}"
        )
        return None
    return spec


def grade(
    product: object,
    assay: object,
    specification: object = None,
    *,
    as_of: date | None = None,
    prefix: str = "assay",
) -> GradeResult:
    """Grade an assay of a product lot against a named specification, or against all of the product's.

    Args:
        product: The product (``Li2CO3``, ``LiOH·H2O``, ``NiSO4·6H2O``, ``CoSO4·7H2O``, ``MnSO4·H2O``,
            ``black_mass``; aliases such as ``lithium carbonate`` or ``NiSO4`` are accepted).
        assay: The raw assay (see :func:`check_assay`).
        specification: A specification id; ``None`` grades against every specification of the product in force
            on ``as_of`` (without a date: those still in force), and the first met in rank order is the best grade.
        as_of: The date the specifications must be in force on.
        prefix: Field name of the assay in problems.

    Returns:
        Every specification checked, with each parameter's value, limit, unit, outcome and reason. ``verdict`` is
        ``pass`` (the named specification, or at least one, is met), ``fail`` or ``unconfirmed`` (nothing fails
        but parameters were not measured, so the grade cannot be confirmed).

    Raises:
        ClassificationInputError: Listing every input problem with its field.
    """
    problems = Problems()
    found = check_product(product, problems)
    spec = _check_specification(specification, found, problems)
    checked = collect_assay(found, assay, problems, prefix)
    problems.raise_if_any()
    assert found is not None
    assert checked is not None
    if spec is not None:
        one = grade_against(checked, spec, as_of=as_of)
        best = one if one.verdict == PASS else None
        return GradeResult(
            product=found,
            assay=checked,
            requested=spec.id,
            as_of=as_of,
            grades=(one,),
            best=best,
            verdict=one.verdict,
            reasons=one.reasons,
        )
    specs = get_grading_data().specifications.values()
    candidates = sorted((s for s in specs if s.product == found.key and s.in_force(as_of)), key=lambda s: s.rank)
    if not candidates:
        problems.add("as_of", f"no specification of {found.key} is in force on {as_of}")
        problems.raise_if_any()
    grades = tuple(grade_against(checked, s, as_of=as_of) for s in candidates)
    met = [g for g in grades if g.verdict == PASS]
    best = met[0] if met else None
    if best is not None:
        verdict = PASS
        reasons = [f"best grade met: {best.specification.name} (rank {best.specification.rank})"]
        reasons += [f"also meets {g.specification.name}" for g in met[1:]]
    else:
        verdict = UNCONFIRMED if any(g.verdict == UNCONFIRMED for g in grades) else FAIL
        reasons = [f"meets none of the {len(grades)} specifications of {found.key} in force"]
    reasons += [r for g in grades if g.verdict != PASS for r in g.reasons[:1]]
    return GradeResult(
        product=found,
        assay=checked,
        requested=None,
        as_of=as_of,
        grades=grades,
        best=best,
        verdict=verdict,
        reasons=tuple(reasons),
    )
