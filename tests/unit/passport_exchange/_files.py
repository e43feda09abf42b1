"""The published test files (../shared/testdata), read as they are: bytes -> decode_document -> json.loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from batteryloop.domain.passport.exchange import decode_document

TESTDATA = Path(__file__).resolve().parents[2] / "data" / "external"
BATTERYPASS = TESTDATA / "batterypass-1.2"
CATENAX = TESTDATA / "catenax"
BATTERYPASS_SAMPLES = sorted(p for p in BATTERYPASS.glob("*.json") if not p.name.endswith("-schema.json"))
"""The generated sample payloads, one per aspect (``Circularity.json`` is the Circularity sample)."""


def load(path: Path) -> Any:
    """The JSON of a published file, decoded as a user's upload would be."""
    return json.loads(decode_document(path.read_bytes()))


def numeric_leaves(value: Any, path: str) -> list[tuple[str, Any]]:
    """Every number in a JSON value with its dotted path (``a.b[0].c``)."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in numeric_leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in numeric_leaves(v, f"{path}[{i}]")]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [(path, value)]
    return []
