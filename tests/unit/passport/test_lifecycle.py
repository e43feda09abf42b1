"""The passport lifecycle: every (from, to) pair of statuses, with the regulation's consequences.

Rules: Regulation (EU) 2023/1542 Art. 77(6) (new passport on repurposing and remanufacturing), Art. 77(7)
(responsibility passes to the waste operator), Art. 77(8) (the passport ceases after recycling), Art. 78(e) (it
stays available); DIN DKE SPEC 99100 §6.1.3.7 (a repair is recorded under re-used).
"""

from __future__ import annotations

import uuid

import pytest

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.lifecycle import (
    RECYCLED,
    TARGETS,
    BatteryStatus,
    LifecycleRules,
    PassportState,
    TransitionResult,
    allowed_transitions,
    check_transition,
    parse_status,
)

OEM, WASTE_OPERATOR, REPURPOSER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

ORIG, RU, RP, RM, W, R = "original", "re-used", "repurposed", "remanufactured", "waste", "recycled"
# (from, to): a string = refused (the string is a fragment of the reason), else (new passport?, ceased?, new responsible)
TABLE: dict[tuple[str, str], tuple[bool, bool, uuid.UUID] | str] = {
    (ORIG, ORIG): "never becomes 'original' again",
    (ORIG, RU): (False, False, REPURPOSER),
    (ORIG, RP): (True, False, REPURPOSER),
    (ORIG, RM): (True, False, REPURPOSER),
    (ORIG, W): (False, False, WASTE_OPERATOR),
    (ORIG, R): "only a waste battery can be recycled",
    (RU, ORIG): "never becomes 'original' again",
    (RU, RU): (False, False, REPURPOSER),
    (RU, RP): (True, False, REPURPOSER),
    (RU, RM): (True, False, REPURPOSER),
    (RU, W): (False, False, WASTE_OPERATOR),
    (RU, R): "only a waste battery can be recycled",
    (RP, ORIG): "never becomes 'original' again",
    (RP, RU): (False, False, REPURPOSER),
    (RP, RP): (True, False, REPURPOSER),
    (RP, RM): (True, False, REPURPOSER),
    (RP, W): (False, False, WASTE_OPERATOR),
    (RP, R): "only a waste battery can be recycled",
    (RM, ORIG): "never becomes 'original' again",
    (RM, RU): (False, False, REPURPOSER),
    (RM, RP): (True, False, REPURPOSER),
    (RM, RM): (True, False, REPURPOSER),
    (RM, W): (False, False, WASTE_OPERATOR),
    (RM, R): "only a waste battery can be recycled",
    (W, ORIG): "never becomes 'original' again",
    (W, RU): "a waste battery cannot be re-used",
    (W, RP): "a waste battery cannot be repurposed",
    (W, RM): "a waste battery cannot be remanufactured",
    (W, W): "already waste",
    (W, R): (False, True, OEM),
}


def test_the_table_covers_every_pair() -> None:
    assert set(TABLE) == {(s.value, t) for s in BatteryStatus for t in TARGETS}


def _operator(to: str) -> uuid.UUID | None:
    return WASTE_OPERATOR if to == W else None if to == R else REPURPOSER


@pytest.mark.parametrize(("start", "to"), list(TABLE), ids=[f"{a}->{b}" for a, b in TABLE])
def test_every_transition(start: str, to: str) -> None:
    state = PassportState(status=BatteryStatus(start), responsible_org_id=OEM)
    expected = TABLE[(start, to)]
    if isinstance(expected, str):
        with pytest.raises(InvalidInputError) as info:
            check_transition(state, to, operator_org_id=_operator(to))
        assert info.value.field == "status"
        assert expected in info.value.reason
        assert to not in allowed_transitions(BatteryStatus(start))
        return
    new_passport, ceased, responsible = expected
    result = check_transition(state, to, operator_org_id=_operator(to))
    assert isinstance(result, TransitionResult)
    assert to in allowed_transitions(BatteryStatus(start))
    assert result.from_status.value == start
    assert result.to == to
    assert result.creates_new_passport is new_passport
    assert result.superseded is new_passport
    assert result.new_passport_status == (BatteryStatus(to) if new_passport else None)
    assert result.ceased is ceased
    # the old passport keeps its status when a new one is issued, and when it ceases
    assert result.status.value == (start if new_passport or ceased else to)
    assert result.responsible_org_id == responsible
    assert result.responsibility_transferred is (responsible != OEM)
    assert result.reasons and result.rule


