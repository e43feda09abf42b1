"""Product specifications as data: ``data/grading/specifications.toml`` parsed, checked and cached.

Each specification lists its limited parameters, each with bounds in ``%``, ``ppm`` or ``pH``, the source (with
its date) and the verification status the reference notes give it ([V], [S], [D], [U], [V-ambiguous]).

References:
    recycling-process-data.md §5.1, §5.2 (battery-grade products) and §3.4 (black-mass market specifications).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Final

from batteryloop.domain.errors import ReferenceDataError
from batteryloop.domain.refdata import read_toml

SPECIFICATIONS_FILE: Final = "grading/specifications.toml"
UNITS: Final = ("%", "ppm", "pH")
STATUSES: Final = ("[V]", "[S]", "[D]", "[U]", "[V-ambiguous]")
#: the largest value of each unit: 100 %, 10^6 ppm, pH 14
SCALE_MAX: Final = {"%": Decimal(100), "ppm": Decimal(1_000_000), "pH": Decimal(14)}
_PARAM_KEYS: Final = frozenset({"name", "unit", "min", "max", "max_exclusive", "main", "sum_of", "source", "status"})
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a limit comes from: citation, address and the source's date (``n.d.`` where the notes give none)."""

    key: str
    citation: str
    url: str
    date: str

    @property
    def text(self) -> str:
        """The source as one line: citation, date and address."""
        return f"{self.citation} ({self.date}) {self.url}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecParameter:
    """One limited parameter of a specification: bounds in ``unit``, inclusive unless ``max_exclusive``."""

    name: str
    label: str
    unit: str
    minimum: Decimal | None
    maximum: Decimal | None
    max_exclusive: bool = False
    main: bool = False
    sum_of: tuple[str, ...] = ()
    source: str
    status: str

    @property
    def limit_text(self) -> str:
        """The limit as printed: ``>= 99.5 %``, ``<= 250 ppm``, ``22.0-22.3 %``, ``< 0.35 %``."""
        unit = self.unit
        if self.minimum is not None and self.maximum is not None:
            top = f"< {self.maximum}" if self.max_exclusive else str(self.maximum)
            return f"{self.minimum}-{top} {unit}"
        if self.minimum is not None:
            return f">= {self.minimum} {unit}"
        return f"{'<' if self.max_exclusive else '<='} {self.maximum} {unit}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Specification:
    """A product specification: its limits, rank among the product's specifications and dates in force."""

    id: str
    product: str
    name: str
    rank: int
    note: str | None
    valid_from: date | None
    valid_until: date | None
    parameters: tuple[SpecParameter, ...]

    def in_force(self, as_of: date | None) -> bool:
        """Whether the specification applies on ``as_of``; without a date, whether it is still in force."""
        if as_of is None:
            return self.valid_until is None
        starts = self.valid_from is None or self.valid_from <= as_of
        return starts and (self.valid_until is None or as_of <= self.valid_until)


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """A product that can be graded: its canonical key, label, accepted names and parameters."""

    key: str
    label: str
    aliases: tuple[str, ...]
    main: str | None
    parameters: tuple[str, ...]
    derived: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class GradingData:
    """The parsed ``specifications.toml``."""

    sources: Mapping[str, Source]
    products: Mapping[str, Product]
    specifications: Mapping[str, Specification]


def _bad(message: str) -> ReferenceDataError:
    return ReferenceDataError(f"{SPECIFICATIONS_FILE}: {message}")


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{where}.{key} must be a non-empty string")
    return value


def _limit(raw: Mapping[str, Any], key: str, where: str, unit: str) -> Decimal | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d+(\.\d+)?", value):
        raise _bad(f'{where}.{key} must be a decimal string such as "0.25"; got {value!r}')
    number = Decimal(value)
    if number > SCALE_MAX[unit]:
        raise _bad(f"{where}.{key} {value} is beyond the scale of {unit}")
    return number


def _date(raw: Mapping[str, Any], key: str, where: str) -> date | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(f"{where}.{key} must be an ISO date string")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _bad(f"{where}.{key} must be an ISO date YYYY-MM-DD; got {value!r}") from None


def _parameter(raw: object, where: str, sources: Mapping[str, Source], labels: Mapping[str, str]) -> SpecParameter:
    if not isinstance(raw, Mapping):
        raise _bad(f"{where} must be a table")
    unknown = sorted(set(raw) - _PARAM_KEYS)
    if unknown:
        raise _bad(f"{where} has unknown keys {unknown}")
    name = _text(raw, "name", where)
    where = f"{where} ({name})"
    unit = _text(raw, "unit", where)
    if unit not in UNITS:
        raise _bad(f"{where}.unit must be one of {', '.join(UNITS)}; got {unit!r}")
    minimum, maximum = _limit(raw, "min", where, unit), _limit(raw, "max", where, unit)
    if minimum is None and maximum is None:
        raise _bad(f"{where} needs min, max or both")
    if minimum is not None and maximum is not None and minimum >= maximum:
        raise _bad(f"{where}: min {minimum} must be below max {maximum}")
    exclusive, main = raw.get("max_exclusive", False), raw.get("main", False)
    if not isinstance(exclusive, bool) or not isinstance(main, bool):
        raise _bad(f"{where}: max_exclusive and main must be true or false")
    if exclusive and maximum is None:
        raise _bad(f"{where}: max_exclusive needs a max")
    if main and unit != "%":
        raise _bad(f"{where}: the main content must be in %")
    sum_of = raw.get("sum_of", [])
    if not isinstance(sum_of, list) or not all(isinstance(s, str) for s in sum_of):
        raise _bad(f"{where}.sum_of must be a list of parameter names")
    if _text(raw, "source", where) not in sources:
        raise _bad(f"{where} cites unknown source {raw['source']!r}")
    if raw.get("status") not in STATUSES:
        raise _bad(f"{where}.status must be one of {', '.join(STATUSES)}; got {raw.get('status')!r}")
    return SpecParameter(
        name=name,
        label=labels.get(name, name),
        unit=unit,
        minimum=minimum,
        maximum=maximum,
        max_exclusive=exclusive,
        main=main,
        sum_of=tuple(sum_of),
        source=raw["source"],
        status=raw["status"],
    )


