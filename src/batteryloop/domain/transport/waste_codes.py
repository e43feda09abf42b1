"""The European List of Waste code of a waste battery, black mass or battery manufacturing waste, by date.

The list changes on 9 November 2026: Commission Delegated Decision (EU) 2025/934 rewrites sub-chapter 16 06 and
adds 19 14 (intermediate fractions such as black mass). Before that day the old entries of Decision 2000/532/EC
apply (a lithium battery was usually 16 06 05, non-hazardous); from it, a lithium-based battery is 16 06 07*
(hazardous), lithium black mass 19 14 02*, lithium battery manufacturing waste 16 06 24* / 16 06 25.

Every code, date and assignment comes from ``data/transport/waste_codes.toml`` with its source and status.
Mirror entries (a hazardous / non-hazardous pair) default to the hazardous code unless the caller's assessment
says the waste holds no hazardous substances; where the list in force has no entry (black mass and
manufacturing waste before 9 November 2026) the code is ``None`` and ``candidates`` lists what practice used.

References:
    Commission Decision 2000/532/EC (List of Waste), as amended.
    Commission Delegated Decision (EU) 2025/934 of 5 March 2025 (applies from 9 November 2026).
    regulation-rules.md §4.1 (battery entries before and after), §4.2 (black mass).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, Final

from batteryloop.domain.errors import InvalidInputError, ReferenceDataError
from batteryloop.domain.refdata import read_toml
from batteryloop.domain.transport.errors import (
    Problems,
    cathode_chemistry_hint,
    check_choice,
    check_date,
    normalize_choice,
)

WASTE_CODES_FILE: Final = "transport/waste_codes.toml"
ITEMS: Final = ("battery", "black_mass", "manufacturing_waste")
CHEMISTRIES: Final = (
    "lithium_ion",
    "lithium_metal",
    "sodium_ion",
    "lead_acid",
    "nickel_metal_hydride",
    "nickel_cadmium",
    "sodium_nickel_chloride",
    "alkaline",
    "zinc_based",
    "mercury",
    "sodium_sulphur",
)
_ITEM_ALIASES: Final = MappingProxyType(
    {
        "batteries": "battery",
        "pack": "battery",
        "module": "battery",
        "cell": "battery",
        "blackmass": "black_mass",
        "manufacturing_scrap": "manufacturing_waste",
        "production_scrap": "manufacturing_waste",
        "production_waste": "manufacturing_waste",
    }
)
_CHEMISTRY_ALIASES: Final = MappingProxyType(
    {
        "li_ion": "lithium_ion",
        "liion": "lithium_ion",
        "lithium_ion_polymer": "lithium_ion",
        "li_metal": "lithium_metal",
        "na_ion": "sodium_ion",
        "lead": "lead_acid",
        "pb": "lead_acid",
        "nimh": "nickel_metal_hydride",
        "ni_mh": "nickel_metal_hydride",
        "nicd": "nickel_cadmium",
        "ni_cd": "nickel_cadmium",
        "zebra": "sodium_nickel_chloride",
        "na_nicl2": "sodium_nickel_chloride",
        "nas": "sodium_sulphur",
        "sodium_sulfur": "sodium_sulphur",
        "zinc_carbon": "zinc_based",
        "zinc_air": "zinc_based",
        "silver_oxide": "zinc_based",
    }
)
_WILDCARD: Final = "*"


@dataclass(frozen=True, slots=True, kw_only=True)
class WasteList:
    """A version of the List of Waste and the days it applies (``applies_until`` inclusive, ``None``: open)."""

    version: str
    title: str
    applies_from: dt.date
    applies_until: dt.date | None
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WasteEntry:
    """One entry of a list: ``"16 06 07*"``, its description and whether it is hazardous (the asterisk)."""

    code: str
    description: str
    hazardous: bool
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _Assignment:
    code: str | None
    code_if_no_hazardous_substances: str | None
    candidates: tuple[str, ...]
    note: str | None
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _WasteReference:
    lists: Mapping[str, WasteList]
    entries: Mapping[str, Mapping[str, WasteEntry]]
    assignments: Mapping[tuple[str, str, str], _Assignment]
    sources: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class WasteCodeResult:
    """The List of Waste code of one waste on one date, with the list used and why.

    ``code`` is ``None`` where the list in force has no entry for the waste (``candidates`` then lists what
    practice used); ``hazardous`` is then ``None`` too. ``alternative_code`` is the other side of a mirror entry.
    ``assumptions`` lists what the result relies on that is not verified against the Official Journal ([S], [U]).
    """

    code: str | None
    description: str | None
    hazardous: bool | None
    list_version: str
    list_title: str
    list_applies_from: dt.date
    list_applies_until: dt.date | None
    mirror_entry: bool
    alternative_code: str | None
    candidates: tuple[str, ...]
    reasons: tuple[str, ...]
    assumptions: tuple[str, ...]
    item: str
    chemistry: str
    date: dt.date
    contains_hazardous_substances: bool | None


# --------------------------------------------------------------------------------------------- reference
def _parse(data: Mapping[str, Any]) -> _WasteReference:
    if data.get("schema_version") != 1:
        raise ValueError("schema_version must be 1")
    sources = {tag: f"{s['citation']} ({s['date']})" for tag, s in data["sources"].items()}

    def status(raw: Mapping[str, Any], where: str) -> str:
        if raw.get("source") not in sources:
            raise ValueError(f"{where}: source {raw.get('source')!r} is not in [sources]")
        text = raw.get("status")
        if not isinstance(text, str) or not text.startswith(("[V]", "[S]", "[U]")):
            raise ValueError(f"{where}: status must start with [V], [S] or [U]")
        return text

    lists = {
        version: WasteList(
            version=version,
            title=str(raw["title"]),
            applies_from=raw["applies_from"],
            applies_until=raw.get("applies_until"),
            status=status(raw, f"list {version}"),
        )
        for version, raw in data["lists"].items()
    }
    ordered = sorted(lists.values(), key=lambda w: w.applies_from)
    for before, after in itertools.pairwise(ordered):
        if before.applies_until is None or (after.applies_from - before.applies_until).days != 1:
            raise ValueError(f"lists {before.version} and {after.version} must follow each other without a gap")
    entries: dict[str, Mapping[str, WasteEntry]] = {}
    for version, codes in data["codes"].items():
        if version not in lists:
            raise ValueError(f"[codes.{version!r}] names an unknown list")
        parsed = {}
        for code, raw in codes.items():
            hazardous = code.endswith("*")
            if raw.get("hazardous", hazardous) != hazardous:
                raise ValueError(f"{code}: 'hazardous' contradicts the asterisk")
            parsed[code] = WasteEntry(
                code=code, description=str(raw["description"]), hazardous=hazardous, status=status(raw, code)
            )
        entries[version] = MappingProxyType(parsed)
    assignments: dict[tuple[str, str, str], _Assignment] = {}
    for i, raw in enumerate(data["assignments"]):
        where = f"assignment {i + 1}"
        version, item = str(raw["list"]), str(raw["item"])
        if version not in lists or item not in ITEMS:
            raise ValueError(f"{where}: unknown list {version!r} or item {item!r}")
        codes_known = entries.get(version, {})
        code = str(raw["code"]) or None
        other = raw.get("code_if_no_hazardous_substances")
        candidates = tuple(str(c) for c in raw.get("candidates", []))
        for named in (code, other, *candidates):
            if named is not None and named not in codes_known:
                raise ValueError(f"{where}: code {named!r} is not among [codes.{version!r}]")
        if code is None and not candidates:
            raise ValueError(f"{where}: without a code, give candidates")
        assignment = _Assignment(
            code=code,
            code_if_no_hazardous_substances=str(other) if other else None,
            candidates=candidates,
            note=raw.get("note"),
            status=status(raw, where),
        )
        chemistries = raw["chemistries"]
        for chem in CHEMISTRIES if chemistries == [_WILDCARD] else chemistries:
            if chem not in CHEMISTRIES:
                raise ValueError(f"{where}: unknown chemistry {chem!r}")
            if assignments.setdefault((version, item, chem), assignment) is not assignment:
                raise ValueError(f"{where}: {version} / {item} / {chem} is assigned twice")
    missing = [key for key in ((v, i, c) for v in lists for i in ITEMS for c in CHEMISTRIES) if key not in assignments]
    if missing:
        raise ValueError(f"no assignment for {', '.join(' / '.join(m) for m in missing[:5])}")
    return _WasteReference(
        lists=MappingProxyType(lists),
        entries=MappingProxyType(entries),
        assignments=MappingProxyType(assignments),
        sources=MappingProxyType(sources),
    )


@cache
def _reference() -> _WasteReference:
    try:
        return _parse(read_toml(WASTE_CODES_FILE))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReferenceDataError(f"{WASTE_CODES_FILE} is malformed: {exc}") from exc


def get_waste_list(on: dt.date) -> WasteList:
    """Return the version of the List of Waste that applies on ``on``.

    Raises:
        InvalidInputError: ``field="date"`` before the first list applies (1 January 2002).
    """
    for waste_list in _reference().lists.values():
        if waste_list.applies_from <= on and (waste_list.applies_until is None or on <= waste_list.applies_until):
            return waste_list
    first = min(_reference().lists.values(), key=lambda w: w.applies_from)
    raise InvalidInputError(f"the List of Waste applies from {first.applies_from}; {on} is before it", field="date")


# ----------------------------------------------------------------------------------------------- classify
def classify_waste_code(
    *,
    item: str | None,
    chemistry: str | None,
    date: dt.date | None,
    contains_hazardous_substances: bool | None = None,
) -> WasteCodeResult:
    """Return the List of Waste code of a waste battery, black mass or battery manufacturing waste on a date.

    Args:
        item: ``battery``, ``black_mass`` or ``manufacturing_waste``.
        chemistry: ``lithium_ion``, ``lithium_metal``, ``sodium_ion``, ``lead_acid``, ``nickel_metal_hydride``,
            ``nickel_cadmium``, ``sodium_nickel_chloride``, ``alkaline``, ``zinc_based``, ``mercury`` or
            ``sodium_sulphur``.
        date: Date the waste is classified or moved; before 2026-11-09 the old list applies, from it the list as
            amended by Delegated Decision (EU) 2025/934.
        contains_hazardous_substances: The holder's assessment, used for mirror entries only (default: the
            hazardous entry).

    Returns:
        The code, its description, whether it is hazardous, the list version used and the reasons.

    Raises:
        ClassificationInputError: Every missing or unknown input, with its field and reason.
        InvalidInputError: ``field="date"`` before the List of Waste applies.

    References:
        Decision 2000/532/EC; Delegated Decision (EU) 2025/934; regulation-rules.md §4.1.
    """
    p = Problems()
    what = check_choice(
        item,
        "item",
        p,
        choices=ITEMS,
        aliases=_ITEM_ALIASES,
        required_reason="required: battery, black_mass or manufacturing_waste",
        hint="black_mass is the shredded electrode fraction; manufacturing_waste is production scrap and off-spec "
        "cells, modules and packs",
    )
    chem = _check_chemistry(chemistry, p)
    day = check_date(
        date,
        "date",
        p,
        required_reason="required: the date the waste is classified or moved (ISO 8601, e.g. 2026-11-09)",
    )
    hazardous_given = contains_hazardous_substances
    if hazardous_given is not None and not isinstance(hazardous_given, bool):
        p.add("contains_hazardous_substances", f"must be true or false; got {hazardous_given!r}")
    p.raise_if_any()
    assert what is not None
    assert chem is not None
    assert day is not None
    ref = _reference()
    waste_list = get_waste_list(day)
    assignment = ref.assignments[(waste_list.version, what, chem)]
    period = (
        f"{waste_list.applies_from} to {waste_list.applies_until}"
        if waste_list.applies_until
        else f"from {waste_list.applies_from}"
    )
    reasons = [f"On {day} the List of Waste in force is {waste_list.version} ({period}): {waste_list.title}."]
    assumptions = [f"List {waste_list.version}: {waste_list.status}."]
    entries = ref.entries[waste_list.version]
    mirror = assignment.code_if_no_hazardous_substances is not None
    code = assignment.code
    alternative = None
    if mirror:
        assert code is not None
        assert assignment.code_if_no_hazardous_substances is not None
        if hazardous_given is False:
            code, alternative = assignment.code_if_no_hazardous_substances, code
            reasons.append(
                f"Mirror entry: assessed as containing no hazardous substances, so {code} rather than {alternative}."
            )
        else:
            alternative = assignment.code_if_no_hazardous_substances
            given = "assessed as containing" if hazardous_given else "not assessed; taken as containing"
            reasons.append(
                f"Mirror entry: {given} hazardous substances, so {code}; an assessment that it holds none gives "
                f"{alternative} (contains_hazardous_substances: false)."
            )
    elif hazardous_given is not None and code is not None:
        reasons.append(f"{code} is not a mirror entry: contains_hazardous_substances does not change it; ignored.")
    entry = entries[code] if code is not None else None
    if entry is not None:
        reasons.append(f"{entry.code}: {entry.description} ({'hazardous' if entry.hazardous else 'non-hazardous'}).")
        if "[U]" in entry.status:
            assumptions.append(f"{entry.code}: {entry.status}.")
    else:
        candidates = ", ".join(assignment.candidates)
        reasons.append(f"No entry of {waste_list.version} fits; candidates used in practice: {candidates}.")
    if assignment.note:
        reasons.append(assignment.note)
    assumptions.append(f"{what} / {chem} -> {code or 'no entry'}: {assignment.status}.")
    reasons += _next_list_reason(ref, waste_list, what, chem)
    return WasteCodeResult(
        code=code,
        description=entry.description if entry else None,
        hazardous=entry.hazardous if entry else None,
        list_version=waste_list.version,
        list_title=waste_list.title,
        list_applies_from=waste_list.applies_from,
        list_applies_until=waste_list.applies_until,
        mirror_entry=mirror,
        alternative_code=alternative,
        candidates=assignment.candidates if entry is None else (),
        reasons=tuple(reasons),
        assumptions=tuple(dict.fromkeys(a for a in assumptions if "[U]" in a or "[S]" in a)),
        item=what,
        chemistry=chem,
        date=day,
        contains_hazardous_substances=hazardous_given,
    )


def _check_chemistry(value: object, p: Problems) -> str | None:
    if isinstance(value, str) and normalize_choice(value) not in (*CHEMISTRIES, *_CHEMISTRY_ALIASES):
        hint = cathode_chemistry_hint(value)
        if hint is not None:
            p.add("chemistry", f"{hint} (one of {', '.join(CHEMISTRIES)})")
            return None
    return check_choice(
        value,
        "chemistry",
        p,
        choices=CHEMISTRIES,
        aliases=_CHEMISTRY_ALIASES,
        required_reason=f"required: the battery chemistry, one of {', '.join(CHEMISTRIES)}",
        hint="lithium ion polymer batteries are lithium_ion; nickel-metal hydride is nickel_metal_hydride",
    )


def _next_list_reason(ref: _WasteReference, current: WasteList, item: str, chem: str) -> list[str]:
    """On the old list, say what the same waste becomes when the next list applies."""
    if current.applies_until is None:
        return []
    following = [w for w in ref.lists.values() if w.applies_from > current.applies_until]
    if not following:
        return []
    nxt = min(following, key=lambda w: w.applies_from)
    later = ref.assignments[(nxt.version, item, chem)]
    if later.code is None:
        return []
    entry = ref.entries[nxt.version][later.code]
    kind = "hazardous" if entry.hazardous else "non-hazardous"
    other = later.code_if_no_hazardous_substances
    mirror = f" (or {other}, mirror entry)" if other else ""
    return [f"From {nxt.applies_from} ({nxt.version}) the same waste is {later.code}{mirror}, {kind}."]
