"""The recycling routes of ``data/recovery/routes.toml``, parsed and checked (see :mod:`.routes` for their use).

Four route kinds: ``pretreatment`` (mechanical, to black mass), ``hydrometallurgy``, ``pyrometallurgy`` and
``direct``; a kind may have variants (``hydrometallurgy_lioh``, ``pyrometallurgy_li_from_slag``). Every number has
its source and verification status in the file; :attr:`Route.assumptions` lists the [U] ones a route rests on.

References:
    Argonne EverBatt 2019 (ANL-19/16, Tables 10-12) and EverBatt 2023 default formulas ('Preproc. Par.',
    'CM Rec Par.'), EB23 100-kWh pack breakdown; via recycling-process-data.md §1.1-1.4, §2.2, §3.1, §3.3, §4.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from types import MappingProxyType
from typing import Any, Final

from batteryloop.domain.chemistry import get_chemistry
from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.recovery.targets import FATES, fate_of_code
from batteryloop.domain.refdata import read_toml

ROUTES_FILE: Final = "recovery/routes.toml"
ROUTE_KINDS: Final = ("pretreatment", "hydrometallurgy", "pyrometallurgy", "direct")
FORMS: Final = ("pack", "module", "cell", "black_mass")
SORTING_RULES: Final = ("known_chemistry", "input_form", "single_chemistry", "families_apart", "safe_discharge_first")
SYMBOL: Final = re.compile(r"^[A-Z][a-z]?$")
_STATUS: Final = re.compile(r"^\[[VDUS]\]")
_NUMBER: Final = re.compile(r"^\s*\d+(\.\d+)?\s*(?:[*/]\s*\d+(\.\d+)?\s*)*$")
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """A reagent or energy demand: ``per_kg_input`` x input mass + sum ``per_kg_element[x]`` x element mass."""

    per_kg_input: Decimal
    per_kg_element: Mapping[str, Decimal]

    def amount(self, mass_kg: Decimal, elements_kg: Mapping[str, Decimal]) -> Decimal:
        """The demand for an input of ``mass_kg`` with ``elements_kg`` (unit of the rate's name)."""
        by_element = sum((k * elements_kg.get(x, _ZERO) for x, k in self.per_kg_element.items()), _ZERO)
        return self.per_kg_input * mass_kg + by_element


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputSpec:
    """One output of a route: its fate and R/D code and how much of the input it takes (see the data file)."""

    key: str
    name: str
    fate: str
    rd_code: str | None
    yields: Mapping[str, Decimal]
    mass_share: Mapping[str, Decimal]
    bound_oxygen: Mapping[str, Decimal]
    reagent_per_kg_input_element: Mapping[str, Decimal]
    product_element: str | None
    product_factor: Decimal | None
    recovered_elements: frozenset[str] | None
    source: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """A recycling route: what it takes, its sorting flags, outputs, reagents and energy, with sources."""

    route_id: str
    kind: str
    label: str
    steps: tuple[str, ...]
    inputs: tuple[str, ...]
    default_form: str
    chemistries: tuple[str, ...]
    mixed_feed: bool
    single_chemistry: bool
    discharges: bool
    outputs: tuple[OutputSpec, ...]
    remainder_elements: str
    remainder_mass: str
    energy: Mapping[str, Rate]
    reagents: Mapping[str, Rate]
    capacity_example_t_per_year: Decimal | None
    capacity_example: str | None
    source: str
    status: str
    assumptions: tuple[str, ...]

    def output(self, key: str) -> OutputSpec:
        """The output with ``key``."""
        return next(o for o in self.outputs if o.key == key)


@dataclass(frozen=True, slots=True, kw_only=True)
class SortingRule:
    """A sorting rule: its text, source and status."""

    rule_id: str
    rule: str
    source: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteData:
    """The parsed ``routes.toml``: routes by id, chemistry families, sorting rules and sources."""

    routes: Mapping[str, Route]
    family_of: Mapping[str, str]
    sorting: Mapping[str, SortingRule]
    sources: Mapping[str, str]


def _fail(where: str, reason: str) -> ReferenceDataError:
    return ReferenceDataError(f"{ROUTES_FILE}: {where} {reason}")


def number(text: object, where: str) -> Decimal:
    """A decimal string, or a product/quotient of them as written in the workbooks ("98/14"), exactly in Decimal."""
    if not isinstance(text, str) or not _NUMBER.match(text):
        raise _fail(where, f"must be a decimal string or a product/quotient of numbers; got {text!r}")
    parts = re.split(r"\s*([*/])\s*", text.strip())
    try:
        value = Decimal(parts[0])
        for op, operand in zip(parts[1::2], parts[2::2], strict=True):
            value = value * Decimal(operand) if op == "*" else value / Decimal(operand)
    except (InvalidOperation, ZeroDivisionError) as exc:
        raise _fail(where, f"is not a number: {text!r}") from exc
    return value


def _table(raw: object, where: str, *, keys: re.Pattern[str] | tuple[str, ...], upto_one: bool) -> dict[str, Decimal]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail(where, "must be a table")
    out = {}
    for key, text in raw.items():
        ok = key in keys if isinstance(keys, tuple) else bool(keys.match(key))
        if not ok:
            raise _fail(f"{where}.{key}", "is not an element symbol or a form the route takes")
        value = number(text, f"{where}.{key}")
        if value < 0 or (upto_one and value > 1):
            raise _fail(f"{where}.{key}", f"must be {'a fraction in [0, 1]' if upto_one else 'zero or more'}")
        out[key] = value
    return out


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}.{key}", "must be a non-empty string")
    return value


