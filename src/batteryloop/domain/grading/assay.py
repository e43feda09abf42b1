"""Assays of product lots: raw (JSON-like) values checked, every problem listed with its field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

from batteryloop.domain.grading.specifications import SCALE_MAX, Product, find_product, get_grading_data
from batteryloop.domain.passport.primitives import describe, suggest
from batteryloop.domain.transport.errors import Problems, check_decimal, format_number

ASSAY_FIELDS: Final = ("main_content_pct", "content_pct", "impurities_ppm", "ph", "methods")


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    """One assay value as given: ``unit`` is ``%``, ``ppm`` or ``pH``; ``field`` is where the input had it."""

    parameter: str
    value: Decimal
    unit: str
    field: str
    method: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Assay:
    """A checked assay of one product lot: measurements by canonical parameter name."""

    product: str
    measurements: Mapping[str, Measurement]


def _resolve(name: str, product: Product) -> str | None:
    by_key = {p.lower(): p for p in product.parameters}
    return by_key.get(name.strip().lower())


def _check_map(value: object, field: str, problems: Problems) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add(field, f"must be an object of parameter -> value; got {describe(value)}")
        return {}
    return value


class _AssayChecker:
    """Collects the measurements of one assay, adding a problem for every bad name or value."""

    def __init__(self, product: Product | None, problems: Problems, prefix: str) -> None:
        self.product, self.problems, self.prefix = product, problems, prefix
        self.measured: dict[str, Measurement] = {}

    def add(self, given: str | None, value: object, unit: str, field: str) -> None:
        canonical = given
        if self.product is not None and given is not None:
            canonical = _resolve(given, self.product)
            if canonical is None:
                self.problems.add(
                    field,
                    f"unknown parameter {given!r} for {self.product.key}{suggest(given, self.product.parameters)}; "
                    f"its specifications limit {', '.join(self.product.parameters)}",
                )
        if value is None:
            self.problems.add(field, f"must be a number of {unit}; got null (leave the parameter out if not measured)")
            return
        number = check_decimal(value, field, self.problems, unit=unit, what="the assay value", allow_zero=True)
        if number is not None and number > SCALE_MAX[unit]:
            self.problems.add(field, f"must be at most {SCALE_MAX[unit]} {unit}; got {format_number(number)} {unit}")
            return
        if number is None or canonical is None or self.product is None:
            return
        parts = self.product.derived.get(canonical)
        if parts:
            self.problems.add(field, f"{canonical} is computed from {' and '.join(parts)}; give those instead")
        elif (canonical == "pH") != (unit == "pH"):
            self.problems.add(
                field, f"give pH in {self.prefix}.ph" if unit != "pH" else f"{canonical} is not a pH value"
            )
        elif canonical in self.measured:
            self.problems.add(field, f"{canonical} is given twice (also as {self.measured[canonical].field})")
        else:
            self.measured[canonical] = Measurement(parameter=canonical, value=number, unit=unit, field=field)

    def methods(self, value: object) -> None:
        field = f"{self.prefix}.methods"
        for name, method in _check_map(value, field, self.problems).items():
            where = f"{field}.{name}"
            canonical = _resolve(str(name), self.product) if self.product else None
            if not isinstance(method, str) or not method.strip():
                self.problems.add(where, f"must be the analytical method as text; got {describe(method)}")
            elif self.product is not None and canonical not in self.measured:
                self.problems.add(where, f"names no measured parameter of the assay{suggest(str(name), self.measured)}")
            elif canonical is not None:
                self.measured[canonical] = replace(self.measured[canonical], method=method.strip())


def check_product(product: object, problems: Problems) -> Product | None:
    """Return the product named by ``product`` (key or alias), or ``None`` after adding a problem."""
    keys = list(get_grading_data().products)
    if product is None:
        problems.add("product", f"is required: the product graded, one of {', '.join(keys)}")
        return None
    if not isinstance(product, str):
        problems.add("product", f"must be a string, one of {', '.join(keys)}; got {describe(product)}")
        return None
    found = find_product(product)
    if found is None:
        problems.add("product", f"unknown product {product!r}{suggest(product, keys)}; give one of {', '.join(keys)}")
    return found


def collect_assay(product: Product | None, assay: object, problems: Problems, prefix: str) -> Assay | None:
    """Check a raw assay, adding every problem to ``problems``; ``None`` when the product is unknown or absent."""
    if assay is None:
        problems.add(prefix, f"is required: an object with some of {', '.join(ASSAY_FIELDS)}")
        return None
    if not isinstance(assay, Mapping):
        problems.add(prefix, f"must be an object with some of {', '.join(ASSAY_FIELDS)}; got {describe(assay)}")
        return None
    for key in assay:
        if key not in ASSAY_FIELDS:
            problems.add(
                f"{prefix}.{key}", f"unknown field{suggest(str(key), ASSAY_FIELDS)}; give {', '.join(ASSAY_FIELDS)}"
            )
    checker = _AssayChecker(product, problems, prefix)
    if assay.get("main_content_pct") is not None:
        field = f"{prefix}.main_content_pct"
        if product is not None and product.main is None:
            problems.add(field, f"{product.key} has no main content; give its element contents in content_pct")
        else:
            checker.add(product.main if product else None, assay["main_content_pct"], "%", field)
    for key, unit in (("content_pct", "%"), ("impurities_ppm", "ppm")):
        for name, value in _check_map(assay.get(key), f"{prefix}.{key}", problems).items():
            checker.add(str(name), value, unit, f"{prefix}.{key}.{name}")
    if assay.get("ph") is not None:
        if product is not None and "pH" not in product.parameters:
            problems.add(f"{prefix}.ph", f"no specification of {product.key} limits pH")
        else:
            checker.add("pH", assay["ph"], "pH", f"{prefix}.ph")
    checker.methods(assay.get("methods"))
    if product is None:
        return None
    if not checker.measured and not problems.items:
        problems.add(prefix, "has no value; give main_content_pct, content_pct, impurities_ppm or ph")
    return Assay(product=product.key, measurements=dict(checker.measured))


def check_assay(product: object, assay: object, *, prefix: str = "assay") -> Assay:
    """Check a raw (JSON-like) assay of ``product`` and return it with canonical parameter names.

    The assay is an object with some of: ``main_content_pct`` (the product's main content, e.g. Li2CO3 % or Ni %),
    ``content_pct`` ({parameter: mass %}), ``impurities_ppm`` ({parameter: ppm}), ``ph`` and ``methods``
    ({parameter: analytical method}). Parameter names are those the product's specifications limit (case ignored).

    Raises:
        ClassificationInputError: Listing every problem with its field: unknown product or parameter, a value that
            is not a number, negative, above 100 % / 10^6 ppm / pH 14, or given twice.
    """
    problems = Problems()
    checked = collect_assay(check_product(product, problems), assay, problems, prefix)
    problems.raise_if_any()
    assert checked is not None
    return checked
