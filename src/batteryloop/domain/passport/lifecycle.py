"""The passport's lifecycle: battery status changes, new passports, transfer of responsibility, cessation.

Status machine (targets are the five Annex XIII statuses plus ``recycled``, which is not a status but the end of
the passport):

=================  ==========================================================================================
from               allowed targets
=================  ==========================================================================================
original           re-used, repurposed, remanufactured, waste
re-used            re-used (a repair, recorded under re-used: DIN DKE SPEC 99100 §6.1.3.7), repurposed,
                   remanufactured, waste
repurposed         re-used, repurposed (again, for another application), remanufactured, waste
remanufactured     re-used, repurposed, remanufactured (again), waste
waste              recycled
=================  ==========================================================================================

- Repurposing and remanufacturing make a new battery with a **new passport** linked to its predecessor; the
  operator that did it is responsible for the new passport. The old passport keeps its status and is marked
  superseded (read-only from then on).
- Becoming waste passes the responsibility to the producer, the producer responsibility organisation or the
  waste management operator that takes the battery (Art. 77(7)); the caller names it.
- Recycling ends the passport (Art. 77(8)): it becomes a read-only archive that stays readable (Art. 78(e)).
- Nothing becomes ``original`` again; a superseded or ceased passport accepts no change.

Two points where the sources differ are explicit options (:class:`LifecycleRules`), defaults per
reference/regulation-rules.md §1.6:

- ``new_passport_on_re_use`` (default False): DIN DKE SPEC 99100 §5.2.1 also asks for a new passport after
  preparing for re-use; the regulation summary names only repurposing and remanufacturing.
- ``waste_may_be_prepared_for_second_life`` (default False): waste batteries may be prepared for re-use or
  repurposing by waste operators (Regulation (EU) 2023/1542 Art. 73, wording unverified here); by default a waste
  battery can only be recycled.

References:
    Regulation (EU) 2023/1542 Art. 77(6)-(8), Art. 78(e), Annex XIII point 4(c).
    DIN DKE SPEC 99100:2025-02 §5.2.1 and §6.1.3.7.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.primitives import suggest


class BatteryStatus(StrEnum):
    """The battery status of Annex XIII point 4(c) (longlist #11)."""

    ORIGINAL = "original"
    RE_USED = "re-used"
    REPURPOSED = "repurposed"
    REMANUFACTURED = "remanufactured"
    WASTE = "waste"


RECYCLED: Final = "recycled"
"""Target of the last transition: the battery has been recycled and the passport ceases (not a status)."""
TARGETS: Final = (*(s.value for s in BatteryStatus), RECYCLED)
"""Every target :func:`check_transition` understands."""

_NEW_PASSPORT: Final = frozenset({BatteryStatus.REPURPOSED, BatteryStatus.REMANUFACTURED})
_SECOND_LIFE: Final = frozenset({BatteryStatus.RE_USED, BatteryStatus.REPURPOSED, BatteryStatus.REMANUFACTURED})


@dataclass(frozen=True, slots=True, kw_only=True)
class LifecycleRules:
    """The options where the sources differ (see the module docstring); defaults follow regulation-rules §1.6."""

    new_passport_on_re_use: bool = False
    waste_may_be_prepared_for_second_life: bool = False


DEFAULT_RULES: Final = LifecycleRules()


@dataclass(frozen=True, slots=True, kw_only=True)
class PassportState:
    """Where a passport stands: the battery's status, who is responsible, and whether it is still live."""

    status: BatteryStatus
    responsible_org_id: uuid.UUID
    superseded: bool = False
    ceased: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TransitionResult:
    """The outcome of a status change, with the rule applied and the reasons.

    ``status`` is this passport's status afterwards: unchanged when a new passport is created (the new one has
    ``new_passport_status``) and when the passport ceases. ``responsible_org_id`` is the organisation responsible
    afterwards: for the new passport when one is created, else for this one.
    """

    from_status: BatteryStatus
    to: str
    status: BatteryStatus
    creates_new_passport: bool
    new_passport_status: BatteryStatus | None
    superseded: bool
    ceased: bool
    responsible_org_id: uuid.UUID
    responsibility_transferred: bool
    rule: str
    reasons: tuple[str, ...]


def parse_status(value: object, *, field: str = "status") -> BatteryStatus:
    """Return the battery status named by ``value``.

    Raises:
        InvalidInputError: For anything but the five statuses, suggesting the closest (``'Reused'`` → ``'re-used'``).
    """
    if isinstance(value, str) and value in BatteryStatus._value2member_map_:
        return BatteryStatus(value)
    hint = suggest(value, [s.value for s in BatteryStatus]) if isinstance(value, str) else ""
    raise InvalidInputError(f"unknown status {value!r}{hint}; use one of: {', '.join(BatteryStatus)}", field=field)


def _parse_target(value: object) -> BatteryStatus | str:
    if value == RECYCLED:
        return RECYCLED
    if isinstance(value, str) and value in BatteryStatus._value2member_map_:
        return BatteryStatus(value)
    hint = suggest(value, TARGETS) if isinstance(value, str) else ""
    raise InvalidInputError(f"unknown status {value!r}{hint}; use one of: {', '.join(TARGETS)}", field="status")


def allowed_transitions(status: BatteryStatus, *, rules: LifecycleRules = DEFAULT_RULES) -> tuple[str, ...]:
    """Return the targets a live passport in ``status`` may move to, in :data:`TARGETS` order."""
    if status is BatteryStatus.WASTE:
        extra = _SECOND_LIFE if rules.waste_may_be_prepared_for_second_life else frozenset()
        return tuple(t for t in TARGETS if t == RECYCLED or t in extra)
    return tuple(t for t in TARGETS if t in _SECOND_LIFE or t == BatteryStatus.WASTE)


def _refusal(state: PassportState, target: BatteryStatus | str, rules: LifecycleRules) -> str | None:
    """Why the change is impossible, or None when it is allowed."""
    current = state.status
    if state.ceased:
        return (
            "the passport ceased when the battery was recycled (Art. 77(8)); it is a read-only archive and "
            "accepts no change"
        )
    if state.superseded:
        return (
            "this passport was superseded by the new passport issued on repurposing or remanufacturing; "
            "record the change on the newest passport"
        )
    if target in allowed_transitions(current, rules=rules):
        return None
    if target == BatteryStatus.ORIGINAL:
        return (
            "a battery never becomes 'original' again: that is its status when first placed on the market; "
            "record re-use, repurposing or remanufacturing instead"
        )
    if target == RECYCLED:
        return (
            f"only a waste battery can be recycled, and this one is {current.value!r}; declare it 'waste' first "
            "(responsibility then passes to the waste operator, Art. 77(7))"
        )
    if target == BatteryStatus.WASTE:
        return "the battery is already waste; the next step is 'recycled'"
    verb = {BatteryStatus.RE_USED: "re-used", BatteryStatus.REPURPOSED: "repurposed"}.get(
        BatteryStatus(target), "remanufactured"
    )
    return (
        f"a waste battery cannot be {verb}; once a battery is waste the only next step is 'recycled' "
        "(preparing waste batteries for a second life is off in these lifecycle rules)"
    )


def check_transition(
    state: PassportState,
    to: object,
    *,
    operator_org_id: uuid.UUID | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
) -> TransitionResult:
    """Check a change of battery status and say what follows from it.

    Args:
        state: The passport's current state.
        to: The target: ``"re-used"``, ``"repurposed"``, ``"remanufactured"``, ``"waste"`` or ``"recycled"``.
        operator_org_id: The organisation carrying out the change: the waste operator (producer, PRO or waste
            management operator) taking over a waste battery, or the operator that repurposes, remanufactures or
            prepares the battery for re-use. Required for ``waste``, ``repurposed`` and ``remanufactured``;
            optional for ``re-used`` (responsibility stays put when omitted); ignored for ``recycled``.
        rules: The lifecycle options (see :class:`LifecycleRules`).

    Returns:
        What happens: the status afterwards, whether a new linked passport is created (and this one superseded),
        whether the passport ceases, who is responsible afterwards, the rule applied and the reasons.

    Raises:
        InvalidInputError: ``field="status"`` for an unknown target or an impossible change (the reason says why
            and what to do); ``field="operator_org_id"`` when a required operator is missing.

    References:
        Regulation (EU) 2023/1542 Art. 77(6)-(8), Art. 78(e); DIN DKE SPEC 99100 §5.2.1, §6.1.3.7.
    """
    target = _parse_target(to)
    refusal = _refusal(state, target, rules)
    if refusal is not None:
        raise InvalidInputError(refusal, field="status")
    current, responsible = state.status, state.responsible_org_id

    if target == RECYCLED:
        archived = (
            "the battery has been recycled: the passport ceases to exist (Art. 77(8))",
            "it is kept as a read-only archive that stays readable (Art. 78(e))",
        )
        return TransitionResult(
            from_status=current,
            to=RECYCLED,
            status=current,
            creates_new_passport=False,
            new_passport_status=None,
            superseded=False,
            ceased=True,
            responsible_org_id=responsible,
            responsibility_transferred=False,
            rule="Art. 77(8); Art. 78(e)",
            reasons=archived,
        )

    status = BatteryStatus(target)
    if operator_org_id is None and status is not BatteryStatus.RE_USED:
        who = (
            "the producer, producer responsibility organisation or waste management operator taking the battery"
            if status is BatteryStatus.WASTE
            else f"the operator that {status.value} the battery"
        )
        raise InvalidInputError(f"name {who}: it becomes responsible for the passport", field="operator_org_id")
    new_responsible = operator_org_id or responsible
    transferred = new_responsible != responsible
    new_passport = status in _NEW_PASSPORT or (
        status is BatteryStatus.RE_USED and rules.new_passport_on_re_use and current is not BatteryStatus.RE_USED
    )
    reasons: list[str] = []
    if status is BatteryStatus.WASTE:
        rule = "Art. 77(7)"
        reasons.append("the battery has become waste; responsibility for the passport passes to the waste operator")
    elif new_passport:
        rule = "Art. 77(6)" if status in _NEW_PASSPORT else "DIN DKE SPEC 99100 §5.2.1"
        reasons.append(
            f"a {status.value} battery is a new battery: a new passport is issued, linked to this one, under the "
            "responsibility of the operator that did it; this passport keeps its status and is superseded"
        )
    elif status is BatteryStatus.RE_USED and current is BatteryStatus.RE_USED:
        rule = "DIN DKE SPEC 99100 §6.1.3.7"
        reasons.append("a repair of a re-used battery is recorded under 're-used'")
    else:
        rule = "Annex XIII point 4(c)"
        reasons.append(f"the battery status changes from {current.value!r} to {status.value!r} on this passport")
    if current is BatteryStatus.WASTE:
        reasons.append("the battery leaves the waste stream after preparing for a second life (Art. 73)")
    if transferred:
        reasons.append(f"responsibility passes from organisation {responsible} to {new_responsible}")
    return TransitionResult(
        from_status=current,
        to=status.value,
        status=current if new_passport else status,
        creates_new_passport=new_passport,
        new_passport_status=status if new_passport else None,
        superseded=new_passport,
        ceased=False,
        responsible_org_id=new_responsible,
        responsibility_transferred=transferred,
        rule=rule,
        reasons=tuple(reasons),
    )
