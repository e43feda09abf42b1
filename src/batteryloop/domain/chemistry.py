"""Battery chemistry reference: cathode composition, cell bills of materials and a pack's element masses.

Mass fractions are computed from the cathode's stoichiometry and standard atomic weights, never typed in.
The cell bills of materials (BOMs) and pack shares come from ``data/chemistry/chemistries.toml``, each with
its source and date; the atomic weights from ``data/chemistry/atomic_weights.csv``.

Element estimate, default ``scale_by="energy"``: the cell BOM is given in kg per kWh of cells, so each
component's mass is ``energy_kwh x kg/kWh``. Cathode active material per kWh is set by the cathode's capacity
and voltage and varies little between cell designs, which makes energy the better basis for Li, Ni, Co, Mn.
The stated pack mass and the cell share (the reference pack's, unless given) check the result: the cells
implied by the energy must fit in the pack, and a large gap to ``pack_mass_kg x cell_share`` is reported in
``reasons``. ``scale_by="cell_mass"`` scales the BOM to ``pack_mass_kg x cell_share`` of cells instead (same
composition per kg of cell).

Graphite is reported as the material under the key ``"graphite"`` (it is recovered and sold as graphite),
not as element C; carbon in carbon black, binders and solvents is not reported, nor are O, H, N. Pack
hardware (module and pack housings, cooling, busbars, BMS) is not split into elements: it is
``basis.non_cell_mass_kg``.

References:
    IUPAC/CIAAW, Standard atomic weights of the elements 2021, Pure Appl. Chem. 94 (2022) 573-600.
    Argonne National Laboratory, EverBatt 2023 (cell BOMs from BatPaC 5.0; 100-kWh pack breakdown).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from types import MappingProxyType
from typing import Any, Final, Literal

from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.refdata import read_csv, read_text, read_toml

ATOMIC_WEIGHTS_FILE: Final = "chemistry/atomic_weights.csv"
CHEMISTRIES_FILE: Final = "chemistry/chemistries.toml"
GRAPHITE_KEY: Final = "graphite"
REPORTED_KEYS: Final = ("Li", "Ni", "Co", "Mn", "Fe", "P", "Al", "Cu", GRAPHITE_KEY, "F", "Na")
"""Keys of ``element_mass_kg``, always all present (0.0 where absent), in this order."""
CELL_MASS_TOLERANCE: Final = 0.25
"""Relative gap between the cell mass implied by the energy and ``pack_mass_kg x cell_share`` above which the
estimate carries a warning in its reasons."""

ScaleBy = Literal["energy", "cell_mass"]
Moles = Mapping[str, Fraction | float | int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Chemistry:
    """One battery chemistry: cathode stoichiometry, computed mass fractions, links to reference data."""

    code: str
    name: str
    charge_carrier: str
    cathode_formula: str
    cathode_moles: Mapping[str, Fraction]
    cathode_molar_mass_g_per_mol: float
    cathode_mass_fractions: Mapping[str, float]
    aliases: tuple[str, ...]
    cell_bom_id: str | None
    pack_reference_id: str | None
    bom_note: str | None
    source: str
    date: str
    reference: str

    def __post_init__(self) -> None:
        if not self.cathode_moles or any(n <= 0 for n in self.cathode_moles.values()):
            raise ReferenceDataError(f"chemistry {self.code}: cathode_moles must be positive and not empty")
        if not math.isclose(sum(self.cathode_mass_fractions.values()), 1.0, abs_tol=1e-9):
            raise ReferenceDataError(f"chemistry {self.code}: cathode mass fractions do not sum to 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class CellBom:
    """A cell bill of materials: component masses per kWh of cells (``unit="kg/kWh"``) or per kg of cell."""

    bom_id: str
    chemistry_label: str
    unit: str
    cell_mass_kg_per_kwh: float | None
    components: Mapping[str, float]
    source: str
    date: str
    reference: str
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PackReference:
    """Mass breakdown of a reference pack: shares of cells, module hardware and pack hardware."""

    reference_id: str
    pack_energy_kwh: float
    pack_mass_kg: float
    cell_share: float
    module_hardware_share: float
    pack_hardware_share: float
    source: str
    date: str
    reference: str

    def __post_init__(self) -> None:
        shares = (self.cell_share, self.module_hardware_share, self.pack_hardware_share)
        if any(not 0.0 < s <= 1.0 for s in shares) or not math.isclose(sum(shares), 1.0, abs_tol=0.002):
            raise ReferenceDataError(f"pack reference {self.reference_id}: shares must be in (0, 1] and sum to 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class EstimateBasis:
    """What an element estimate rests on: BOM, scaling, cell share and the mass left unresolved."""

    scale_by: ScaleBy
    method: str
    bom_id: str
    bom_chemistry: str
    bom_source: str
    bom_date: str
    bom_cell_mass_kg_per_kwh: float
    bom_equivalent_energy_kwh: float
    cell_mass_kg: float
    cell_mass_from_energy_kg: float
    cell_mass_from_pack_kg: float
    cell_share: float
    cell_share_source: str
    implied_cell_share: float
    non_cell_mass_kg: float
    cell_component_mass_kg: Mapping[str, float]
    atomic_weights_source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PackElementEstimate:
    """Estimated element masses of one pack, with the basis and the reasons."""

    chemistry: str
    energy_kwh: float
    pack_mass_kg: float
    element_mass_kg: Mapping[str, float]
    basis: EstimateBasis
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Component:
    label: str
    from_cathode: bool
    mass_fractions: Mapping[str, float]
    report_as: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Reference:
    chemistries: Mapping[str, Chemistry]
    aliases: Mapping[str, str]
    ambiguous: Mapping[str, tuple[str, ...]]
    components: Mapping[str, _Component]
    cell_boms: Mapping[str, CellBom]
    pack_references: Mapping[str, PackReference]
    sources: Mapping[str, str]


# ---------------------------------------------------------------------------------------- atomic weights
@cache
def get_atomic_weights() -> Mapping[str, float]:
    """Return the standard atomic weights used here, by element symbol.

    Returns:
        Read-only mapping of element symbol to atomic weight [g/mol].

    Raises:
        ReferenceDataError: If the packaged table is missing or malformed.

    References:
        IUPAC/CIAAW, Standard atomic weights of the elements 2021 (abridged), Pure Appl. Chem. 94 (2022).
    """
    rows = read_csv(ATOMIC_WEIGHTS_FILE)
    try:
        weights = {row["symbol"].strip(): float(row["atomic_weight_g_per_mol"]) for row in rows}
    except (KeyError, AttributeError, ValueError) as exc:
        raise ReferenceDataError(f"{ATOMIC_WEIGHTS_FILE} is malformed: {exc}") from exc
    if len(weights) != len(rows) or not all(w > 0 for w in weights.values()):
        raise ReferenceDataError(f"{ATOMIC_WEIGHTS_FILE}: duplicate symbol or non-positive weight")
    return MappingProxyType(weights)


@cache
def get_atomic_weights_source() -> str:
    """Return the source and date of the atomic weights, as stated in the data file's header.

    Returns:
        ``"<source>; <date>"`` from the ``# source:`` and ``# date:`` comment lines.
    """
    notes = {}
    for line in read_text(ATOMIC_WEIGHTS_FILE).splitlines():
        match = re.match(r"#\s*(source|date):\s*(.+)", line)
        if match:
            notes[match.group(1)] = match.group(2).strip()
    return f"{notes.get('source', 'unknown source')}; {notes.get('date', 'undated')}"


def calculate_molar_mass_g_per_mol(moles: Moles, *, field: str = "moles") -> float:
    """Return the molar mass of a formula given as element -> moles per formula unit.

    Args:
        moles: Stoichiometric coefficients by element symbol (e.g. ``{"Li": 1, "Fe": 1, "P": 1, "O": 4}``).
        field: Name of the input reported in errors.

    Returns:
        Molar mass [g/mol].

    Raises:
        InvalidInputError: If the formula is empty, an element is unknown or a coefficient is not positive.
    """
    weights = get_atomic_weights()
    if not moles:
        raise InvalidInputError("the formula has no elements", field=field)
    total = 0.0
    for symbol, count in moles.items():
        if symbol not in weights:
            raise InvalidInputError(
                f"no atomic weight for element {symbol!r}; known: {', '.join(sorted(weights))}", field=field
            )
        if not _is_number(count) or not count > 0:
            raise InvalidInputError(f"moles of {symbol} must be a positive number, got {count!r}", field=field)
        total += float(count) * weights[symbol]
    return total


def calculate_mass_fractions(moles: Moles, *, field: str = "moles") -> dict[str, float]:
    """Return each element's mass fraction in a formula, from stoichiometry and standard atomic weights.

    Args:
        moles: Stoichiometric coefficients by element symbol.
        field: Name of the input reported in errors.

    Returns:
        Mass fraction [0, 1] per element, in the order given; the fractions sum to 1.

    Raises:
        InvalidInputError: As :func:`calculate_molar_mass_g_per_mol`.
    """
    molar_mass = calculate_molar_mass_g_per_mol(moles, field=field)
    weights = get_atomic_weights()
    return {symbol: float(count) * weights[symbol] / molar_mass for symbol, count in moles.items()}


def calculate_cathode_mass_fractions(chemistry: str) -> dict[str, float]:
    """Return the element mass fractions of a chemistry's cathode active material.

    Args:
        chemistry: Chemistry code or an unambiguous alias (e.g. ``"NMC811"``, ``"NCM 811"``, ``"LiFePO4"``).

    Returns:
        Mass fraction [0, 1] per element of the cathode formula, in formula order; they sum to 1.

    Raises:
        InvalidInputError: ``field="chemistry"`` if the chemistry is unknown or ambiguous.

    References:
        IUPAC/CIAAW standard atomic weights 2021 (abridged); formulas as listed in ``chemistries.toml``.
    """
    return dict(get_chemistry(chemistry).cathode_mass_fractions)


# ---------------------------------------------------------------------------------------- reference data
def _normalize(name: str) -> str:
    return re.sub(r"[\s\-_()\[\]./,·]+", "", name).upper()


def _moles(raw: Mapping[str, Any]) -> dict[str, Fraction]:
    # Exact coefficients: 0.8 -> 4/5 (through its decimal text), "1/3" -> 1/3.
    if not raw or any(isinstance(v, bool) for v in raw.values()):
        raise ValueError(f"bad moles table {raw!r}")
    return {el: Fraction(str(n)) if isinstance(n, float) else Fraction(n) for el, n in raw.items()}


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise ValueError(f"{key} must be a non-empty string")
    return value


def _parse_chemistry(code: str, raw: Mapping[str, Any], sources: Mapping[str, str]) -> Chemistry:
    moles = _moles(raw["cathode_moles"])
    if raw["source"] not in sources:
        raise ValueError(f"chemistry {code}: source {raw['source']!r} is not in [sources]")
    return Chemistry(
        code=code,
        name=str(raw["name"]),
        charge_carrier=str(raw["charge_carrier"]),
        cathode_formula=str(raw["cathode_formula"]),
        cathode_moles=MappingProxyType(moles),
        cathode_molar_mass_g_per_mol=calculate_molar_mass_g_per_mol(moles, field=f"{code}.cathode_moles"),
        cathode_mass_fractions=MappingProxyType(calculate_mass_fractions(moles, field=f"{code}.cathode_moles")),
        aliases=tuple(str(a) for a in raw.get("aliases", [])),
        cell_bom_id=_text(raw, "cell_bom"),
        pack_reference_id=_text(raw, "pack_reference"),
        bom_note=_text(raw, "bom_note"),
        source=str(raw["source"]),
        date=str(raw["date"]),
        reference=str(raw["reference"]),
    )


def _parse_bom(bom_id: str, raw: Mapping[str, Any], components: Mapping[str, _Component]) -> CellBom:
    per_kwh = raw["unit"] == "kg/kWh"
    table = raw["components_kg_per_kwh" if per_kwh else "components_kg_per_kg_cell"]
    if set(table) - set(components) or any(isinstance(v, bool) or not v >= 0 for v in table.values()):
        raise ValueError(f"cell BOM {bom_id}: unknown component or negative mass")
    return CellBom(
        bom_id=bom_id,
        chemistry_label=str(raw["chemistry"]),
        unit=str(raw["unit"]),
        cell_mass_kg_per_kwh=float(raw["cell_mass_kg_per_kwh"]) if per_kwh else None,
        components=MappingProxyType({name: float(kg) for name, kg in table.items()}),
        source=str(raw["source"]),
        date=str(raw["date"]),
        reference=str(raw["reference"]),
        note=_text(raw, "note"),
    )


def _parse_reference(data: Mapping[str, Any]) -> _Reference:
    sources = {tag: f"{s['citation']} ({s['date']})" for tag, s in data["sources"].items()}
    components = {
        name: _Component(
            label=str(raw["label"]),
            from_cathode=raw.get("moles") == "cathode",
            mass_fractions=MappingProxyType(
                {}
                if raw.get("moles") in (None, "cathode")
                else calculate_mass_fractions(_moles(raw["moles"]), field=f"components.{name}")
            ),
            report_as=_text(raw, "report_as"),
        )
        for name, raw in data["components"].items()
    }
    boms = {bom_id: _parse_bom(bom_id, raw, components) for bom_id, raw in data["cell_boms"].items()}
    packs = {
        ref_id: PackReference(
            reference_id=ref_id,
            **{key: float(raw[key]) for key in _PACK_NUMBERS},
            source=str(raw["source"]),
            date=str(raw["date"]),
            reference=str(raw["reference"]),
        )
        for ref_id, raw in data["pack_references"].items()
    }
    if ({b.source for b in boms.values()} | {p.source for p in packs.values()}) - set(sources):
        raise ValueError("a cell BOM or pack reference names a source that is not in [sources]")
    chemistries = {code: _parse_chemistry(code, raw, sources) for code, raw in data["chemistries"].items()}
    aliases: dict[str, str] = {}
    for chem in chemistries.values():
        if chem.cell_bom_id not in (None, *boms) or chem.pack_reference_id not in (None, *packs):
            raise ValueError(f"chemistry {chem.code} names an unknown cell BOM or pack reference")
        for alias in (chem.code, *chem.aliases):
            if aliases.setdefault(_normalize(alias), chem.code) != chem.code:
                raise ValueError(f"alias {alias!r} names two chemistries")
    ambiguous = {_normalize(k): tuple(str(c) for c in v) for k, v in data["ambiguous_aliases"].items()}
    if set(ambiguous) & set(aliases) or not {c for v in ambiguous.values() for c in v} <= set(chemistries):
        raise ValueError("[ambiguous_aliases] overlaps the aliases or names unknown codes")
    return _Reference(
        chemistries=MappingProxyType(chemistries),
        aliases=MappingProxyType(aliases),
        ambiguous=MappingProxyType(ambiguous),
        components=MappingProxyType(components),
        cell_boms=MappingProxyType(boms),
        pack_references=MappingProxyType(packs),
        sources=MappingProxyType(sources),
    )


_PACK_NUMBERS: Final = (
    "pack_energy_kwh",
    "pack_mass_kg",
    "cell_share",
    "module_hardware_share",
    "pack_hardware_share",
)


@cache
def _reference() -> _Reference:
    try:
        return _parse_reference(read_toml(CHEMISTRIES_FILE))
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError, InvalidInputError) as exc:
        raise ReferenceDataError(f"{CHEMISTRIES_FILE} is malformed: {exc}") from exc


def list_chemistries() -> tuple[Chemistry, ...]:
    """Return every chemistry of the reference, in data-file order.

    Returns:
        The chemistries, each with its computed cathode mass fractions.
    """
    return tuple(_reference().chemistries.values())


def get_chemistry(code: str) -> Chemistry:
    """Return a chemistry by code or unambiguous alias, case- and punctuation-insensitively.

    Args:
        code: ``"NMC811"``, ``"nmc 811"``, ``"NCM811"``, ``"LiFePO4"``, ``"Prussian white"``, ...

    Returns:
        The chemistry.

    Raises:
        InvalidInputError: ``field="chemistry"`` for an unknown name (the reason lists the known codes) or an
            ambiguous one such as ``"NMC"`` (the reason lists the candidates).
    """
    ref = _reference()
    exact = ref.chemistries.get(code) if isinstance(code, str) else None
    if exact is not None:
        return exact
    key = _normalize(code) if isinstance(code, str) else ""
    if key in ref.aliases:
        return ref.chemistries[ref.aliases[key]]
    if key in ref.ambiguous:
        raise InvalidInputError(
            f"{code!r} is ambiguous; name one of: {', '.join(ref.ambiguous[key])}", field="chemistry"
        )
    known = ", ".join(ref.chemistries)
    raise InvalidInputError(f"unknown chemistry {code!r}; known codes: {known}", field="chemistry")


def get_cell_boms() -> Mapping[str, CellBom]:
    """Return every cell bill of materials by id (e.g. ``"EB23_NMC811"``), read-only."""
    return _reference().cell_boms


def get_pack_references() -> Mapping[str, PackReference]:
    """Return every reference pack breakdown by id (e.g. ``"EB23_NMC811"``), read-only."""
    return _reference().pack_references


# ------------------------------------------------------------------------------------------ the estimate
def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Fraction) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: float, field: str) -> float:
    if not _is_number(value) or value <= 0:
        raise InvalidInputError(f"must be a positive, finite number, got {value!r}", field=field)
    return float(value)


def estimate_pack_element_masses(
    *,
    chemistry: str,
    energy_kwh: float,
    pack_mass_kg: float,
    cell_share: float | None = None,
    scale_by: ScaleBy = "energy",
) -> PackElementEstimate:
    """Estimate a pack's element masses from its chemistry, energy and mass.

    Args:
        chemistry: Chemistry code or unambiguous alias.
        energy_kwh: Rated pack energy [kWh].
        pack_mass_kg: Pack mass [kg].
        cell_share: Cells' share of the pack mass [0, 1]; default the chemistry's reference pack (EB23).
        scale_by: ``"energy"`` (default) scales the per-kWh cell BOM by ``energy_kwh``; ``"cell_mass"``
            scales it to ``pack_mass_kg x cell_share`` of cells. The other quantity only checks the result.

    Returns:
        Element masses [kg] keyed by :data:`REPORTED_KEYS` (graphite as ``"graphite"``), basis and reasons.

    Raises:
        InvalidInputError: Naming the field: ``chemistry`` if unknown, ambiguous or without a cell BOM
            (sodium-ion); ``energy_kwh`` / ``pack_mass_kg`` if not positive; ``cell_share`` outside (0, 1];
            ``pack_mass_kg`` if, scaling by energy, the cells alone would outweigh the pack.

    References:
        EverBatt 2023 cell BOMs (BatPaC 5.0) and 100-kWh pack breakdown (reference notes §3.1, §3.3);
        IUPAC/CIAAW standard atomic weights 2021 (abridged).
    """
    chem = get_chemistry(chemistry)
    energy = _positive(energy_kwh, "energy_kwh")
    pack_mass = _positive(pack_mass_kg, "pack_mass_kg")
    if cell_share is not None and (_positive(cell_share, "cell_share") > 1.0):
        raise InvalidInputError(f"must be a fraction in (0, 1], got {cell_share!r}", field="cell_share")
    if scale_by not in ("energy", "cell_mass"):
        raise InvalidInputError("must be 'energy' or 'cell_mass'", field="scale_by")
    if chem.cell_bom_id is None or chem.pack_reference_id is None:
        usable = ", ".join(c.code for c in list_chemistries() if c.cell_bom_id and c.pack_reference_id)
        raise InvalidInputError(
            f"element masses cannot be estimated for {chem.code}: {chem.bom_note or 'no cell BOM'} "
            f"Chemistries with a cell BOM: {usable}.",
            field="chemistry",
        )
    ref = _reference()
    bom, pack_ref = ref.cell_boms[chem.cell_bom_id], ref.pack_references[chem.pack_reference_id]
    bom_cell_mass = bom.cell_mass_kg_per_kwh
    if bom_cell_mass is None:  # pragma: no cover - data rule: linked BOMs are per kWh
        raise ReferenceDataError(f"cell BOM {bom.bom_id} is not per kWh")
    share = pack_ref.cell_share if cell_share is None else float(cell_share)
    share_source = (
        "input"
        if cell_share is not None
        else f"{pack_ref.reference_id}: cells' share of the EB23 {pack_ref.pack_energy_kwh:g}-kWh pack"
    )
    from_energy_kg, from_pack_kg = energy * bom_cell_mass, pack_mass * share
    if scale_by == "energy" and from_energy_kg > pack_mass:
        raise InvalidInputError(
            f"{energy:g} kWh of {chem.code} cells weigh about {from_energy_kg:.1f} kg at the reference "
            f"{bom_cell_mass:g} kg/kWh ({bom.bom_id}), more than the pack's {pack_mass:g} kg; "
            "check energy_kwh and pack_mass_kg (units: kWh, kg)",
            field="pack_mass_kg",
        )
    cell_mass = from_energy_kg if scale_by == "energy" else from_pack_kg
    bom_energy = cell_mass / bom_cell_mass
    component_mass = {name: bom_energy * kg_per_kwh for name, kg_per_kwh in bom.components.items()}
    element_mass = dict.fromkeys(REPORTED_KEYS, 0.0)
    unresolved = []
    for name, mass in component_mass.items():
        component = ref.components[name]
        if component.report_as is not None:
            element_mass[component.report_as] = element_mass.get(component.report_as, 0.0) + mass
            continue
        fractions = chem.cathode_mass_fractions if component.from_cathode else component.mass_fractions
        if not fractions:
            unresolved.append(name)
        for symbol, fraction in fractions.items():
            if symbol in element_mass:
                element_mass[symbol] += fraction * mass
    gap = from_energy_kg / from_pack_kg - 1.0
    reasons = [
        f"Cathode {chem.cathode_formula}: mass fractions from stoichiometry and standard atomic weights.",
        (
            f"Cells scaled by energy: {energy:g} kWh x {bom_cell_mass:g} kg/kWh ({bom.bom_id}) = {cell_mass:.1f} kg."
            if scale_by == "energy"
            else f"Cells scaled by mass: {pack_mass:g} kg x cell share {share:.3f} = {cell_mass:.1f} kg "
            f"(= {bom_energy:.1f} kWh of {bom.bom_id} cells)."
        ),
        f"Cell share {share:.3f} ({share_source}); cells implied by energy are "
        f"{from_energy_kg / pack_mass:.3f} of the pack mass, {gap:+.1%} against pack mass x cell share.",
        "Graphite is reported as the anode material ('graphite'); carbon black, binder and solvent carbon, "
        f"O and H are not reported. Not split into elements: {', '.join(unresolved) or 'nothing'} in the "
        f"cells and {pack_mass - cell_mass:.1f} kg outside them (module and pack hardware, cooling, BMS).",
    ]
    if abs(gap) > CELL_MASS_TOLERANCE:
        reasons.append(
            f"CHECK: the cell mass implied by the energy differs from pack mass x cell share by {gap:+.0%} "
            f"(more than {CELL_MASS_TOLERANCE:.0%}): the energy, the pack mass or the cell share may be "
            "wrong, or the cells differ from the reference design."
        )
    if bom.chemistry_label != chem.code:
        reasons.append(f"PROXY: {bom.bom_id} stands in for {chem.code}. {chem.bom_note or ''}".rstrip())
    elif chem.bom_note or bom.note:
        reasons.append(f"NOTE: {chem.bom_note or bom.note}")
    basis = EstimateBasis(
        scale_by=scale_by,
        method=(
            "cell BOM [kg/kWh] x energy_kwh; pack_mass_kg x cell_share as a check"
            if scale_by == "energy"
            else "cell BOM composition per kg of cell x pack_mass_kg x cell_share; energy_kwh as a check"
        ),
        bom_id=bom.bom_id,
        bom_chemistry=bom.chemistry_label,
        bom_source=ref.sources.get(bom.source, bom.source),
        bom_date=bom.date,
        bom_cell_mass_kg_per_kwh=bom_cell_mass,
        bom_equivalent_energy_kwh=bom_energy,
        cell_mass_kg=cell_mass,
        cell_mass_from_energy_kg=from_energy_kg,
        cell_mass_from_pack_kg=from_pack_kg,
        cell_share=share,
        cell_share_source=share_source,
        implied_cell_share=from_energy_kg / pack_mass,
        non_cell_mass_kg=pack_mass - cell_mass,
        cell_component_mass_kg=MappingProxyType(component_mass),
        atomic_weights_source=get_atomic_weights_source(),
    )
    return PackElementEstimate(
        chemistry=chem.code,
        energy_kwh=energy,
        pack_mass_kg=pack_mass,
        element_mass_kg=MappingProxyType(element_mass),
        basis=basis,
        reasons=tuple(reasons),
    )
