"""Every RFC 9162 proof vector of transparency-dev/merkle, through the domain verifiers and ``calc merkle``.

Source: transparency-dev/merkle @ 417fb0c, ``testdata/inclusion`` and ``testdata/consistency`` (Apache-2.0,
LICENSE kept beside them in ``tests/data/external/rfc9162-merkle/``). Each file is one case with base64 hashes;
``wantErr: false`` cases must verify, every ``wantErr: true`` case (bit flips, index and size mutations, garbage
before or after the proof, wrong leaf, empty or wrong roots, the edge cases in ``additional/``) must fail.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from batteryloop.domain.custody.merkle import (
    calculate_consistency_proof,
    calculate_inclusion_proof,
    calculate_root,
    verify_consistency,
    verify_inclusion,
)
from batteryloop.services.calc import run_document

from ._trees import CT_LEAVES, leaf

VECTORS = Path(__file__).resolve().parents[2] / "data" / "external" / "rfc9162-merkle"
INCLUSION = sorted((VECTORS / "testdata" / "inclusion").rglob("*.json"))
CONSISTENCY = sorted((VECTORS / "testdata" / "consistency").rglob("*.json"))


def _id(path: Path) -> str:
    return str(path.relative_to(VECTORS / "testdata"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(item) for item in case["proof"] or []]


def test_the_vectors_are_in_the_repository_with_their_licence() -> None:
    assert "Apache License" in (VECTORS / "LICENSE").read_text(encoding="utf-8")
    # 98 inclusion and 98 consistency cases at commit 417fb0c; a missing folder must not pass silently.
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98
    cases = [_load(path) for path in INCLUSION + CONSISTENCY]
    assert sum(not case["wantErr"] for case in cases) == 12
    assert sum(bool(case["wantErr"]) for case in cases) == 184


@pytest.mark.parametrize("path", INCLUSION, ids=_id)
def test_inclusion_vector_through_the_domain_verifier(path: Path) -> None:
    case = _load(path)
    result = verify_inclusion(
        _b64(case["leafHash"]), case["leafIdx"], case["treeSize"], _proof(case), _b64(case["root"])
    )
    assert result.valid is not case["wantErr"], result.reason
    assert result.kind == "inclusion"
    assert result.rule == "RFC 9162 §2.1.3.2"
    assert result.reason


@pytest.mark.parametrize("path", CONSISTENCY, ids=_id)
def test_consistency_vector_through_the_domain_verifier(path: Path) -> None:
    case = _load(path)
    result = verify_consistency(case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]), _proof(case))
    assert result.valid is not case["wantErr"], result.reason
    assert result.kind == "consistency"
    assert result.rule == "RFC 9162 §2.1.4.2"
    assert result.reason


@pytest.mark.parametrize("path", INCLUSION + CONSISTENCY, ids=_id)
def test_vector_through_the_calculator_as_published(path: Path) -> None:
    case = _load(path)  # the file as it is, desc and wantErr included
    result, failed = run_document("merkle", case)
    assert failed == 0
    assert set(result) == {"valid", "reason"}
    assert result["valid"] is not case["wantErr"], result["reason"]
    assert json.loads(json.dumps(result)) == result


def test_all_vectors_as_one_list_document() -> None:
    cases = [_load(path) for path in INCLUSION + CONSISTENCY]
    results, failed = run_document("merkle", cases)
    assert failed == 0
    assert [r["valid"] for r in results] == [not case["wantErr"] for case in cases]


HAPPY = [p for p in INCLUSION + CONSISTENCY if p.name == "happy-path.json"]


@pytest.mark.parametrize("path", HAPPY, ids=_id)
def test_generated_proofs_equal_the_published_happy_paths(path: Path) -> None:
    """The happy paths are proofs over the CT reference leaves: generating them here must give the same bytes."""
    case = _load(path)
    hashes = [leaf(entry) for entry in CT_LEAVES]
    if "leafIdx" in case:
        tree = hashes[: case["treeSize"]]
        assert _b64(case["leafHash"]) == tree[case["leafIdx"]]
        assert calculate_root(tree) == _b64(case["root"])
        assert list(calculate_inclusion_proof(tree, case["leafIdx"])) == _proof(case)
    else:
        tree = hashes[: case["size2"]]
        assert calculate_root(tree[: case["size1"]]) == _b64(case["root1"])
        assert calculate_root(tree) == _b64(case["root2"])
        assert list(calculate_consistency_proof(tree, case["size1"])) == _proof(case)
