"""Identify a battery's chemistry from an elemental assay (cathode material or black mass) or from cell voltages.

**From an assay** (:func:`identify_from_assay`, vectorised :func:`identify_many`). Weight percentages are turned
into moles (standard atomic weights) and reduced to the molar *shares* of the cathode-diagnostic elements
Ni, Co, Mn, Fe, P and Na (each one's moles over their sum). Shares do not change when the sample is diluted by
graphite, Cu and Al foil, binder or electrolyte, so a black mass and the pure cathode give the same point. Each
candidate chemistry's reference point is computed from its cathode stoichiometry in ``chemistries.toml``
(e.g. NMC622 -> Ni 0.6, Co 0.2, Mn 0.2; LFP -> Fe 0.5, P 0.5; NCA -> Ni 0.842, Co 0.158). The best match is the
nearest reference (Euclidean distance in share space). This encodes the ratios that decide:

- NMC grades: the Ni:Co:Mn molar ratio; NCA: Co/Ni near 0.19 and *no Mn* (the strongest NCA signals);
- LFP: Fe and P at Fe/P = 1; LMFP: Mn beside Fe and P; LMO: Mn only; LCO: Co only; sodium-ion: Na (with Fe and
  Mn for the layered oxide, with Fe alone for Prussian white).

Li is not used (the same for all Li-ion cathodes but LMO, and partly lost in some pre-treatments), nor are Al,
Cu, C, F (foils, anode, binder, electrolyte). NCA's own Al is used one-sidedly only: foil only *adds* Al, so Al
never argues for NCA, but when Al was assayed and Al/Ni is below half of NCA's cathode Al/Ni, NCA's distance is
raised (``[assay.nca_aluminium]`` in ``data/chemistry/identification.toml``).

**Confidence** (0-1) = *margin* x *fit*: margin = (d2 - d1) / (d2 + d1) from the distances to the best (d1) and
runner-up (d2) references, 0 when they tie and 1 on a reference point; fit = max(0, 1 - d1 / no_match_distance),
0 for a sample near no reference (a mix of chemistries, a cathode not in the reference, a bad assay).

**From voltages** (:func:`identify_from_voltage`): per-cell nominal, minimum and maximum voltage against the
windows of ``identification.toml`` (Battery University BU-216; sodium-ion sources named there). Voltage separates
*families* only: olivine LFP, layered oxides (NMC, NCA, LCO: not told apart), spinel LMO (overlaps layered oxides
around 3.7 V), sodium-ion, titanate anodes. It cannot tell NMC grades apart.

References:
    IUPAC/CIAAW standard atomic weights 2021 (abridged); cathode formulas in ``chemistries.toml``;
    recycling-process-data.md §1.4 (EB23 black-mass compositions) and §3.4 (black-mass specifications);
    Battery University BU-216 (cell voltages).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from batteryloop.domain.chemistry import ATOMIC_WEIGHTS_FILE, Chemistry, get_atomic_weights, get_chemistry
from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.passport.primitives import describe, suggest
from batteryloop.domain.passport.problems import Problem, Problems
from batteryloop.domain.refdata import read_csv, read_toml

IDENTIFICATION_FILE: Final = "chemistry/identification.toml"
ASSAY_ELEMENTS: Final = ("Li", "Ni", "Co", "Mn", "Fe", "P", "Al", "Cu", "C", "F", "Na")
"""Elements an assay may report (weight % of the sample), and the column order of :func:`identify_many`."""
MAX_CELL_VOLTAGE_V: Final = 5.0
"""Above this a voltage is taken for a module or pack voltage and refused (no Li- or Na-ion cell reaches 5 V)."""
VOLTAGE_FIELDS: Final = ("nominal_voltage_v", "open_circuit_min_v", "open_circuit_max_v")

FloatArray = npt.NDArray[np.float64]


class IdentificationInputError(InvalidInputError):
    """One or more inputs of an identification break the rules; ``problems`` lists every one of them.

    ``field`` and ``reason`` are those of the first problem. Field names are the calculator's
    (``elements_wt_pct.<symbol>``, ``nominal_voltage_v``, ``declared_chemistry``, ...).
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("IdentificationInputError needs at least one problem")
        first, more = self.problems[0], len(self.problems) - 1
        reason = first.reason if not more else f"{first.reason} (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(reason, field=first.field)


