"""Access to the package's own reference data files (``batteryloop/data``).

This is the one read the core may do. Files are read through :mod:`importlib.resources`, so they work from an
installed wheel; callers cache what they parse (``functools.cache``).
"""

from __future__ import annotations

import csv
import io
import tomllib
from importlib import resources
from typing import Any

from batteryloop.domain.errors import ReferenceDataError

_PACKAGE = "batteryloop.data"


def read_text(relative_path: str) -> str:
    """Return the text of a reference data file.

    Args:
        relative_path: Path below ``batteryloop/data`` with ``/`` separators (e.g. ``"chemistry/atomic_weights.csv"``).

    Returns:
        The file's text, decoded as UTF-8.

    Raises:
        ReferenceDataError: If the file does not exist in the package.
    """
    node = resources.files(_PACKAGE)
    for part in relative_path.split("/"):
        node = node.joinpath(part)
    try:
        return node.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"reference data file {relative_path!r} is missing from the package") from exc


def read_csv(relative_path: str) -> list[dict[str, str]]:
    """Return the rows of a CSV reference file as dictionaries keyed by the header.

    Lines starting with ``#`` are comments (used for the file's source and date notes).

    Raises:
        ReferenceDataError: If the file is missing.
    """
    text = read_text(relative_path)
    lines = [line for line in io.StringIO(text) if not line.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def read_toml(relative_path: str) -> dict[str, Any]:
    """Return a TOML reference file as a dictionary.

    Raises:
        ReferenceDataError: If the file is missing or is not valid TOML.
    """
    try:
        return tomllib.loads(read_text(relative_path))
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"reference data file {relative_path!r} is not valid TOML: {exc}") from exc