def _bool(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key)
    if not isinstance(value, bool):
        raise _fail(f"{where}.{key}", "must be true or false")
    return value


def _provenance(raw: Mapping[str, Any], where: str, sources: Mapping[str, str]) -> tuple[str, str]:
    source, status = _text(raw, "source", where), _text(raw, "status", where)
    if source not in sources:
        raise _fail(f"{where}.source", f"names {source!r}, which is not in [sources]")
    if not _STATUS.match(status):
        raise _fail(f"{where}.status", "must start with [V], [D], [U] or [S]")
    return source, status


def _rates(raw: object, where: str, sources: Mapping[str, str]) -> dict[str, Rate]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail(where, "must be a table")
    _provenance(raw, where, sources)
    rates = {}
    for name, spec in raw.items():
        if name in ("source", "status"):
            continue
        if not isinstance(spec, Mapping) or set(spec) - {"per_kg_input", "per_kg_element"}:
            raise _fail(f"{where}.{name}", "must be { per_kg_input?, per_kg_element? }")
        per_input = number(spec["per_kg_input"], f"{where}.{name}") if "per_kg_input" in spec else _ZERO
        per_element = _table(spec.get("per_kg_element"), f"{where}.{name}", keys=SYMBOL, upto_one=False)
        rates[name] = Rate(per_kg_input=per_input, per_kg_element=MappingProxyType(per_element))
    return rates


def _output(raw: Mapping[str, Any], where: str, inputs: tuple[str, ...], sources: Mapping[str, str]) -> OutputSpec:
    fate, code = _text(raw, "fate", where), raw.get("rd_code")
    if fate not in FATES:
        raise _fail(f"{where}.fate", f"must be one of {', '.join(FATES)}")
    if code is not None and (not isinstance(code, str) or fate_of_code(code) != fate):
        raise _fail(f"{where}.rd_code", f"{code!r} does not stand for the fate {fate!r}")
    product = raw.get("product_element")
    factor = number(raw["product_factor"], f"{where}.product_factor") if "product_factor" in raw else None
    yields = _table(raw.get("yields"), f"{where}.yields", keys=SYMBOL, upto_one=True)
    shares = _table(raw.get("mass_share"), f"{where}.mass_share", keys=inputs, upto_one=True)
    bound = _table(raw.get("bound_oxygen"), f"{where}.bound_oxygen", keys=SYMBOL, upto_one=False)
    reagent = _table(raw.get("reagent_per_kg_input_element"), f"{where}.reagent", keys=SYMBOL, upto_one=False)
    if (product is None) != (factor is None) or (factor is not None and (product not in yields or factor < _ONE)):
        raise _fail(where, "needs product_element (one of its yields) and product_factor >= 1 together")
    if product is not None and (shares or bound or reagent):
        raise _fail(where, "a salt (product_factor) takes no other mass and no separate reagent")
    recovered = raw.get("recovered_elements")
    if recovered is not None and not (isinstance(recovered, list) and all(SYMBOL.match(str(s)) for s in recovered)):
        raise _fail(f"{where}.recovered_elements", "must be a list of element symbols")
    source, status = _provenance(raw, where, sources)
    return OutputSpec(
        key=_text(raw, "key", where),
        name=_text(raw, "name", where),
        fate=fate,
        rd_code=code,
        yields=MappingProxyType(yields),
        mass_share=MappingProxyType(shares),
        bound_oxygen=MappingProxyType(bound),
        reagent_per_kg_input_element=MappingProxyType(reagent),
        product_element=product,
        product_factor=factor,
        recovered_elements=frozenset(recovered) if recovered is not None else None,
        source=source,
        status=status,
    )


def _chemistry_codes(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "must be a non-empty list of chemistry codes")
    for code in raw:
        try:
            canonical = get_chemistry(str(code)).code
        except InvalidInputError as exc:
            raise _fail(where, f"names an unknown chemistry: {exc.reason}") from exc
        if canonical != code:
            raise _fail(where, f"must use the canonical code {canonical!r}, not {code!r}")
    return tuple(str(c) for c in raw)