@dataclass(frozen=True, slots=True, kw_only=True)
class Mismatch:
    """The declared chemistry differs from the identified one."""

    declared: str
    identified: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AssayIdentification:
    """A chemistry identified from an elemental assay, with the ratios that decided it."""

    chemistry: str
    confidence: float
    runner_up: str
    distance: float
    runner_up_distance: float
    distances: Mapping[str, float]
    cation_shares: Mapping[str, float]
    ratios: Mapping[str, float]
    reasons: tuple[str, ...]
    declared: str | None
    mismatch: Mismatch | None
    inputs: Mapping[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class VoltageIdentification:
    """A chemistry family identified from cell voltages; ``chemistry`` only when the family has one member."""

    chemistry: str | None
    family: str | None
    candidates: tuple[str, ...]
    confidence: float
    runner_up: str | None
    reasons: tuple[str, ...]
    declared: str | None
    mismatch: Mismatch | None
    inputs: Mapping[str, float | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class VoltageFamily:
    """Voltage windows of one family [V per cell]; ``None`` where the data gives no window."""

    name: str
    label: str
    chemistries: tuple[str, ...]
    windows: Mapping[str, tuple[float, float] | None]
    source: str
    status: str
    note: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _AssayModel:
    candidates: tuple[str, ...]
    diagnostic: tuple[str, ...]
    references: FloatArray  # candidates x diagnostic molar shares
    weights: FloatArray  # g/mol in ASSAY_ELEMENTS order
    no_match_distance: float
    nca_index: int  # -1 when NCA is not a candidate
    nca_al_ni: float
    al_floor_share: float
    al_penalty: float
    source: str


# ------------------------------------------------------------------------------------------ reference data
def _reference_shares(chem: Chemistry, diagnostic: Sequence[str]) -> list[float]:
    moles = {el: float(n) for el, n in chem.cathode_moles.items() if el in diagnostic}
    total = sum(moles.values())
    if total <= 0:
        raise ValueError(f"{chem.code} has none of the diagnostic elements {', '.join(diagnostic)}")
    return [moles.get(el, 0.0) / total for el in diagnostic]


def _window(raw: Mapping[str, Any], key: str) -> tuple[float, float] | None:
    value = raw.get(key)
    if value is None:
        return None
    low, high = (float(v) for v in value)
    if not 0 <= low <= high:
        raise ValueError(f"window {key} must be [low, high] with 0 <= low <= high")
    return (low, high)


@cache
def _data() -> Mapping[str, Any]:
    return read_toml(IDENTIFICATION_FILE)


@cache
def _assay_model() -> _AssayModel:
    try:
        data = _data()
        assay = data["assay"]
        sources = data["sources"]
        candidates = tuple(get_chemistry(str(c)).code for c in assay["candidates"])
        diagnostic = tuple(str(e) for e in assay["diagnostic_elements"])
        if not set(diagnostic) <= set(ASSAY_ELEMENTS) or len(set(candidates)) != len(candidates):
            raise ValueError("diagnostic elements must be assay elements; candidates must be unique")
        references = np.array([_reference_shares(get_chemistry(c), diagnostic) for c in candidates], dtype=float)
        atomic = get_atomic_weights()
        weights = np.array([atomic[el] for el in ASSAY_ELEMENTS], dtype=float)
        nca_index = candidates.index("NCA") if "NCA" in candidates else -1
        nca_moles = get_chemistry("NCA").cathode_moles
        al = assay["nca_aluminium"]
        if {assay["source"], al["source"]} - set(sources):
            raise ValueError("[assay] names a source that is not in [sources]")
        return _AssayModel(
            candidates=candidates,
            diagnostic=diagnostic,
            references=references,
            weights=weights,
            no_match_distance=float(assay["no_match_distance"]),
            nca_index=nca_index,
            nca_al_ni=float(nca_moles["Al"] / nca_moles["Ni"]),
            al_floor_share=float(al["floor_share"]),
            al_penalty=float(al["penalty"]),
            source=str(sources[assay["source"]]["citation"]),
        )
    except (KeyError, TypeError, ValueError, InvalidInputError) as exc:
        raise ReferenceDataError(f"{IDENTIFICATION_FILE} is malformed: {exc}") from exc


@cache
def list_voltage_families() -> tuple[VoltageFamily, ...]:
    """Return the voltage families of ``identification.toml``, in data-file order.

    Raises:
        ReferenceDataError: If the file is missing or malformed.
    """
    try:
        data = _data()
        families = []
        for name, raw in data["voltage"]["families"].items():
            if raw["source"] not in data["sources"]:
                raise ValueError(f"family {name} names an unknown source")
            windows = {"nominal_voltage_v": "nominal_v", "open_circuit_min_v": "min_v", "open_circuit_max_v": "max_v"}
            families.append(
                VoltageFamily(
                    name=str(name),
                    label=str(raw["label"]),
                    chemistries=tuple(get_chemistry(str(c)).code for c in raw["chemistries"]),
                    windows=MappingProxyType({f: _window(raw, key) for f, key in windows.items()}),
                    source=str(data["sources"][raw["source"]]["citation"]),
                    status=str(raw["status"]),
                    note=raw.get("note"),
                )
            )
        return tuple(families)
    except (KeyError, TypeError, ValueError, InvalidInputError) as exc:
        raise ReferenceDataError(f"{IDENTIFICATION_FILE} is malformed: {exc}") from exc


@cache
def _element_names() -> Mapping[str, str]:
    return MappingProxyType(
        {row["name"].strip().lower(): row["symbol"].strip() for row in read_csv(ATOMIC_WEIGHTS_FILE)}
    )


# ------------------------------------------------------------------------------------------ input checks
def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unknown_symbol_reason(symbol: object) -> str:
    accepted = ", ".join(ASSAY_ELEMENTS)
    if not isinstance(symbol, str):
        return f"element keys must be symbols such as 'Ni'; accepted: {accepted}"
    text = symbol.strip()
    hint = suggest(text, ASSAY_ELEMENTS)
    named = _element_names().get(text.lower())
    if named in ASSAY_ELEMENTS:
        hint = f" (did you mean {named!r}?)"
    return f"unknown element symbol {symbol!r}{hint}; accepted: {accepted}"


def _check_assay(elements_wt_pct: object, p: Problems) -> dict[str, float]:
    field = "elements_wt_pct"
    if not isinstance(elements_wt_pct, Mapping):
        p.add(field, f"must be an object of element symbol -> weight %, got {describe(elements_wt_pct)}")
        return {}
    values: dict[str, float] = {}
    for symbol, value in elements_wt_pct.items():
        name = f"{field}.{symbol}"
        if symbol not in ASSAY_ELEMENTS:
            p.add(name, _unknown_symbol_reason(symbol))
        elif not _is_number(value) or not math.isfinite(value):
            p.add(name, f"must be a finite number (weight % of the sample), got {describe(value)}")
        elif value < 0:
            p.add(name, f"must not be negative, got {value:g} %")
        elif value > 100:
            p.add(name, f"a weight percentage cannot exceed 100, got {value:g} %")
        else:
            values[symbol] = float(value)
    total = sum(values.values())
    if total > 100.0 + 1e-9:
        p.add(field, f"the percentages add up to {total:.2f} %, more than 100 %: give weight % of the sample")
    model = _assay_model()
    if not p.items and not any(values.get(el, 0.0) > 0 for el in model.diagnostic):
        p.add(
            field,
            f"nothing usable: no cathode element ({', '.join(model.diagnostic)}) above zero; the chemistry is read "
            "from their molar ratios (Li, Al, Cu, C and F come from every chemistry or from foils and binder)",
        )
    return values


def _check_declared(declared: object, p: Problems) -> Chemistry | None:
    if declared is None:
        return None
    if not isinstance(declared, str) or not declared.strip():
        p.add("declared_chemistry", f"must be a chemistry code such as 'NMC622', got {describe(declared)}")
        return None
    try:
        return get_chemistry(declared)
    except InvalidInputError as exc:
        p.add("declared_chemistry", exc.reason)
        return None


# ------------------------------------------------------------------------------------------ from an assay
def identify_from_assay(elements_wt_pct: Mapping[str, float], *, declared: str | None = None) -> AssayIdentification:
    """Identify the chemistry of a cathode material or black mass from its elemental assay.

    Args:
        elements_wt_pct: Weight % of the sample by element symbol, any subset of :data:`ASSAY_ELEMENTS`
            (e.g. ``{"Li": 4.4, "Ni": 22.1, "Co": 7.4, "Mn": 6.9, "C": 38.2, "Cu": 0.6, "Al": 0.4}``).
            A missing element is taken as 0 %, except Al: a missing Al does not count against NCA.
        declared: The chemistry the sample is declared as (code or unambiguous alias), checked against the result.

    Returns:
        The nearest chemistry, confidence, runner-up, all distances, molar shares and ratios, reasons and, when
        ``declared`` differs, the mismatch.

    Raises:
        IdentificationInputError: Every problem found: an unknown symbol (with a suggestion), a value that is
            not a number in [0, 100], percentages adding up to more than 100, no cathode element above zero,
            an unknown or ambiguous ``declared``.
    """
    p = Problems()
    wt = _check_assay(elements_wt_pct, p)
    declared_chem = _check_declared(declared, p)
    if p.items:
        raise IdentificationInputError(p.items)
    model = _assay_model()
    atomic = get_atomic_weights()
    moles = {el: wt.get(el, 0.0) / atomic[el] for el in model.diagnostic}
    total = sum(moles.values())
    shares = {el: moles[el] / total for el in model.diagnostic}
    distances = {}
    for code, ref in zip(model.candidates, model.references.tolist(), strict=True):
        distances[code] = math.sqrt(sum((shares[el] - r) ** 2 for el, r in zip(model.diagnostic, ref, strict=True)))
    ni_moles = wt.get("Ni", 0.0) / atomic["Ni"]
    al_ni = (wt["Al"] / atomic["Al"]) / ni_moles if "Al" in wt and ni_moles > 0 else None
    al_penalty = 0.0
    if al_ni is not None and model.nca_index >= 0:
        floor = model.al_floor_share * model.nca_al_ni
        al_penalty = model.al_penalty * max(0.0, 1.0 - al_ni / floor)
        distances["NCA"] += al_penalty
    ranked = sorted(model.candidates, key=lambda c: (distances[c], model.candidates.index(c)))
    best, second = ranked[0], ranked[1]
    d1, d2 = distances[best], distances[second]
    confidence = _confidence(d1, d2, model.no_match_distance)
    ratios = _ratios(wt, atomic)
    reasons = _assay_reasons(
        model=model,
        shares=shares,
        ratios=ratios,
        best=best,
        second=second,
        d1=d1,
        d2=d2,
        al_ni=al_ni,
        al_penalty=al_penalty,
        cathode_wt_pct=sum(wt.get(el, 0.0) for el in model.diagnostic),
        confidence=confidence,
    )
    mismatch = None
    if declared_chem is not None and declared_chem.code != best:
        rank = ranked.index(declared_chem.code) + 1 if declared_chem.code in distances else None
        where = (
            f"the declared chemistry's reference is at distance {distances[declared_chem.code]:.3f} "
            f"(rank {rank} of {len(ranked)})"
            if rank is not None
            else f"{declared_chem.code} is not among the assay candidates"
        )
        mismatch = Mismatch(
            declared=declared_chem.code,
            identified=best,
            reason=f"declared {declared_chem.code} but the assay matches {best} (distance {d1:.3f}); {where}",
        )
        reasons.append(f"MISMATCH: {mismatch.reason}.")
    return AssayIdentification(
        chemistry=best,
        confidence=confidence,
        runner_up=second,
        distance=d1,
        runner_up_distance=d2,
        distances=MappingProxyType(distances),
        cation_shares=MappingProxyType(shares),
        ratios=MappingProxyType(ratios),
        reasons=tuple(reasons),
        declared=declared_chem.code if declared_chem else None,
        mismatch=mismatch,
        inputs=MappingProxyType(dict(wt)),
    )


def _confidence(d1: float, d2: float, no_match: float) -> float:
    margin = (d2 - d1) / (d2 + d1) if d2 + d1 > 0 else 0.0
    fit = max(0.0, 1.0 - d1 / no_match)
    return margin * fit


def _ratios(wt: Mapping[str, float], atomic: Mapping[str, float]) -> dict[str, float]:
    mol = {el: wt.get(el, 0.0) / atomic[el] for el in ASSAY_ELEMENTS}
    ratios: dict[str, float] = {}
    ncm = mol["Ni"] + mol["Co"] + mol["Mn"]
    if ncm > 0:
        ratios |= {"Ni_share_of_NiCoMn": mol["Ni"] / ncm, "Co_share_of_NiCoMn": mol["Co"] / ncm}
        ratios["Mn_share_of_NiCoMn"] = mol["Mn"] / ncm
    if mol["Ni"] > 0:
        ratios["Co_per_Ni"] = mol["Co"] / mol["Ni"]
        if "Al" in wt:
            ratios["Al_per_Ni"] = mol["Al"] / mol["Ni"]
    if mol["P"] > 0:
        ratios["Fe_per_P"] = mol["Fe"] / mol["P"]
    if mol["Mn"] + mol["Fe"] > 0:
        ratios["Mn_share_of_MnFe"] = mol["Mn"] / (mol["Mn"] + mol["Fe"])
    if mol["Na"] + mol["Li"] > 0:
        ratios["Na_share_of_NaLi"] = mol["Na"] / (mol["Na"] + mol["Li"])
    return ratios


def _nca_vs_811() -> str:
    nca, nmc = get_chemistry("NCA").cathode_moles, get_chemistry("NMC811").cathode_moles
    return (
        f"NCA has Co/Ni {float(nca['Co'] / nca['Ni']):.4g} and no Mn; NMC811 Co/Ni "
        f"{float(nmc['Co'] / nmc['Ni']):.4g} with Mn/Ni {float(nmc['Mn'] / nmc['Ni']):.4g}."
    )


def _fmt_shares(shares: Mapping[str, float]) -> str:
    shown = [f"{el} {v:.3f}" for el, v in shares.items() if v >= 0.0005]
    return ", ".join(shown) or "none"


def _assay_reasons(
    *,
    model: _AssayModel,
    shares: Mapping[str, float],
    ratios: Mapping[str, float],
    best: str,
    second: str,
    d1: float,
    d2: float,
    al_ni: float | None,
    al_penalty: float,
    cathode_wt_pct: float,
    confidence: float,
) -> list[str]:
    ref = dict(zip(model.diagnostic, model.references[model.candidates.index(best)].tolist(), strict=True))
    chem = get_chemistry(best)
    reasons = [
        f"Molar shares of the cathode elements ({', '.join(model.diagnostic)}), unchanged by dilution with "
        f"graphite, foils, binder or electrolyte: {_fmt_shares(shares)}. They are {cathode_wt_pct:.2f} wt % of "
        "the sample; Li, Al, Cu, C and F are not matched.",
        f"Nearest reference: {best} ({chem.cathode_formula}: {_fmt_shares(ref)}) at distance {d1:.3f}; "
        f"runner-up {second} at {d2:.3f}.",
    ]
    if "Ni_share_of_NiCoMn" in ratios:
        reasons.append(
            f"Ni:Co:Mn = {ratios['Ni_share_of_NiCoMn']:.2f}:{ratios['Co_share_of_NiCoMn']:.2f}:"
            f"{ratios['Mn_share_of_NiCoMn']:.2f} (molar)"
            + (f"; Co/Ni = {ratios['Co_per_Ni']:.3f}" if "Co_per_Ni" in ratios else "")
            + f". {_nca_vs_811()}"
        )
    if "Fe_per_P" in ratios:
        reasons.append(f"Fe/P = {ratios['Fe_per_P']:.2f} mol/mol (LiFePO4: 1; LMFP has Mn in place of part of Fe).")
    if "Mn_share_of_MnFe" in ratios and shares.get("Fe", 0.0) > 0.01:
        lmfp = get_chemistry("LMFP").cathode_moles
        reasons.append(
            f"Mn/(Mn+Fe) = {ratios['Mn_share_of_MnFe']:.2f} (LFP 0, {get_chemistry('LMFP').cathode_formula} "
            f"{float(lmfp['Mn'] / (lmfp['Mn'] + lmfp['Fe'])):.2f})."
        )
    if shares.get("Na", 0.0) > 0.01:
        reasons.append(f"Na is {shares['Na']:.2f} of the cathode cations: a sodium-ion cathode.")
    if al_ni is not None:
        floor = model.al_floor_share * model.nca_al_ni
        if al_penalty > 0:
            reasons.append(
                f"Al/Ni = {al_ni:.4f} mol/mol, below {floor:.4f} ({model.al_floor_share:g} x NCA's cathode "
                f"{model.nca_al_ni:.4f}): too little Al for NCA, whose distance was raised by {al_penalty:.3f}."
            )
        elif ratios.get("Ni_share_of_NiCoMn", 0.0) > 0.5:
            reasons.append(
                f"Al/Ni = {al_ni:.4f} mol/mol, at least NCA's floor {floor:.4f}: consistent with NCA but not "
                "evidence for it (foil Al adds Al to any black mass); Co/Ni and Mn decide."
            )
    margin = (d2 - d1) / (d2 + d1) if d2 + d1 > 0 else 0.0
    reasons.append(
        f"Confidence {confidence:.2f} = margin (d2 - d1)/(d2 + d1) {margin:.2f} x fit "
        f"max(0, 1 - d1/{model.no_match_distance:g}) {max(0.0, 1 - d1 / model.no_match_distance):.2f}."
    )
    if d1 >= model.no_match_distance:
        reasons.append(
            f"NO CLOSE MATCH: the nearest reference is {d1:.3f} away (limit {model.no_match_distance:g}); the "
            "sample may mix chemistries, hold a cathode not in the reference, or the assay may be wrong."
        )
    return reasons


def identify_many(elements: npt.ArrayLike, *, chunk_rows: int = 262_144) -> tuple[npt.NDArray[np.str_], FloatArray]:
    """Identify many assays at once; the same answer as :func:`identify_from_assay` row by row.

    Args:
        elements: n x 11 weight percentages in the column order of :data:`ASSAY_ELEMENTS`
            (Li, Ni, Co, Mn, Fe, P, Al, Cu, C, F, Na). NaN means "not assayed" (taken as 0; a NaN Al does not
            count against NCA, like a missing key in the scalar function).
        chunk_rows: Rows processed at a time (bounds the temporary memory).

    Returns:
        ``(codes, confidence)``: chemistry codes (``""`` for a row with no cathode element above zero, where the
        scalar function refuses) and confidences in [0, 1].

    Raises:
        InvalidInputError: ``field="elements"`` for a wrong shape, or negative or infinite values (with the
            number of rows affected). Sums above 100 % are not checked here.
    """
    data = np.asarray(elements, dtype=float)
    if data.ndim != 2 or data.shape[1] != len(ASSAY_ELEMENTS):
        raise InvalidInputError(
            f"must be an n x {len(ASSAY_ELEMENTS)} array in the order {', '.join(ASSAY_ELEMENTS)}; got shape "
            f"{data.shape}",
            field="elements",
        )
    bad = np.isinf(data) | (data < 0)
    if bad.any():
        rows = int(bad.any(axis=1).sum())
        raise InvalidInputError(f"{rows} row(s) hold negative or infinite percentages", field="elements")
    model = _assay_model()
    codes_table = np.array([*model.candidates, ""])
    n = data.shape[0]
    out_idx = np.empty(n, dtype=np.intp)
    out_conf = np.empty(n, dtype=float)
    for start in range(0, n, chunk_rows):
        idx, conf = _identify_chunk(data[start : start + chunk_rows], model)
        out_idx[start : start + chunk_rows] = idx
        out_conf[start : start + chunk_rows] = conf
    return codes_table[out_idx], out_conf


def _identify_chunk(data: FloatArray, model: _AssayModel) -> tuple[npt.NDArray[np.intp], FloatArray]:
    col = {el: i for i, el in enumerate(ASSAY_ELEMENTS)}
    clean = np.nan_to_num(data, nan=0.0)
    moles = clean / model.weights
    diag = moles[:, [col[el] for el in model.diagnostic]]
    total = diag.sum(axis=1)
    usable = total > 0
    shares = diag / np.where(usable, total, 1.0)[:, None]
    count = len(model.candidates)
    dist = np.empty((data.shape[0], count), dtype=float)
    for c in range(count):
        dist[:, c] = np.sqrt(((shares - model.references[c]) ** 2).sum(axis=1))
    if model.nca_index >= 0:
        ni = moles[:, col["Ni"]]
        al_given = ~np.isnan(data[:, col["Al"]]) & (ni > 0)
        al_ni = moles[:, col["Al"]] / np.where(ni > 0, ni, 1.0)
        floor = model.al_floor_share * model.nca_al_ni
        penalty = model.al_penalty * np.maximum(0.0, 1.0 - al_ni / floor)
        dist[:, model.nca_index] += np.where(al_given, penalty, 0.0)
    best = np.argmin(dist, axis=1)
    rows = np.arange(data.shape[0])
    d1 = dist[rows, best]
    dist[rows, best] = np.inf
    d2 = dist.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        margin = np.where(d2 + d1 > 0, (d2 - d1) / (d2 + d1), 0.0)
    conf = margin * np.maximum(0.0, 1.0 - d1 / model.no_match_distance)
    return np.where(usable, best, count), np.where(usable, conf, 0.0)


# ------------------------------------------------------------------------------------------ from voltages
def _check_voltages(values: Mapping[str, object], p: Problems) -> dict[str, float]:
    checked: dict[str, float] = {}
    for name, value in values.items():
        if value is None:
            continue
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            p.add(name, f"must be a finite number of volts per cell, got {describe(value)}")
        elif value < 0 or (value == 0 and name == "nominal_voltage_v"):
            p.add(name, f"must be {'positive' if name == 'nominal_voltage_v' else 'zero or positive'}, got {value} V")
        elif value > MAX_CELL_VOLTAGE_V:
            p.add(
                name,
                f"{value} V is above {MAX_CELL_VOLTAGE_V:g} V, so it looks like a module or pack voltage; give the "
                "voltage of one cell (pack voltage / cells in series)",
            )
        else:
            checked[name] = float(value)
    if not any(v is not None for v in values.values()):
        p.add("", f"nothing usable: give at least one of {', '.join(VOLTAGE_FIELDS)} (volts per cell)")
    nominal, low, high = (checked.get(f) for f in VOLTAGE_FIELDS)
    if low is not None and high is not None and low > high:
        p.add("open_circuit_min_v", f"{low:g} V is above open_circuit_max_v {high:g} V")
    if nominal is not None and low is not None and low > nominal:
        p.add("open_circuit_min_v", f"{low:g} V is above nominal_voltage_v {nominal:g} V")
    if nominal is not None and high is not None and high < nominal:
        p.add("open_circuit_max_v", f"{high:g} V is below nominal_voltage_v {nominal:g} V")
    return checked


def identify_from_voltage(
    nominal_v: float | None,
    open_circuit_min_v: float | None,
    open_circuit_max_v: float | None,
    *,
    declared: str | None = None,
) -> VoltageIdentification:
    """Identify a chemistry family from per-cell voltages (the passport's nominal, minimum and maximum voltage).

    Voltage separates families only (olivine LFP, layered oxides NMC/NCA/LCO, spinel LMO, sodium-ion, titanate
    anodes); it does not tell NMC grades apart, and LMO and layered oxides overlap around 3.7 V.

    Args:
        nominal_v: Nominal cell voltage [V].
        open_circuit_min_v: Lowest rated cell voltage, the end of discharge [V].
        open_circuit_max_v: Highest rated cell voltage, the end of charge [V].
        declared: The declared chemistry (code or unambiguous alias), checked against the family found.

    Returns:
        The family whose windows hold the most of the given voltages (``chemistry`` set only when that family
        has a single chemistry), its candidates, confidence = (share of the given voltages inside its windows)
        / (number of families tying for best), the runner-up family, reasons and any mismatch.

    Raises:
        IdentificationInputError: Every problem found: no voltage given, a value that is not a finite
            non-negative number, above 5 V (a pack voltage), min > nominal > max out of order, unknown
            ``declared``.
    """
    p = Problems()
    given = {"nominal_voltage_v": nominal_v, "open_circuit_min_v": open_circuit_min_v}
    given["open_circuit_max_v"] = open_circuit_max_v
    volts = _check_voltages(given, p)
    declared_chem = _check_declared(declared, p)
    if p.items:
        raise IdentificationInputError(p.items)
    families = list_voltage_families()
    scores: dict[str, float] = {}
    lines = []
    for family in families:
        checked = [(f, v, family.windows[f]) for f, v in volts.items() if family.windows[f] is not None]
        inside = [f for f, v, w in checked if w is not None and w[0] <= v <= w[1]]
        scores[family.name] = len(inside) / len(volts)
        if inside:
            lines.append(f"{family.name} ({', '.join(inside)})")
    top = max(scores.values())
    best = [f for f in families if scores[f.name] == top] if top > 0 else []
    rest = sorted((f for f in families if f not in best and scores[f.name] > 0), key=lambda f: -scores[f.name])
    shown = ", ".join(f"{f} {v:g} V" for f, v in volts.items())
    reasons = [
        f"Cell voltages {shown} checked against the windows of {len(families)} families "
        "(voltage separates families only, not NMC grades; sources in identification.toml).",
        "Windows holding them: " + ("; ".join(lines) if lines else "none") + ".",
    ]
    candidates = tuple(c for f in best for c in f.chemistries)
    confidence = top / len(best) if best else 0.0
    family_name = best[0].name if len(best) == 1 else None
    chemistry = candidates[0] if len(best) == 1 and len(candidates) == 1 else None
    if not best:
        reasons.append("NO MATCH: no family's windows hold these voltages; check the values are per cell.")
    elif len(best) > 1:
        reasons.append(f"AMBIGUOUS: {', '.join(f.name for f in best)} fit equally; more voltages may separate them.")
    else:
        only = best[0]
        reasons.append(
            f"Family {only.name} ({only.label}): {top:.0%} of the given voltages in its windows; chemistries: "
            f"{', '.join(only.chemistries) or 'none in the chemistry reference'}. "
            f"Source: {only.source} [{only.status}]."
        )
        if only.note:
            reasons.append(f"NOTE: {only.note}")
    mismatch = _voltage_mismatch(declared_chem, best, families, reasons)
    return VoltageIdentification(
        chemistry=chemistry,
        family=family_name,
        candidates=candidates,
        confidence=confidence,
        runner_up=rest[0].name if rest else None,
        reasons=tuple(reasons),
        declared=declared_chem.code if declared_chem else None,
        mismatch=mismatch,
        inputs=MappingProxyType(dict(given)),
    )


def _voltage_mismatch(
    declared: Chemistry | None, best: Sequence[VoltageFamily], families: Sequence[VoltageFamily], reasons: list[str]
) -> Mismatch | None:
    if declared is None or not best:
        return None
    home = [f.name for f in families if declared.code in f.chemistries]
    if not home:
        reasons.append(f"{declared.code} has no voltage window in the data: the declaration cannot be checked.")
        return None
    if any(f.name in home for f in best):
        return None
    found = " or ".join(f.name for f in best)
    mismatch = Mismatch(
        declared=declared.code,
        identified=found,
        reason=f"declared {declared.code} (family {home[0]}) but the voltages fit {found}",
    )
    reasons.append(f"MISMATCH: {mismatch.reason}.")
    return mismatch
