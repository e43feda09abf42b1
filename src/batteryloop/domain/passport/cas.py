r"""CAS Registry Numbers: format and check digit.

A CAS RN is written ``NNNNNNN-NN-R``: two to seven digits, a hyphen, two digits, a hyphen and a check digit ``R``.
The check digit is the sum of the other digits, each multiplied by its position counted from the right (the
digit just before the check digit has position 1), modulo 10. Example, water 7732-18-5:
``8x1 + 1x2 + 2x3 + 3x4 + 7x5 + 7x6 = 105``, and ``105 mod 10 = 5``.

References:
    CAS, "Check Digit Verification of CAS Registry Numbers",
    https://www.cas.org/support/documentation/chemical-substances/checkdig
    Battery Pass data model 1.2, MaterialComposition: ``batteryMaterialIdentifier``, pattern ``^\d{2,7}-\d{2}-\d{1}$``.
"""

from __future__ import annotations

import re
from typing import Final

from batteryloop.domain.errors import InvalidInputError

CAS_PATTERN: Final = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def calculate_cas_check_digit(digits: str) -> int:
    """Return the check digit of a CAS RN from its other digits.

    Args:
        digits: The digits before the check digit, hyphens removed (e.g. ``"773218"`` for water).

    Returns:
        The check digit, 0-9.

    Raises:
        InvalidInputError: ``field="cas"`` if ``digits`` is not four to nine decimal digits.

    References:
        CAS check digit verification (see the module docstring).
    """
    if not (isinstance(digits, str) and digits.isascii() and digits.isdigit() and 4 <= len(digits) <= 9):
        raise InvalidInputError("give the four to nine digits before the check digit", field="cas")
    return sum(position * int(d) for position, d in enumerate(reversed(digits), start=1)) % 10


def check_cas_number(value: object, *, field: str = "cas") -> str:
    """Return a CAS Registry Number after checking its format and check digit.

    Args:
        value: The CAS RN as given, e.g. ``"7440-02-0"`` (nickel). Blanks around it are removed.
        field: Input field reported on error.

    Returns:
        The CAS RN without surrounding blanks.

    Raises:
        InvalidInputError: If the value is not a string of the form ``NNNNNNN-NN-R`` (two to seven digits, two
            digits, one check digit) or if its check digit is wrong; the reason states the expected digit.

    References:
        CAS check digit verification (see the module docstring).
    """
    if not isinstance(value, str):
        raise InvalidInputError(f"a CAS number must be a string such as '7440-02-0', got {value!r}", field=field)
    text = value.strip()
    match = CAS_PATTERN.match(text)
    if match is None:
        raise InvalidInputError(
            f"{value!r} is not a CAS Registry Number: write two to seven digits, two digits and one check digit "
            "separated by hyphens, e.g. '7440-02-0' (nickel)",
            field=field,
        )
    expected = calculate_cas_check_digit(match.group(1) + match.group(2))
    if int(match.group(3)) != expected:
        raise InvalidInputError(
            f"{text!r} has check digit {match.group(3)} but its digits give {expected}; "
            f"check the number (perhaps '{match.group(1)}-{match.group(2)}-{expected}'?) against the CAS registry",
            field=field,
        )
    return text


def is_valid_cas_number(value: object) -> bool:
    """True when ``value`` is a CAS RN with a valid format and check digit."""
    try:
        check_cas_number(value)
    except InvalidInputError:
        return False
    return True