def _specification(key: str, raw: object, data: GradingData, labels: Mapping[str, str]) -> Specification:
    where = f"specifications.{key}"
    if not isinstance(raw, Mapping):
        raise _bad(f"{where} must be a table")
    product = _text(raw, "product", where)
    if product not in data.products:
        raise _bad(f"{where}.product {product!r} is not in [products]")
    rank = raw.get("rank")
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise _bad(f"{where}.rank must be a whole number from 1")
    items = raw.get("parameters")
    if not isinstance(items, list) or not items:
        raise _bad(f"{where}.parameters must be a non-empty list")
    params = tuple(_parameter(p, f"{where}.parameters[{i}]", data.sources, labels) for i, p in enumerate(items))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise _bad(f"{where} lists a parameter twice")
    if sum(p.main for p in params) > 1:
        raise _bad(f"{where} has more than one main parameter")
    for p in params:
        if p.sum_of and (p.unit != "%" or not set(p.sum_of) <= set(names) - {p.name}):
            raise _bad(f"{where}: {p.name} must sum parameters of the same specification, in %")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise _bad(f"{where}.note must be a string")
    return Specification(
        id=key,
        product=product,
        name=_text(raw, "name", where),
        rank=rank,
        note=note,
        valid_from=_date(raw, "valid_from", where),
        valid_until=_date(raw, "valid_until", where),
        parameters=params,
    )


def parse_grading_data(data: Mapping[str, Any]) -> GradingData:
    """Parse and check the content of a specifications file (see ``data/grading/specifications.toml``).

    Raises:
        ReferenceDataError: If a table or value is missing or malformed, a source or product is unknown, two
            specifications of a product share a rank, or they disagree on the main-content parameter.
    """
    try:
        raw_sources, raw_products, raw_specs = data["sources"], data["products"], data["specifications"]
    except KeyError as exc:
        raise _bad(f"the [{exc.args[0]}] table is missing") from None
    sources = {}
    for key, raw in raw_sources.items():
        where = f"sources.{key}"
        day = _text(raw, "date", where)
        if not (_DATE.match(day) or day.startswith("n.d.")):
            raise _bad(f"{where}.date must be YYYY, YYYY-MM, YYYY-MM-DD or 'n.d. (...)'; got {day!r}")
        sources[key] = Source(key=key, citation=_text(raw, "citation", where), url=_text(raw, "url", where), date=day)
    labels = dict(data.get("parameter_labels", {}))
    products = {}
    for key, raw in raw_products.items():
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise _bad(f"products.{key}.aliases must be a list of strings")
        label = _text(raw, "label", f"products.{key}")
        products[key] = Product(key=key, label=label, aliases=tuple(aliases), main=None, parameters=(), derived={})
    partial = GradingData(sources=sources, products=products, specifications={})
    specs = {key: _specification(key, raw, partial, labels) for key, raw in raw_specs.items()}
    for key, product in products.items():
        own = sorted((s for s in specs.values() if s.product == key), key=lambda s: s.rank)
        if not own:
            raise _bad(f"product {key!r} has no specification")
        if len({s.rank for s in own}) != len(own):
            raise _bad(f"two specifications of {key!r} share a rank")
        mains = {p.name for s in own for p in s.parameters if p.main}
        if len(mains) > 1 or (mains and any(not any(p.main for p in s.parameters) for s in own)):
            raise _bad(f"the specifications of {key!r} disagree on the main content ({sorted(mains)})")
        names = dict.fromkeys(p.name for s in own for p in s.parameters)
        products[key] = Product(
            key=key,
            label=product.label,
            aliases=product.aliases,
            main=next(iter(mains), None),
            parameters=tuple(names),
            derived={p.name: p.sum_of for s in own for p in s.parameters if p.sum_of},
        )
    return GradingData(sources=sources, products=products, specifications=specs)


@cache
def get_grading_data() -> GradingData:
    """Return the specifications of ``data/grading/specifications.toml`` (read once).

    Raises:
        ReferenceDataError: If the file is missing or malformed.
    """
    return parse_grading_data(read_toml(SPECIFICATIONS_FILE))


def _key(text: str) -> str:
    return re.sub(r"[\s·._\-]+", "", text).lower()


def find_product(name: str) -> Product | None:
    """Return the product named ``name`` (key or alias; case, blanks, dots and ``·`` ignored), or ``None``."""
    wanted = _key(name)
    for product in get_grading_data().products.values():
        if wanted in {_key(product.key), *(_key(a) for a in product.aliases)}:
            return product
    return None
