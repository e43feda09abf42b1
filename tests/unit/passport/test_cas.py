"""CAS Registry Numbers: format and check digit.

Known numbers from the CAS Registry (as listed by PubChem and the suppliers' safety data sheets); the check digit
rule from CAS, "Check Digit Verification of CAS Registry Numbers". Worked example, water 7732-18-5:
8x1 + 1x2 + 2x3 + 3x4 + 7x5 + 7x6 = 105, 105 mod 10 = 5.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.cas import calculate_cas_check_digit, check_cas_number, is_valid_cas_number

KNOWN = [
    ("nickel", "7440-02-0"),
    ("lithium", "7439-93-2"),
    ("lithium hexafluorophosphate (LiPF6)", "21324-40-3"),
    ("water", "7732-18-5"),
    ("cobalt", "7440-48-4"),
    ("manganese", "7439-96-5"),
    ("iron", "7439-89-6"),
    ("graphite", "7782-42-5"),
    ("aluminium", "7429-90-5"),
    ("copper", "7440-50-8"),
    ("oxygen", "7782-44-7"),
    ("lithium carbonate", "554-13-2"),
    ("lithium cobalt oxide", "12190-79-3"),
    ("lithium iron phosphate", "15365-14-7"),
    ("ethylene carbonate", "96-49-1"),
    ("propylene carbonate", "108-32-7"),
    ("dimethyl carbonate", "616-38-6"),
    ("ethyl methyl carbonate", "623-53-0"),
    ("polyvinylidene fluoride (PVDF)", "24937-79-9"),
    ("N-methyl-2-pyrrolidone (NMP)", "872-50-4"),
    ("ethanol", "64-17-5"),
    ("formaldehyde (two-digit first group)", "50-00-0"),
]


@pytest.mark.parametrize(("substance", "cas"), KNOWN, ids=[s for s, _ in KNOWN])
def test_known_cas_numbers_pass(substance: str, cas: str) -> None:
    assert check_cas_number(cas) == cas, substance
    assert is_valid_cas_number(cas)


@pytest.mark.parametrize(("substance", "cas"), KNOWN, ids=[s for s, _ in KNOWN])
def test_every_other_check_digit_fails(substance: str, cas: str) -> None:
    head, check = cas[:-1], int(cas[-1])
    for wrong in set(range(10)) - {check}:
        with pytest.raises(InvalidInputError) as info:
            check_cas_number(f"{head}{wrong}")
        assert f"its digits give {check}" in info.value.reason, substance


def test_water_check_digit_worked_by_hand() -> None:
    assert calculate_cas_check_digit("773218") == 105 % 10 == 5


def test_surrounding_blanks_are_removed() -> None:
    # The Battery Pass MaterialComposition sample payload writes lithium as "7439-93-2 ".
    assert check_cas_number("7439-93-2 ") == "7439-93-2"


@pytest.mark.parametrize(
    "value",
    ["7440020", "7440-2-0", "1-23-4", "12345678-12-3", "7440-02-00", "abcd-ef-g", "", "JxkyvRnL", "7440–02–0"],
)
def test_malformed_numbers_are_refused_with_the_format(value: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        check_cas_number(value, field="materials[0].cas")
    assert info.value.field == "materials[0].cas"
    assert "two to seven digits" in info.value.reason


@pytest.mark.parametrize("value", [None, 7440020, ["7440-02-0"]])
def test_non_strings_are_refused(value: object) -> None:
    with pytest.raises(InvalidInputError, match="must be a string"):
        check_cas_number(value)
    assert not is_valid_cas_number(value)


def test_sample_payload_random_cas_is_refused() -> None:
    # Battery Pass MaterialComposition-payload.json (generated sample): "37-70-2"; 3770 gives 0+14+21+12 = 47 -> 7.
    with pytest.raises(InvalidInputError) as info:
        check_cas_number("37-70-2")
    assert "has check digit 2 but its digits give 7" in info.value.reason
    assert "'37-70-7'" in info.value.reason


@given(st.text(alphabet="0123456789", min_size=4, max_size=9))
def test_the_computed_check_digit_always_validates(digits: str) -> None:
    check = calculate_cas_check_digit(digits)
    cas = f"{digits[:-2]}-{digits[-2:]}-{check}"
    assert check_cas_number(cas) == cas
    assert not is_valid_cas_number(f"{digits[:-2]}-{digits[-2:]}-{(check + 1) % 10}")


@pytest.mark.parametrize("digits", ["123", "1234567890", "12a4", ""])
def test_check_digit_needs_four_to_nine_digits(digits: str) -> None:
    with pytest.raises(InvalidInputError):
        calculate_cas_check_digit(digits)
