"""Design-for-recycling score of a battery model: 0-100, a breakdown per criterion, advice and CRM content.

The criteria, weights, scoring parameters, the critical raw material list and the prices are data
(``data/design/criteria.toml``), each with its rationale, source and verification status; the rules that are a
project judgement ([U]) are listed in every result's ``assumptions``.

References:
    passport-data-model.md §1.5 (dismantling information, CRM reporting); recycling-process-data.md §1.5
    (EverBatt 2023 manual disassembly times and labour rate) and §6 (prices).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, Final

from batteryloop.domain.errors import ReferenceDataError
from batteryloop.domain.passport.primitives import describe
from batteryloop.domain.refdata import read_toml
from batteryloop.domain.transport.errors import Problems, check_choice, check_decimal

CRITERIA_FILE: Final = "design/criteria.toml"
JOINING_METHODS: Final = ("screws", "clips", "adhesive", "potting", "welded")
JOINING_LEVELS: Final = ("pack_to_module", "module_to_cell", "pack_to_cell")
TOOLS: Final = ("standard", "special", "none_needed")
CELL_FORMATS: Final = ("prismatic", "pouch", "cylindrical", "cell_to_pack")
CRITERIA: Final = (
    "joining",
    "dismantling_information",
    "disassembly_time",
    "disassembly_steps",
    "tools",
    "modularity",
    "cell_format",
    "chemistry_label",
    "material_mix",
    "hazardous_substances",
    "critical_raw_material_value",
)
MAX_MINUTES: Final = Decimal(10_080)  # a week: beyond it a manual disassembly estimate is a typo
_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)
_HUNDRED: Final = Decimal(100)
_JOINING_ALIASES: Final = {
    "screw": "screws",
    "screwed": "screws",
    "bolts": "screws",
    "bolted": "screws",
    "fasteners": "screws",
    "clip": "clips",
    "clipped": "clips",
    "glue": "adhesive",
    "glued": "adhesive",
    "adhesives": "adhesive",
    "bonded": "adhesive",
    "potted": "potting",
    "weld": "welded",
    "welding": "welded",
    "laser_welded": "welded",
}
#: a joining method as the thing to replace, in advice
_JOINT_NOUNS: Final = {
    "potting": "potting",
    "clips": "clipped joints",
    "adhesive": "adhesive joints",
    "welded": "welded joints",
}
_TOOL_ALIASES: Final = {"none": "none_needed", "no_tools": "none_needed", "standard_tools": "standard"}
_FORMAT_ALIASES: Final = {"ctp": "cell_to_pack", "prism": "prismatic", "round": "cylindrical"}


# ------------------------------------------------------------------------------------------ reference data
@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """One criterion of the score: weight, rule, rationale, source and the parameters of its rule."""

    name: str
    label: str
    weight: Decimal
    rule: str
    rationale: str
    source: str
    status: str
    params: Mapping[str, Any]

    @property
    def unverified(self) -> bool:
        """Whether the criterion rests on a [U] judgement."""
        return "[U]" in self.status


@dataclass(frozen=True, slots=True, kw_only=True)
class CrmEntry:
    """A critical raw material of the EU list, the names that match it and its price (if the notes give one)."""

    key: str
    names: tuple[str, ...]
    price_usd_per_kg: Decimal | None
    price_note: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignCriteria:
    """The parsed ``criteria.toml``."""

    criteria: Mapping[str, Criterion]
    sources: Mapping[str, str]
    missing_score: Decimal
    advice_count: int
    usd_per_eur: Decimal
    currency_note: str
    crm: tuple[CrmEntry, ...]


def _dec(raw: Mapping[str, Any], key: str, where: str) -> Decimal:
    value = raw.get(key)
    if not isinstance(value, str):
        raise ReferenceDataError(f"{CRITERIA_FILE}: {where}.{key} must be a decimal string")
    return Decimal(value)


@cache
def get_design_criteria() -> DesignCriteria:
    """Return the criteria, weights, CRM list and prices of ``data/design/criteria.toml`` (read once).

    Raises:
        ReferenceDataError: If the file is malformed, a criterion is missing or the weights do not sum to 1.
    """
    data = read_toml(CRITERIA_FILE)
    sources = {key: f"{v['citation']} ({v['date']})" for key, v in data["sources"].items()}
    criteria: dict[str, Criterion] = {}
    for name in CRITERIA:
        raw = data["criteria"].get(name)
        if raw is None:
            raise ReferenceDataError(f"{CRITERIA_FILE}: criterion {name!r} is missing")
        if raw["source"] not in sources:
            raise ReferenceDataError(f"{CRITERIA_FILE}: criterion {name!r} cites unknown source {raw['source']!r}")
        fixed = ("label", "weight", "rule", "rationale", "source", "status")
        criteria[name] = Criterion(
            name=name,
            label=raw["label"],
            weight=_dec(raw, "weight", name),
            rule=raw["rule"],
            rationale=raw["rationale"],
            source=raw["source"],
            status=raw["status"],
            params={k: v for k, v in raw.items() if k not in fixed},
        )
    total = sum((c.weight for c in criteria.values()), _ZERO)
    if total != _ONE:
        raise ReferenceDataError(f"{CRITERIA_FILE}: criterion weights sum to {total}, not 1")
    crm = []
    for key, raw in data["crm"].items():
        price = raw.get("price_usd_per_kg")
        note = None
        if price is not None:
            note = f"{raw['price_status']}; {sources[raw['price_source']]}; price date {raw['price_date']}"
        crm.append(
            CrmEntry(
                key=key,
                names=tuple(n.lower() for n in raw["names"]),
                price_usd_per_kg=None if price is None else Decimal(price),
                price_note=note,
            )
        )
    currency = data["currency"]
    return DesignCriteria(
        criteria=criteria,
        sources=sources,
        missing_score=_dec(data, "missing_score", "top level"),
        advice_count=int(data["advice_count"]),
        usd_per_eur=_dec(currency, "usd_per_eur", "currency"),
        currency_note=f"{currency['status']} ({sources[currency['source']]})",
        crm=tuple(crm),
    )


# ------------------------------------------------------------------------------------------ inputs
@dataclass(frozen=True, slots=True, kw_only=True)
class Material:
    """A material of the model (passport attribute #33 shape): name, mass and the passport's CRM flag."""

    name: str
    mass_kg: Decimal
    critical_raw_material: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HazardousSubstance:
    """A hazardous substance of the model (passport attribute #34 shape)."""

    name: str
    hazard_class: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignFacts:
    """A battery model's design facts: passport-derived data plus facts the passport does not carry.

    ``materials`` / ``hazardous_substances`` are ``None`` when not given (not assessed), empty when declared
    empty. ``joining`` maps a level (``pack_to_module``, ``module_to_cell``; ``pack_to_cell`` for a pack without
    modules) to a method. ``disassembly_minutes`` is the estimated manual time from pack to modules (to cells
    where the pack has no modules), without removal from the vehicle.
    """

    code: str | None = None
    oem: str | None = None
    year: int | None = None
    chemistry: str
    pack_mass_kg: Decimal
    materials: tuple[Material, ...] | None = None
    hazardous_substances: tuple[HazardousSubstance, ...] | None = None
    has_dismantling_manual: bool
    joining: tuple[tuple[str, str], ...]
    disassembly_steps: int
    disassembly_minutes: Decimal
    tools: str
    modules: int
    cell_format: str
    chemistry_label_on_modules: bool

    @property
    def joining_map(self) -> dict[str, str]:
        """``joining`` as a dictionary."""
        return dict(self.joining)


def _check_bool(value: object, field: str, problems: Problems, *, required: str | None) -> bool | None:
    if value is None:
        if required:
            problems.add(field, required)
        return None
    if not isinstance(value, bool):
        problems.add(field, f"must be true or false; got {describe(value)}")
        return None
    return value


def _check_int(
    value: object, field: str, problems: Problems, *, minimum: int, what: str, maximum: int = 10_000
) -> int | None:
    if value is None:
        problems.add(field, f"is required: {what}")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(field, f"must be a whole number ({what}); got {describe(value)}")
        return None
    if value < minimum:
        problems.add(field, f"must be {minimum} or more ({what}); got {value}")
        return None
    if value > maximum:
        problems.add(field, f"must be at most {maximum} ({what}); got {value}: check the number")
        return None
    return value


def _check_text(value: object, field: str, problems: Problems, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            problems.add(field, "is required")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add(field, f"must be a non-empty string; got {describe(value)}")
        return None
    return value.strip()


def _check_materials(value: object, problems: Problems) -> tuple[Material, ...] | None:
    if value is None:
        return None
    if not isinstance(value, Sequence) or isinstance(value, str):
        problems.add("materials", f"must be a list of {{name, mass_kg}} objects; got {describe(value)}")
        return None
    out = []
    for i, item in enumerate(value):
        where = f"materials[{i}]"
        if not isinstance(item, Mapping):
            problems.add(where, f"must be an object {{name, mass_kg, critical_raw_material?}}; got {describe(item)}")
            continue
        name = _check_text(item.get("name"), f"{where}.name", problems, required=True)
        mass = check_decimal(
            item.get("mass_kg"), f"{where}.mass_kg", problems, unit="kg", what="the material's mass in the pack"
        )
        if item.get("mass_kg") is None:
            problems.add(f"{where}.mass_kg", "is required: the material's mass in the pack [kg]")
        crm = _check_bool(item.get("critical_raw_material"), f"{where}.critical_raw_material", problems, required=None)
        if name is not None and mass is not None:
            out.append(Material(name=name, mass_kg=mass, critical_raw_material=crm))
    return tuple(out)


def _check_hazardous(value: object, problems: Problems) -> tuple[HazardousSubstance, ...] | None:
    if value is None:
        return None
    if not isinstance(value, Sequence) or isinstance(value, str):
        problems.add("hazardous_substances", f"must be a list of {{name, hazard_class?}}; got {describe(value)}")
        return None
    out = []
    for i, item in enumerate(value):
        where = f"hazardous_substances[{i}]"
        if not isinstance(item, Mapping):
            problems.add(where, f"must be an object {{name, hazard_class?}}; got {describe(item)}")
            continue
        name = _check_text(item.get("name"), f"{where}.name", problems, required=True)
        hazard = _check_text(item.get("hazard_class"), f"{where}.hazard_class", problems)
        if name is not None:
            out.append(HazardousSubstance(name=name, hazard_class=hazard))
    return tuple(out)


def _check_joining(value: object, modules: int | None, cell_format: str | None, problems: Problems) -> dict[str, str]:
    if value is None:
        problems.add("joining", "is required: the joining method per level, e.g. {pack_to_module: screws, ...}")
        return {}
    if not isinstance(value, Mapping):
        problems.add("joining", f"must be an object of level -> method; got {describe(value)}")
        return {}
    out: dict[str, str] = {}
    for level, method in value.items():
        level_key = check_choice(level, "joining", problems, choices=JOINING_LEVELS)
        if level_key is None:
            continue
        chosen = check_choice(
            method,
            f"joining.{level_key}",
            problems,
            choices=JOINING_METHODS,
            aliases=_JOINING_ALIASES,
            required_reason="is required",
        )
        if chosen is not None:
            out[level_key] = chosen
    without_modules = modules == 0 or cell_format == "cell_to_pack"
    needed = ("pack_to_cell",) if without_modules else ("pack_to_module", "module_to_cell")
    for level in needed:
        if level not in out and not problems.has(f"joining.{level}"):
            why = "a pack without modules (cell_to_pack or modules 0)" if without_modules else "a modular pack"
            problems.add(f"joining.{level}", f"is required for {why}; give one of {', '.join(JOINING_METHODS)}")
    return out


def check_design_facts(
    *,
    chemistry: object = None,
    pack_mass_kg: object = None,
    has_dismantling_manual: object = None,
    joining: object = None,
    disassembly_steps: object = None,
    disassembly_minutes: object = None,
    tools: object = None,
    modules: object = None,
    cell_format: object = None,
    chemistry_label_on_modules: object = None,
    code: object = None,
    oem: object = None,
    year: object = None,
    materials: object = None,
    hazardous_substances: object = None,
    documents: object = None,
    field_prefix: str = "",
) -> DesignFacts:
    """Check raw values (JSON-like) and return :class:`DesignFacts`.

    ``has_dismantling_manual`` may be left out when ``documents`` (passport document types or ``{type}`` objects)
    is given: a ``dismantling_manual`` among them decides.

    Raises:
        ClassificationInputError: Listing every bad value with its field (prefixed by ``field_prefix``).
    """
    problems = Problems()
    chem = _check_text(chemistry, "chemistry", problems)
    if chemistry is None:
        problems.add("chemistry", "is required: the battery chemistry code of the passport, e.g. NMC811 or LFP")
    mass = check_decimal(pack_mass_kg, "pack_mass_kg", problems, unit="kg", what="the pack's mass")
    if pack_mass_kg is None:
        problems.add("pack_mass_kg", "is required: the pack's mass [kg] (passport battery_mass_kg)")
    steps = _check_int(disassembly_steps, "disassembly_steps", problems, minimum=1, what="steps, pack to modules")
    minutes = check_decimal(
        disassembly_minutes, "disassembly_minutes", problems, unit="min", what="estimated time, pack to modules"
    )
    if disassembly_minutes is None:
        problems.add("disassembly_minutes", "is required: estimated manual disassembly time, pack to modules [min]")
    elif minutes is not None and minutes > MAX_MINUTES:
        problems.add("disassembly_minutes", f"must be at most {MAX_MINUTES:,} min (a week of work); got {minutes}")
        minutes = None
    tool = check_choice(tools, "tools", problems, choices=TOOLS, aliases=_TOOL_ALIASES, required_reason="is required")
    n_modules = _check_int(modules, "modules", problems, minimum=0, what="number of modules, 0 for cell-to-pack")
    fmt = check_choice(
        cell_format,
        "cell_format",
        problems,
        choices=CELL_FORMATS,
        aliases=_FORMAT_ALIASES,
        required_reason=f"is required: one of {', '.join(CELL_FORMATS)}",
    )
    label = _check_bool(
        chemistry_label_on_modules, "chemistry_label_on_modules", problems, required="is required (true or false)"
    )
    manual = _check_bool(has_dismantling_manual, "has_dismantling_manual", problems, required=None)
    doc_types = _document_types(documents, problems)
    if manual is None and doc_types is None and not problems.has("has_dismantling_manual"):
        problems.add(
            "has_dismantling_manual", "is required (true or false) unless documents lists the passport documents"
        )
    elif manual is not None and doc_types is not None and manual != ("dismantling_manual" in doc_types):
        problems.add("has_dismantling_manual", "contradicts documents (a dismantling_manual is listed or not)")
    joined = _check_joining(joining, n_modules, fmt, problems)
    if n_modules is not None and n_modules > 0 and fmt == "cell_to_pack":
        problems.add("modules", f"must be 0 for cell_format cell_to_pack; got {n_modules}")
    year_value = (
        None if year is None else _check_int(year, "year", problems, minimum=1990, maximum=2100, what="model year")
    )
    mats = _check_materials(materials, problems)
    hazards = _check_hazardous(hazardous_substances, problems)
    code_text = _check_text(code, "code", problems)
    oem_text = _check_text(oem, "oem", problems)
    if problems.items:
        if field_prefix:
            problems.items[:] = [replace(p, field=f"{field_prefix}.{p.field}") for p in problems.items]
        problems.raise_if_any()
    if (
        chem is None
        or mass is None
        or steps is None
        or minutes is None
        or tool is None
        or n_modules is None
        or fmt is None
        or label is None
    ):  # pragma: no cover - a problem was recorded for each of them
        raise AssertionError("unreachable: unchecked design facts")
    return DesignFacts(
        code=code_text,
        oem=oem_text,
        year=year_value,
        chemistry=chem,
        pack_mass_kg=mass,
        materials=mats,
        hazardous_substances=hazards,
        has_dismantling_manual=manual if manual is not None else "dismantling_manual" in (doc_types or ()),
        joining=tuple(sorted(joined.items())),
        disassembly_steps=steps,
        disassembly_minutes=minutes,
        tools=tool,
        modules=n_modules,
        cell_format=fmt,
        chemistry_label_on_modules=label,
    )


def _document_types(value: object, problems: Problems) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, Sequence) or isinstance(value, str):
        problems.add("documents", f"must be a list of document types or {{type, url}} objects; got {describe(value)}")
        return None
    types = []
    for i, item in enumerate(value):
        kind = item.get("type") if isinstance(item, Mapping) else item
        if not isinstance(kind, str):
            problems.add(f"documents[{i}]", f"must be a document type or {{type, url}}; got {describe(item)}")
            continue
        types.append(kind.strip().lower())
    return tuple(types)


# ------------------------------------------------------------------------------------------ results
@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionScore:
    """One line of the breakdown: score 0-1, weight, points (100 x weight x score) and why."""

    criterion: str
    label: str
    score: Decimal
    weight: Decimal
    points: Decimal
    why: str
    assessed: bool = True

    @property
    def lost_points(self) -> Decimal:
        """Points this criterion leaves on the table."""
        return _HUNDRED * self.weight - self.points


@dataclass(frozen=True, slots=True, kw_only=True)
class Advice:
    """A concrete change for a weak criterion and its estimated effect on the score."""

    criterion: str
    action: str
    gain_points: Decimal
    effect: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CrmLine:
    """One critical raw material in the model: mass and value (``None`` where the data file has no price)."""

    material: str
    crm: str | None
    mass_kg: Decimal
    value_eur: Decimal | None
    basis: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CrmContent:
    """The model's critical raw material content and value."""

    mass_kg: Decimal
    value_eur: Decimal
    share_of_pack: Decimal
    lines: tuple[CrmLine, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignScore:
    """The design-for-recycling score of one model, with the inputs it used, breakdown, advice and CRM."""

    inputs: DesignFacts
    total: Decimal
    breakdown: tuple[CriterionScore, ...]
    advice: tuple[Advice, ...]
    crm: CrmContent | None
    assumptions: tuple[str, ...]

    @property
    def total_display(self) -> Decimal:
        """The total rounded half-up to one decimal."""
        return round_half_up(self.total, "0.1")

    def criterion(self, name: str) -> CriterionScore:
        """Return the breakdown line of ``name``."""
        return next(line for line in self.breakdown if line.criterion == name)


def round_half_up(value: Decimal, quantum: str) -> Decimal:
    """Round for display, half up."""
    return value.quantize(Decimal(quantum), rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _linear(value: Decimal, best: Decimal, worst: Decimal) -> Decimal:
    if value <= best:
        return _ONE
    if value >= worst:
        return _ZERO
    return (worst - value) / (worst - best)


# ------------------------------------------------------------------------------------------ criteria
def _score_joining(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    method_scores = {k: Decimal(v) for k, v in c.params["method_scores"].items()}
    level_weights = {k: Decimal(v) for k, v in c.params["level_weights"].items()}
    joined = facts.joining_map
    total_weight = sum((level_weights[level] for level in joined), _ZERO)
    score = sum((level_weights[lv] * method_scores[m] for lv, m in joined.items()), _ZERO) / total_weight
    parts = [f"{lv} {m} ({_fmt(method_scores[m])})" for lv, m in joined.items()]
    weak = [f"{m} at {lv}" for lv, m in joined.items() if m in ("adhesive", "potting", "welded")]
    tail = (
        f"; {', '.join(weak)} must be cut, heated or broken out" if weak else "; all joints come apart without damage"
    )
    return score, f"joining {', '.join(parts)}, level-weighted{tail}"


def _score_manual(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    if facts.has_dismantling_manual:
        return _ONE, "a dismantling manual is in the passport (attribute #36)"
    return _ZERO, "no dismantling manual in the passport (attribute #36, Annex XIII point 2): dismantlers must guess"


def _score_time(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    best, worst = Decimal(c.params["best_minutes"]), Decimal(c.params["worst_minutes"])
    score = _linear(facts.disassembly_minutes, best, worst)
    return score, (
        f"{_fmt(facts.disassembly_minutes)} min estimated; 1 at <= {_fmt(best)} min, 0 at >= {_fmt(worst)} min "
        "(EverBatt 2023 assumes 120 min pack to modules)"
    )


def _score_steps(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    best, worst = Decimal(c.params["best_steps"]), Decimal(c.params["worst_steps"])
    score = _linear(Decimal(facts.disassembly_steps), best, worst)
    return score, f"{facts.disassembly_steps} steps; 1 at <= {_fmt(best)}, 0 at >= {_fmt(worst)}"


def _score_tools(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    score = Decimal(c.params["tool_scores"][facts.tools])
    return score, f"tools: {facts.tools}" + (" (proprietary tools keep dismantlers out)" if score < _ONE else "")


def _score_modularity(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    if facts.modules >= 2:
        return _ONE, f"modular pack, {facts.modules} modules that can be tested, reused or repurposed"
    if facts.modules == 1:
        return Decimal(c.params["single_module_score"]), "a single module: no module-level reuse"
    return Decimal(c.params["cell_to_pack_score"]), "no modules (cell-to-pack): only the whole pack or single cells"


def _score_format(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    return Decimal(c.params["format_scores"][facts.cell_format]), f"cell format {facts.cell_format}"


def _score_label(facts: DesignFacts, c: Criterion) -> tuple[Decimal, str]:
    if facts.chemistry_label_on_modules:
        return _ONE, "chemistry labelled on the modules: sortable before shredding"
    return _ZERO, "no chemistry label on the modules: chemistry must be tested or looked up before sorting"


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]


def _matches(name: str, keywords: Sequence[str]) -> bool:
    words, lower = _words(name), name.lower()
    return any((k in words) if len(k) <= 3 else (k in lower) for k in keywords)


def _score_mix(facts: DesignFacts, c: Criterion, missing: Decimal) -> tuple[Decimal, str, bool]:
    if not facts.materials:
        return missing, f"not assessed: no materials given (passport attribute #33); neutral {_fmt(missing)}", False
    recovered, lost, unknown = _ZERO, _ZERO, []
    for m in facts.materials:
        if _matches(m.name, c.params["lost_keywords"]):
            lost += m.mass_kg
        elif _matches(m.name, c.params["recovered_keywords"]):
            recovered += m.mass_kg
        else:
            unknown.append(m.name)
    left_out = f"; not classified: {', '.join(unknown)}" if unknown else ""
    if recovered + lost == 0:
        return missing, f"not assessed: no listed material could be classified{left_out}", False
    share = recovered / (recovered + lost)
    kg_recovered, kg_classified = _fmt(round_half_up(recovered, "0.1")), _fmt(round_half_up(recovered + lost, "0.1"))
    percent = _fmt(round_half_up(share * _HUNDRED, "0.1"))
    return share, f"{kg_recovered} kg recovered class of {kg_classified} kg classified ({percent} %){left_out}", True


def _score_hazards(facts: DesignFacts, c: Criterion, missing: Decimal) -> tuple[Decimal, str, bool]:
    if facts.hazardous_substances is None:
        return (
            missing,
            f"not assessed: hazardous substances not declared (attribute #34); neutral {_fmt(missing)}",
            False,
        )
    if not facts.hazardous_substances:
        return _ONE, "no hazardous substances declared", True
    penalty, cmr_penalty = Decimal(c.params["penalty"]), Decimal(c.params["cmr_penalty"])
    total, cmr = _ZERO, []
    for s in facts.hazardous_substances:
        is_cmr = s.hazard_class is not None and any(k in s.hazard_class.lower() for k in c.params["cmr_markers"])
        total += cmr_penalty if is_cmr else penalty
        if is_cmr:
            cmr.append(s.name)
    score = max(_ZERO, _ONE - total)
    cmr_text = f", CMR: {', '.join(cmr)}" if cmr else ""
    names = ", ".join(s.name for s in facts.hazardous_substances)
    return score, f"{len(facts.hazardous_substances)} hazardous substances ({names}{cmr_text})", True


def _crm_entry(name: str, crm: Sequence[CrmEntry]) -> tuple[CrmEntry | None, bool]:
    """The CRM entry a material's name matches, and whether the name is that material alone (valued as such).

    A compound or mixture ("lithium nickel manganese cobalt oxide") matches but is not priced as a pure material.
    """
    words, lower = _words(name), name.lower()
    joined = " ".join(words)
    matches = [e for e in crm if any((" " in n and n in lower) or n in words for n in e.names)]
    for entry in matches:
        if joined in entry.names:
            return entry, True
    return (matches[0], False) if matches else (None, False)


def calculate_crm_content(facts: DesignFacts) -> CrmContent | None:
    """Return the critical raw material content and value of the listed materials, or ``None`` without materials.

    A material counts as CRM if the passport flags it (``critical_raw_material``) or its name matches the EU list
    in the data file; its value is mass x price (USD converted to EUR at the data file's rate) where a price is
    there. A material flagged ``critical_raw_material: false`` is not counted even if its name matches.
    """
    if not facts.materials:
        return None
    ref = get_design_criteria()
    lines, reasons = [], []
    for m in facts.materials:
        entry, alone = _crm_entry(m.name, ref.crm)
        if m.critical_raw_material is False or (entry is None and not m.critical_raw_material):
            continue
        if entry is not None and not alone:
            why = "a compound or mixture: give its elements' masses to value it"
            lines.append(CrmLine(material=m.name, crm=entry.key, mass_kg=m.mass_kg, value_eur=None, basis=why))
            reasons.append(f"{m.name}: counted in kg, not valued ({why}).")
            continue
        if entry is not None and entry.price_usd_per_kg is not None:
            value = m.mass_kg * entry.price_usd_per_kg / ref.usd_per_eur
            basis = f"{_fmt(entry.price_usd_per_kg)} USD/kg / {_fmt(ref.usd_per_eur)} USD/EUR: {entry.price_note}"
            lines.append(CrmLine(material=m.name, crm=entry.key, mass_kg=m.mass_kg, value_eur=value, basis=basis))
            continue
        why = "no price in the data file" if entry is not None else "flagged CRM in the passport, name not on the list"
        lines.append(
            CrmLine(material=m.name, crm=entry.key if entry else None, mass_kg=m.mass_kg, value_eur=None, basis=why)
        )
        reasons.append(f"{m.name}: counted in kg, not valued ({why}).")
    mass = sum((line.mass_kg for line in lines), _ZERO)
    value = sum((line.value_eur or _ZERO for line in lines), _ZERO)
    reasons.insert(0, f"USD prices converted at {_fmt(ref.usd_per_eur)} USD/EUR: {ref.currency_note}.")
    return CrmContent(
        mass_kg=mass,
        value_eur=value,
        share_of_pack=mass / facts.pack_mass_kg,
        lines=tuple(lines),
        reasons=tuple(reasons),
    )


def _score_crm(facts: DesignFacts, c: Criterion, missing: Decimal, crm: CrmContent | None) -> tuple[Decimal, str, bool]:
    if crm is None:
        return missing, f"not assessed: no materials given (passport attribute #33); neutral {_fmt(missing)}", False
    full = Decimal(c.params["full_score_eur_per_kg"])
    per_kg = crm.value_eur / facts.pack_mass_kg
    score = min(_ONE, per_kg / full)
    return (
        score,
        (
            f"{_fmt(round_half_up(crm.mass_kg, '0.1'))} kg CRM worth {_fmt(round_half_up(crm.value_eur, '1'))} EUR, "
            f"{_fmt(round_half_up(per_kg, '0.01'))} EUR per kg of pack; full score at {_fmt(full)} EUR/kg"
        ),
        True,
    )


# ------------------------------------------------------------------------------------------ the score
def _breakdown(
    facts: DesignFacts, crm: CrmContent | None = None
) -> tuple[tuple[CriterionScore, ...], CrmContent | None]:
    """The score per criterion; ``crm``: the CRM content when already computed for the same materials and mass."""
    ref = get_design_criteria()
    crm = crm if crm is not None else calculate_crm_content(facts)
    c = ref.criteria
    simple = {
        "joining": _score_joining,
        "dismantling_information": _score_manual,
        "disassembly_time": _score_time,
        "disassembly_steps": _score_steps,
        "tools": _score_tools,
        "modularity": _score_modularity,
        "cell_format": _score_format,
        "chemistry_label": _score_label,
    }
    lines = []
    for name in CRITERIA:
        crit = c[name]
        assessed = True
        if name in simple:
            score, why = simple[name](facts, crit)
        elif name == "material_mix":
            score, why, assessed = _score_mix(facts, crit, ref.missing_score)
        elif name == "hazardous_substances":
            score, why, assessed = _score_hazards(facts, crit, ref.missing_score)
        else:
            score, why, assessed = _score_crm(facts, crit, ref.missing_score, crm)
        lines.append(
            CriterionScore(
                criterion=name,
                label=crit.label,
                score=score,
                weight=crit.weight,
                points=_HUNDRED * crit.weight * score,
                why=why,
                assessed=assessed,
            )
        )
    return tuple(lines), crm


def _total(lines: Sequence[CriterionScore]) -> Decimal:
    return sum((line.points for line in lines), _ZERO)


def _improved(facts: DesignFacts, criterion: str) -> tuple[DesignFacts, str] | None:
    """The facts after the concrete change advised for ``criterion`` and the wording of that change."""
    ref = get_design_criteria().criteria
    if criterion == "joining":
        scores = ref["joining"].params["method_scores"]
        joined = facts.joining_map
        weak = {lv: m for lv, m in joined.items() if Decimal(scores[m]) < _ONE and m != "screws"}
        joined.update(dict.fromkeys(weak, "screws"))
        what = " and ".join(f"the {_JOINT_NOUNS.get(m, m)} at {lv}" for lv, m in sorted(weak.items()))
        return replace(facts, joining=tuple(sorted(joined.items()))), (
            f"replace {what} with screws or removable brackets"
        )
    if criterion == "dismantling_information":
        return replace(facts, has_dismantling_manual=True), (
            "publish a dismantling manual in the passport (exploded view, sequence, fasteners, tools, warnings)"
        )
    if criterion == "disassembly_time":
        best = Decimal(ref["disassembly_time"].params["best_minutes"])
        return replace(facts, disassembly_minutes=best), f"cut the disassembly time to {_fmt(best)} min"
    if criterion == "disassembly_steps":
        steps = int(Decimal(ref["disassembly_steps"].params["best_steps"]))
        return replace(facts, disassembly_steps=steps), f"reduce the disassembly to {steps} steps"
    if criterion == "tools":
        return replace(facts, tools="standard"), "design every fastener for standard tools"
    if criterion == "modularity":
        return replace(facts, modules=max(2, facts.modules)), "split the pack into separable modules"
    if criterion == "cell_format":
        return replace(facts, cell_format="prismatic"), "use large prismatic cells held by removable fixtures"
    if criterion == "chemistry_label":
        return replace(facts, chemistry_label_on_modules=True), "print the chemistry on every module's label"
    if criterion == "hazardous_substances" and facts.hazardous_substances:
        names = ", ".join(s.name for s in facts.hazardous_substances)
        return replace(facts, hazardous_substances=()), f"substitute the declared hazardous substances ({names})"
    return None  # material mix and CRM value follow from the chemistry; no single design change is advised


def _advise(
    facts: DesignFacts, lines: Sequence[CriterionScore], total: Decimal, crm: CrmContent | None
) -> tuple[Advice, ...]:
    ref = get_design_criteria()
    time_params = ref.criteria["disassembly_time"].params
    advice: list[Advice] = []
    for line in sorted(lines, key=lambda ln: (-ln.lost_points, CRITERIA.index(ln.criterion))):
        if len(advice) >= ref.advice_count or line.lost_points <= 0 or not line.assessed:
            continue
        change = _improved(facts, line.criterion)
        if change is None:
            continue
        better, action = change
        new_lines, _ = _breakdown(better, crm)  # no advised change touches materials or pack mass
        gain = _total(new_lines) - total
        if gain <= 0:
            continue
        effect = (
            f"{line.criterion} {_fmt(round_half_up(line.score, '0.01'))} -> "
            f"{_fmt(round_half_up(better_score(new_lines, line.criterion), '0.01'))}: "
            f"+{_fmt(round_half_up(gain, '0.1'))} points, {_fmt(round_half_up(total, '0.1'))} -> "
            f"{_fmt(round_half_up(total + gain, '0.1'))}"
        )
        if line.criterion == "disassembly_time":
            saved = facts.disassembly_minutes - better.disassembly_minutes
            usd = saved / 60 * Decimal(time_params["labour_usd_per_hour"])
            effect += (
                f"; saves {_fmt(saved)} min of labour, about {_fmt(round_half_up(usd / ref.usd_per_eur, '1'))} EUR per "
                f"pack at the EverBatt 2023 {_fmt(Decimal(time_params['labour_usd_per_hour']))} USD/h"
            )
        if line.criterion == "joining":
            effect += (
                "; the reference notes give no time figure for screwed versus bonded joints: estimate the new "
                "disassembly_minutes and score again for the time effect"
            )
        advice.append(Advice(criterion=line.criterion, action=action, gain_points=gain, effect=effect))
    return tuple(advice)


def better_score(lines: Sequence[CriterionScore], criterion: str) -> Decimal:
    """The score of ``criterion`` in ``lines``."""
    return next(line.score for line in lines if line.criterion == criterion)


def score_design(facts: DesignFacts) -> DesignScore:
    """Score one model's design for recycling: 0-100 with a breakdown, advice and its CRM content and value."""
    ref = get_design_criteria()
    lines, crm = _breakdown(facts)
    total = _total(lines)
    assumptions = [f"{c.name}: {c.status} ({ref.sources[c.source]})" for c in ref.criteria.values() if c.unverified]
    assumptions.append(f"missing data scores {_fmt(ref.missing_score)} (neutral) [U]")
    if crm is not None:
        assumptions.append(f"USD per EUR {_fmt(ref.usd_per_eur)}: {ref.currency_note}")
    return DesignScore(
        inputs=facts,
        total=total,
        breakdown=lines,
        advice=_advise(facts, lines, total, crm),
        crm=crm,
        assumptions=tuple(assumptions),
    )


def calculate_design_score(**raw: object) -> DesignScore:
    """Check raw values (see :func:`check_design_facts`) and score them."""
    return score_design(check_design_facts(**raw))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ comparison, trends
@dataclass(frozen=True, slots=True, kw_only=True)
class ComparisonRow:
    """One model in a side-by-side comparison."""

    rank: int
    code: str | None
    oem: str | None
    year: int | None
    total: Decimal
    points: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """Models side by side, best first, and the best model per criterion."""

    criteria: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    best_per_criterion: Mapping[str, tuple[str, ...]]


def compare_models(scores: Sequence[DesignScore]) -> Comparison:
    """Return the models side by side, ranked by total (ties share a rank), with the leaders per criterion.

    Models without a ``code`` are named ``#<position>`` (1-based, in the order given).
    """
    named = [(s.inputs.code or f"#{i + 1}", s) for i, s in enumerate(scores)]
    ordered = sorted(named, key=lambda ns: -ns[1].total)
    rows, rank, previous = [], 0, None
    for position, (name, s) in enumerate(ordered, start=1):
        if s.total != previous:
            rank, previous = position, s.total
        rows.append(
            ComparisonRow(
                rank=rank,
                code=name,
                oem=s.inputs.oem,
                year=s.inputs.year,
                total=s.total,
                points={line.criterion: line.points for line in s.breakdown},
            )
        )
    best: dict[str, tuple[str, ...]] = {}
    for criterion in CRITERIA:
        if not rows:
            break
        top = max(row.points[criterion] for row in rows)
        best[criterion] = tuple(row.code or "" for row in rows if row.points[criterion] == top)
    return Comparison(criteria=CRITERIA, rows=tuple(rows), best_per_criterion=best)


@dataclass(frozen=True, slots=True, kw_only=True)
class OemTrend:
    """Mean score of one automaker's models, overall and per model year (years in order)."""

    oem: str
    models: int
    mean_total: Decimal
    by_year: tuple[tuple[int, Decimal], ...]
    change_per_year: Decimal | None


def calculate_oem_trends(scores: Sequence[DesignScore]) -> tuple[tuple[OemTrend, ...], tuple[str, ...]]:
    """Return mean scores per automaker (and per model year where given) and notes on models left out.

    ``change_per_year`` is (mean of the last year - mean of the first year) / (years between), ``None`` with
    fewer than two years. Models without ``oem`` are left out and named in the notes.
    """
    groups: dict[str, list[DesignScore]] = {}
    notes = []
    for i, s in enumerate(scores):
        if s.inputs.oem is None:
            notes.append(f"{s.inputs.code or f'#{i + 1}'}: no oem given, left out of the trends")
            continue
        groups.setdefault(s.inputs.oem, []).append(s)
    trends = []
    for oem in sorted(groups):
        items = groups[oem]
        years: dict[int, list[Decimal]] = {}
        for s in items:
            if s.inputs.year is not None:
                years.setdefault(s.inputs.year, []).append(s.total)
        by_year = tuple((y, sum(v, _ZERO) / len(v)) for y, v in sorted(years.items()))
        change = None
        if len(by_year) >= 2:
            (y0, m0), (y1, m1) = by_year[0], by_year[-1]
            change = (m1 - m0) / (y1 - y0)
        trends.append(
            OemTrend(
                oem=oem,
                models=len(items),
                mean_total=sum((s.total for s in items), _ZERO) / len(items),
                by_year=by_year,
                change_per_year=change,
            )
        )
    return tuple(trends), tuple(notes)