def test_waste_passes_responsibility_to_the_waste_operator() -> None:
    result = check_transition(
        PassportState(status=BatteryStatus.ORIGINAL, responsible_org_id=OEM), "waste", operator_org_id=WASTE_OPERATOR
    )
    assert result.rule == "Art. 77(7)"
    assert result.responsible_org_id == WASTE_OPERATOR
    assert any(str(WASTE_OPERATOR) in r for r in result.reasons)


def test_recycling_ends_the_passport_as_a_readable_archive() -> None:
    state = PassportState(status=BatteryStatus.WASTE, responsible_org_id=WASTE_OPERATOR)
    result = check_transition(state, RECYCLED)
    assert result.ceased and result.status is BatteryStatus.WASTE
    assert result.rule == "Art. 77(8); Art. 78(e)"
    assert result.responsible_org_id == WASTE_OPERATOR
    assert any("read-only archive" in r for r in result.reasons)


def test_repair_of_a_re_used_battery_stays_re_used_on_the_same_passport() -> None:
    state = PassportState(status=BatteryStatus.RE_USED, responsible_org_id=OEM)
    result = check_transition(state, "re-used")
    assert not result.creates_new_passport
    assert result.responsible_org_id == OEM and not result.responsibility_transferred
    assert result.rule == "DIN DKE SPEC 99100 §6.1.3.7"


@pytest.mark.parametrize("to", ["waste", "repurposed", "remanufactured"])
def test_an_operator_must_be_named_where_responsibility_moves(to: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        check_transition(PassportState(status=BatteryStatus.ORIGINAL, responsible_org_id=OEM), to)
    assert info.value.field == "operator_org_id"


@pytest.mark.parametrize(("flag", "message"), [("superseded", "superseded"), ("ceased", "read-only archive")])
@pytest.mark.parametrize("to", TARGETS)
def test_superseded_and_ceased_passports_accept_no_change(flag: str, message: str, to: str) -> None:
    state = PassportState(status=BatteryStatus.WASTE, responsible_org_id=OEM, **{flag: True})
    with pytest.raises(InvalidInputError) as info:
        check_transition(state, to, operator_org_id=REPURPOSER)
    assert info.value.field == "status"
    assert message in info.value.reason


@pytest.mark.parametrize(("typo", "hint"), [("wast", "waste"), ("Reused", "re-used"), ("Recycled", "recycled")])
def test_a_status_typo_is_refused_with_a_suggestion(typo: str, hint: str) -> None:
    state = PassportState(status=BatteryStatus.ORIGINAL, responsible_org_id=OEM)
    with pytest.raises(InvalidInputError) as info:
        check_transition(state, typo, operator_org_id=WASTE_OPERATOR)
    assert info.value.field == "status"
    assert f"did you mean '{hint}'?" in info.value.reason


def test_parse_status() -> None:
    assert parse_status("re-used") is BatteryStatus.RE_USED
    with pytest.raises(InvalidInputError, match="did you mean 're-used'"):
        parse_status("Reused")
    with pytest.raises(InvalidInputError):
        parse_status(None)


def test_option_new_passport_on_re_use() -> None:
    rules = LifecycleRules(new_passport_on_re_use=True)
    fresh = check_transition(
        PassportState(status=BatteryStatus.ORIGINAL, responsible_org_id=OEM),
        "re-used",
        operator_org_id=REPURPOSER,
        rules=rules,
    )
    assert fresh.creates_new_passport and fresh.status is BatteryStatus.ORIGINAL
    assert fresh.rule == "DIN DKE SPEC 99100 §5.2.1"
    repair = check_transition(
        PassportState(status=BatteryStatus.RE_USED, responsible_org_id=OEM), "re-used", rules=rules
    )
    assert not repair.creates_new_passport


def test_option_waste_may_be_prepared_for_second_life() -> None:
    rules = LifecycleRules(waste_may_be_prepared_for_second_life=True)
    assert allowed_transitions(BatteryStatus.WASTE, rules=rules) == (
        "re-used",
        "repurposed",
        "remanufactured",
        RECYCLED,
    )
    state = PassportState(status=BatteryStatus.WASTE, responsible_org_id=WASTE_OPERATOR)
    result = check_transition(state, "repurposed", operator_org_id=REPURPOSER, rules=rules)
    assert result.creates_new_passport and result.responsible_org_id == REPURPOSER
    assert any("Art. 73" in r for r in result.reasons)
