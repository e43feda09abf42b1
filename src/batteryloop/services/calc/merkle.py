"""Calculator ``merkle``: verify an RFC 9162 inclusion or consistency proof, offline.

Contract (partners' scripts rely on it). The input is the shape of the transparency-dev/merkle test vectors,
hashes in standard base64 (RFC 4648 §4):

- inclusion: ``{"leafIdx", "treeSize", "root", "leafHash", "proof"}``;
- consistency: ``{"size1", "size2", "root1", "root2", "proof"}``.

``proof`` is a list of base64 hashes (``null`` or absent means empty). ``desc`` and ``wantErr``, which the test
vectors carry, are accepted and ignored. The output is ``{"valid": true|false, "reason": "..."}``: a proof that
does not hold is a result (``valid: false`` with the failed check), not an error. Errors are for input that is
not a proof: a missing or unknown key, keys of both kinds, a negative or non-integer size, bad base64.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from pydantic import Field, PlainValidator
from pydantic_core import PydanticCustomError

from batteryloop.domain.custody.merkle import verify_consistency, verify_inclusion
from batteryloop.domain.errors import InvalidInputError
from batteryloop.services.calc.base import CalcInput, CalcItemError, Calculator, FieldProblem

INCLUSION_KEYS = ("leafIdx", "treeSize", "root", "leafHash")
CONSISTENCY_KEYS = ("size1", "size2", "root1", "root2")


def _decode_base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise PydanticCustomError("base64_type", "must be a base64 string, got {type}", {"type": type(value).__name__})
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PydanticCustomError(
            "base64", "must be standard base64 (RFC 4648 §4): {error}", {"error": str(exc)}
        ) from None


Base64Hash = Annotated[bytes, PlainValidator(_decode_base64, json_schema_input_type=str)]
Count = Annotated[int, Field(strict=True, ge=0)]


class MerkleInput(CalcInput):
    """Input of the ``merkle`` calculator: one inclusion or one consistency proof (test-vector key names)."""

    leaf_index: Count | None = Field(default=None, alias="leafIdx", description="Inclusion: zero-based leaf index.")
    tree_size: Count | None = Field(
        default=None, alias="treeSize", description="Inclusion: tree size [leaves] the root belongs to."
    )
    root: Base64Hash | None = Field(default=None, description="Inclusion: tree root, base64.")
    leaf_hash: Base64Hash | None = Field(
        default=None, alias="leafHash", description="Inclusion: leaf hash SHA-256(0x00 || entry), base64."
    )
    size1: Count | None = Field(default=None, description="Consistency: earlier tree size [leaves].")
    size2: Count | None = Field(default=None, description="Consistency: later tree size [leaves].")
    root1: Base64Hash | None = Field(default=None, description="Consistency: earlier tree root, base64.")
    root2: Base64Hash | None = Field(default=None, description="Consistency: later tree root, base64.")
    proof: list[Base64Hash] | None = Field(
        default=None, description="The proof: base64 hashes in RFC 9162 order; null or absent means empty."
    )
    desc: str | None = Field(default=None, description="Ignored (test-vector description).")
    want_err: bool | None = Field(default=None, alias="wantErr", description="Ignored (test-vector expectation).")


def compute_merkle(params: MerkleInput) -> dict[str, Any]:
    """Verify the inclusion or consistency proof described by ``params``."""
    given = params.model_fields_set
    inclusion = [key for key in INCLUSION_KEYS if _field_for(key) in given]
    consistency = [key for key in CONSISTENCY_KEYS if _field_for(key) in given]
    if inclusion and consistency:
        raise InvalidInputError(
            f"give either an inclusion proof ({', '.join(INCLUSION_KEYS)}) or a consistency proof "
            f"({', '.join(CONSISTENCY_KEYS)}), not keys of both ({', '.join(inclusion + consistency)})",
            field=consistency[0],
        )
    if not inclusion and not consistency:
        raise InvalidInputError(
            f"nothing to verify: give {', '.join(INCLUSION_KEYS)} and proof for an inclusion proof, or "
            f"{', '.join(CONSISTENCY_KEYS)} and proof for a consistency proof",
            field="",
        )
    keys = INCLUSION_KEYS if inclusion else CONSISTENCY_KEYS
    values = {key: getattr(params, _field_for(key)) for key in keys}
    missing = [key for key, value in values.items() if value is None]
    if missing:
        kind = "an inclusion" if inclusion else "a consistency"
        raise CalcItemError(
            "Invalid input",
            [FieldProblem(field=key, reason=f"required to verify {kind} proof: {_WHAT[key]}") for key in missing],
        )
    proof = params.proof or []
    if inclusion:
        result = verify_inclusion(values["leafHash"], values["leafIdx"], values["treeSize"], proof, values["root"])
    else:
        result = verify_consistency(values["size1"], values["size2"], values["root1"], values["root2"], proof)
    return {"valid": result.valid, "reason": f"{result.reason} ({result.rule})"}


def _field_for(key: str) -> str:
    return _FIELD_BY_KEY.get(key, key)


_WHAT = {
    "leafIdx": "the leaf's zero-based index",
    "treeSize": "the number of leaves the root belongs to",
    "root": "the tree root, base64",
    "leafHash": "the leaf hash, base64",
    "size1": "the earlier tree size",
    "size2": "the later tree size",
    "root1": "the earlier root, base64",
    "root2": "the later root, base64",
}
_FIELD_BY_KEY = {"leafIdx": "leaf_index", "treeSize": "tree_size", "leafHash": "leaf_hash"}


CALCULATOR = Calculator(
    topic="merkle",
    summary=(
        "Verify an RFC 9162 Merkle inclusion proof (leafIdx, treeSize, root, leafHash, proof) or consistency "
        "proof (size1, size2, root1, root2, proof), hashes in base64 as in the transparency-dev test vectors; "
        "returns valid and the reason."
    ),
    input_model=MerkleInput,
    compute=compute_merkle,
    examples=(
        {
            "leafIdx": 0,
            "treeSize": 8,
            "root": "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
            "leafHash": "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
            "proof": [
                "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
                "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
                "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
            ],
        },
        {
            "size1": 1,
            "size2": 8,
            "root1": "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
            "root2": "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
            "proof": [
                "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
                "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
                "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
            ],
        },
    ),
)
