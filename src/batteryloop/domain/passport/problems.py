"""Validation problems: every bad value found in a passport record, each with its field path and reason.

Validation collects all problems instead of stopping at the first, so a person can fix a record in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from batteryloop.domain.errors import InvalidInputError


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One bad value: ``field`` is a path such as ``attributes.hazardous_substances[2].cas``."""

    field: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Return the problem as a JSON-ready ``{"field", "reason"}`` object."""
        return {"field": self.field, "reason": self.reason}


class PassportValidationError(InvalidInputError):
    """One or more passport values break the rules; ``problems`` lists every one of them.

    ``field`` and ``reason`` are those of the first problem, so faces that show a single error still name one.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("PassportValidationError needs at least one problem")
        first = self.problems[0]
        more = len(self.problems) - 1
        reason = first.reason if not more else f"{first.reason} (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(reason, field=first.field)


@dataclass(slots=True)
class Problems:
    """A collector of problems, passed down the checks of one record."""

    items: list[Problem] = field(default_factory=list)

    def add(self, field_path: str, reason: str) -> None:
        """Record one problem."""
        self.items.append(Problem(field=field_path, reason=reason))

    def __len__(self) -> int:
        return len(self.items)
