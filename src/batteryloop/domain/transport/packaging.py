"""Check a shipment's packaging against a transport classification, before it leaves.

The rules checked (regulation-rules.md §3.3-§3.4, figures from ``data/transport/adr.toml``):

- the packing instruction must be one the classification allows (P909 is for intact batteries under SP 377 or
  SP 636; a damaged battery needs P908/LP904, a critically damaged one P911/LP906), and a numbered paragraph
  must be one its row allows (P909(2) only for small batteries, in packages of <= 30 kg gross);
- P908 and P910: a battery of more than 30 kg net goes alone in its outer packaging;
- large packagings LP903, LP904 and LP906 hold a single battery (or one item of equipment);
- SP 636: at most 333 kg of lithium cells and batteries per transport unit;
- a vehicle carried under SP 666 needs no packaging; a vehicle whose battery must come out first (row D7) is not
  ready to ship.

A packaging that does not fit is a refusal with the reason (:attr:`PackagingCheck.accepted` is false;
:meth:`PackagingCheck.raise_if_refused` raises it); input that is not a packaging at all (a negative mass) raises
:class:`~batteryloop.domain.transport.errors.ClassificationInputError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.transport.adr_rules import get_adr_rules
from batteryloop.domain.transport.classification import TransportClassification
from batteryloop.domain.transport.errors import InputProblem, Number, Problems, check_decimal, format_number

_CODE: Final = re.compile(r"^\s*(L?P)\s*(\d{3})\s*(?:\(\s*(\d)\s*\))?\s*$", re.IGNORECASE)


class PackagingRefusedError(InvalidInputError):
    """The packaging does not fit the classification; ``problems`` lists every reason."""

    def __init__(self, problems: tuple[InputProblem, ...]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first.reason, field=first.field)


@dataclass(frozen=True, slots=True, kw_only=True)
class PackagingCheck:
    """The verdict on a packaging: accepted, or refused with a reason per problem."""

    accepted: bool
    packaging_code: str | None
    packing_instruction: str | None
    paragraph: str | None
    problems: tuple[InputProblem, ...]
    reasons: tuple[str, ...]

    def raise_if_refused(self) -> None:
        """Raise :class:`PackagingRefusedError` when the packaging was refused."""
        if not self.accepted:
            raise PackagingRefusedError(self.problems)


def _parse_code(code: str) -> tuple[str, str | None] | None:
    match = _CODE.match(code)
    if match is None:
        return None
    return f"{match.group(1).upper()}{match.group(2)}", match.group(3)


def _allowed_text(classification: TransportClassification) -> str:
    parts = []
    for code in classification.packing_instructions:
        paragraphs = classification.packing_paragraphs.get(code, ())
        parts.append(" or ".join(f"{code}({p})" for p in paragraphs) if paragraphs else code)
    return " or ".join(parts)


def check_packaging(
    classification: TransportClassification,
    *,
    packaging_code: str | None,
    net_mass_kg_per_package: Number,
    batteries_per_package: int = 1,
    packages: int = 1,
    gross_mass_kg_per_package: Number | None = None,
    battery_net_mass_kg: Number | None = None,
) -> PackagingCheck:
    """Check that a packaging fits a classification from :func:`classify_for_transport`.

    Args:
        classification: The classification of the batteries in the packages.
        packaging_code: Packing instruction used, optionally with its paragraph: ``"P909"``, ``"P909(2)"``,
            ``"LP903"``; ``None`` for a vehicle carried under SP 666.
        net_mass_kg_per_package: Net mass of the batteries in one package [kg].
        batteries_per_package: Batteries (or items of equipment) in one package.
        packages: Number of packages on the transport unit (for the SP 636 limit of 333 kg).
        gross_mass_kg_per_package: Gross mass of one package [kg] (for P909(2): <= 30 kg).
        battery_net_mass_kg: Net mass of the heaviest battery [kg]; without it, the package's net mass divided by
            the batteries in it (a lower bound for the heaviest).

    Returns:
        The verdict; refused with a reason per problem found.

    Raises:
        ClassificationInputError: A count below one, a mass that is not a positive number, or a battery heavier
            than its package.

    References:
        regulation-rules.md §3.3 (P908, P909, P910, P911, LP903-LP906) and §3.4 (> 30 kg net: one per package;
        SP 636: <= 333 kg per transport unit).
    """
    rules = get_adr_rules()
    p = Problems()
    net = check_decimal(net_mass_kg_per_package, "net_mass_kg_per_package", p, unit="kg", what="batteries per package")
    if net_mass_kg_per_package is None:
        p.add("net_mass_kg_per_package", "required: the net mass of the batteries in one package [kg]")
    gross = check_decimal(gross_mass_kg_per_package, "gross_mass_kg_per_package", p, unit="kg", what="one package")
    heaviest = check_decimal(battery_net_mass_kg, "battery_net_mass_kg", p, unit="kg", what="the heaviest battery")
    for name, count in (("batteries_per_package", batteries_per_package), ("packages", packages)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            p.add(name, f"must be a whole number of at least 1; got {count!r}")
    if net is not None and heaviest is not None and heaviest > net:
        p.add("battery_net_mass_kg", f"{format_number(heaviest)} kg is more than the package's net mass")
    if net is not None and gross is not None and gross < net:
        p.add("gross_mass_kg_per_package", f"{format_number(gross)} kg is less than the net mass in the package")
    p.raise_if_any()
    assert net is not None

    refusals = Problems()
    reasons: list[str] = []
    row = classification.branch_row
    parsed = _parse_code(packaging_code) if packaging_code else None
    base, paragraph = parsed if parsed else (None, None)

    def done() -> PackagingCheck:
        return PackagingCheck(
            accepted=not refusals.items,
            packaging_code=packaging_code,
            packing_instruction=base,
            paragraph=paragraph,
            problems=tuple(refusals.items),
            reasons=tuple(reasons),
        )

    if classification.action is not None:
        refusals.add("packaging_code", f"not ready to ship (row {row}): {classification.action}")
        return done()
    if not classification.packing_instructions:
        if packaging_code:
            refusals.add(
                "packaging_code",
                f"row {row}: the vehicle is carried under SP 666 and needs no packing instruction; leave it out",
            )
        else:
            reasons.append(f"Row {row}: no packing instruction applies (SP 666).")
        return done()
    allowed = _allowed_text(classification)
    if not packaging_code:
        refusals.add("packaging_code", f"required: the packing instruction used; row {row} allows {allowed}")
        return done()
    if base is None:
        refusals.add(
            "packaging_code",
            f"{packaging_code!r} is not a packing instruction code such as P909, P909(2) or LP903; row {row} "
            f"allows {allowed}",
        )
        return done()
    if base not in classification.packing_instructions:
        known = rules.packing_instructions.get(base)
        what = f"{base} is for {known.title}" if known else f"{base} is not a packing instruction for batteries"
        condition = classification.inputs.condition.replace("_", " ")
        provisions = ", ".join(f"SP {sp}" for sp in classification.special_provisions)
        refusals.add(
            "packaging_code", f"{what}; this {condition} battery is row {row} ({provisions}), which allows {allowed}"
        )
        return done()
    allowed_paragraphs = classification.packing_paragraphs.get(base, ())
    if paragraph is not None and allowed_paragraphs and paragraph not in allowed_paragraphs:
        text = rules.packing_instructions[base].paragraphs.get(paragraph, "no such paragraph")
        refusals.add(
            "packaging_code",
            f"{base}({paragraph}) ({text}) does not fit row {row}; use {allowed}",
        )
        return done()
    instruction = rules.packing_instructions[base]
    reasons.append(f"{base} is allowed for row {row} ({instruction.title}).")

    small_limit = rules.threshold("p909_small_package_max_gross_kg")
    if base == "P909" and paragraph == "2" and gross is not None and gross > small_limit:
        refusals.add(
            "gross_mass_kg_per_package",
            f"P909(2) packages may weigh at most {format_number(small_limit)} kg gross; this one is "
            f"{format_number(gross)} kg: use P909(1) (PG II packaging)",
        )
    elif base == "P909" and paragraph == "2" and gross is None:
        reasons.append(f"P909(2): the package must not exceed {format_number(small_limit)} kg gross (not checked).")

    if instruction.single_battery and batteries_per_package > 1:
        refusals.add(
            "batteries_per_package",
            f"{base} is a large packaging for a single battery (or one item of equipment); "
            f"{batteries_per_package} were given: one per large packaging",
        )
    limit = instruction.one_per_package_above_net_kg
    if limit is not None and batteries_per_package > 1:
        battery = heaviest if heaviest is not None else net / batteries_per_package
        if battery > limit:
            basis = "" if heaviest is not None else " (the package's net mass shared by its batteries)"
            refusals.add(
                "batteries_per_package",
                f"{base}: a battery of more than {format_number(limit)} kg net goes alone in its outer packaging; "
                f"{format_number(battery.quantize(Decimal('0.001')))} kg per battery{basis} with "
                f"{batteries_per_package} batteries in one package: one pack per package",
            )
        elif heaviest is None and net > limit:
            reasons.append(
                f"{base}: each battery must be at most {format_number(limit)} kg net to share a package; give "
                "battery_net_mass_kg to check the heaviest."
            )
    if classification.branch_row == "D1":
        unit_max = rules.threshold("sp636_transport_unit_max_kg")
        total = net * packages
        if total > unit_max:
            refusals.add(
                "packages",
                f"SP 636 allows at most {format_number(unit_max)} kg of lithium cells and batteries per transport "
                f"unit; {packages} packages of {format_number(net)} kg net make {format_number(total)} kg: carry "
                "fewer, or classify again with transport_unit_lithium_kg (SP 377 then applies)",
            )
        else:
            reasons.append(f"SP 636: {format_number(total)} kg of {format_number(unit_max)} kg per transport unit.")
    return done()