def _route(route_id: str, raw: Mapping[str, Any], sources: Mapping[str, str], families: Mapping[str, str]) -> Route:
    where = f"routes.{route_id}"
    kind = _text(raw, "kind", where)
    if kind not in ROUTE_KINDS:
        raise _fail(f"{where}.kind", f"must be one of {', '.join(ROUTE_KINDS)}")
    inputs = tuple(raw.get("inputs") or ())
    if not inputs or not set(inputs) <= set(FORMS) or raw.get("default_form") not in inputs:
        raise _fail(where, f"inputs must be a non-empty list of {', '.join(FORMS)} and hold default_form")
    chemistries = _chemistry_codes(raw.get("chemistries"), f"{where}.chemistries")
    if set(chemistries) - set(families):
        raise _fail(f"{where}.chemistries", "names a chemistry that is in no [families] entry")
    outputs = tuple(_output(o, f"{where}.outputs[{i}]", inputs, sources) for i, o in enumerate(raw["outputs"]))
    keys = [o.key for o in outputs]
    if len(set(keys)) != len(keys):
        raise _fail(f"{where}.outputs", "have duplicate keys")
    remainder_elements = _text(raw, "remainder_elements", where)
    remainder_mass = _text(raw, "remainder_mass", where)
    if remainder_elements not in keys or remainder_mass not in keys:
        raise _fail(where, "remainder_elements and remainder_mass must name outputs")
    for symbol in {x for o in outputs for x in o.yields}:
        if sum((o.yields.get(symbol, _ZERO) for o in outputs), _ZERO) > _ONE:
            raise _fail(where, f"the yields of {symbol} add up to more than 1")
    for form in inputs:
        if sum((o.mass_share.get(form, _ZERO) for o in outputs), _ZERO) > _ONE:
            raise _fail(where, f"the mass shares of form {form} add up to more than 1")
    capacity = raw.get("capacity") or {}
    if capacity:
        _provenance(capacity, f"{where}.capacity", sources)
    source, status = _provenance(raw, where, sources)
    assumptions = [f"{route_id}: {status}"] if "[U]" in status else []
    assumptions += [f"{route_id}.{o.key}: {o.status}" for o in outputs if "[U]" in o.status]
    return Route(
        route_id=route_id,
        kind=kind,
        label=_text(raw, "label", where),
        steps=tuple(str(s) for s in raw.get("steps", [])),
        inputs=inputs,
        default_form=str(raw["default_form"]),
        chemistries=chemistries,
        mixed_feed=_bool(raw, "mixed_feed", where),
        single_chemistry=_bool(raw, "single_chemistry", where),
        discharges=_bool(raw, "discharges", where),
        outputs=outputs,
        remainder_elements=remainder_elements,
        remainder_mass=remainder_mass,
        energy=MappingProxyType(_rates(raw.get("energy"), f"{where}.energy", sources)),
        reagents=MappingProxyType(_rates(raw.get("reagents"), f"{where}.reagents", sources)),
        capacity_example_t_per_year=(
            number(capacity["example_t_per_year"], f"{where}.capacity") if "example_t_per_year" in capacity else None
        ),
        capacity_example=capacity.get("example"),
        source=source,
        status=status,
        assumptions=tuple(assumptions),
    )


def parse_routes(data: Mapping[str, Any]) -> RouteData:
    """Parse and check the content of ``routes.toml``; raise :class:`ReferenceDataError` on malformed data."""
    try:
        if data.get("schema_version") != 1:
            raise _fail("schema_version", "must be 1")
        sources = {tag: f"{s['citation']} ({s['date']})" for tag, s in data["sources"].items()}
        family_of: dict[str, str] = {}
        for family, codes in data["families"].items():
            for code in _chemistry_codes(codes, f"families.{family}"):
                if family_of.setdefault(code, family) != family:
                    raise _fail("families", f"put {code} in two families")
        if set(data["sorting"]) != set(SORTING_RULES):
            raise _fail("[sorting]", f"must list exactly {', '.join(SORTING_RULES)}")
        sorting = {}
        for rule_id in SORTING_RULES:
            raw = data["sorting"][rule_id]
            source, status = _provenance(raw, f"sorting.{rule_id}", sources)
            sorting[rule_id] = SortingRule(
                rule_id=rule_id, rule=_text(raw, "rule", f"sorting.{rule_id}"), source=source, status=status
            )
        routes = {rid: _route(rid, raw, sources, family_of) for rid, raw in data["routes"].items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise ReferenceDataError(f"{ROUTES_FILE} is malformed: {exc!r}") from exc
    missing = [k for k in ROUTE_KINDS if k not in routes or routes[k].kind != k]
    if missing:
        raise _fail("[routes]", f"needs a route named after each kind; missing {', '.join(missing)}")
    return RouteData(
        routes=MappingProxyType(routes),
        family_of=MappingProxyType(family_of),
        sorting=MappingProxyType(sorting),
        sources=MappingProxyType(sources),
    )


@cache
def get_routes() -> RouteData:
    """The routes of ``data/recovery/routes.toml``, parsed and checked once (cached)."""
    return parse_routes(read_toml(ROUTES_FILE))
