"""The custody log's public face: its key, signed checkpoints and proofs (hashes only; no entry content).

Like a Certificate Transparency log, everything here is public: a checkpoint commits to the whole log without
revealing an entry, and a proof is a list of hashes. Entries themselves are served with the custody events they
record, to those the events' owners share them with.
"""

from __future__ import annotations

from typing import Annotated, Any

from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from batteryloop.api.deps import OptionalCallerDep, PlatformDep
from batteryloop.api.schemas.common import PROBLEM_RESPONSES
from batteryloop.services import custody_log

router = APIRouter(prefix="/v1/log", tags=["custody log"], responses=PROBLEM_RESPONSES)

SizeQuery = Annotated[int | None, Query(ge=0, description="Tree size; default: the newest signed checkpoint's")]


@router.get("/key")
def log_key(platform: PlatformDep) -> dict[str, Any]:
    """The log's identity and public key: pin ``verifier_key`` (C2SP note verifier key) to check checkpoints and
    proof bundles offline (``batteryloop verify --key``)."""
    signer = platform.log_signer
    pem = signer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "origin": signer.origin,
        "algorithm": "Ed25519",
        "verifier_key": signer.verifier_key,
        "public_key": custody_log.b64(signer.public_key),
        "public_key_pem": pem.decode("ascii"),
    }


@router.get("/checkpoint", response_class=PlainTextResponse)
async def log_checkpoint(caller: OptionalCallerDep) -> PlainTextResponse:
    """The newest signed checkpoint (C2SP signed note: origin, size, base64 root, then the signature line),
    signed now if the log grew since the last one."""
    signer = caller.platform.log_signer
    head = await caller(lambda uow, _actor: custody_log.checkpoint(uow, signer))
    return PlainTextResponse(head.note, media_type="text/plain; charset=utf-8")


@router.get("/checkpoints/{size}", response_class=PlainTextResponse)
async def log_checkpoint_at(size: int, caller: OptionalCallerDep) -> PlainTextResponse:
    """A checkpoint signed earlier, at ``size`` entries (404 if none was signed at that size)."""
    head = await caller.read(lambda uow, _actor: custody_log.stored_checkpoint(uow, size))
    return PlainTextResponse(head.note, media_type="text/plain; charset=utf-8")


@router.get("/proof/inclusion")
async def inclusion_proof(
    caller: OptionalCallerDep,
    index: Annotated[int, Query(ge=0, description="Leaf index of the entry")],
    size: SizeQuery = None,
) -> dict[str, Any]:
    """The audit path of entry ``index`` in the tree of ``size`` entries (RFC 9162 §2.1.3)."""

    def run(uow: Any, _actor: Any) -> dict[str, Any]:
        n = size if size is not None else custody_log.stored_checkpoint(uow).size
        path = custody_log.inclusion_proof(uow, index, n)
        return {
            "leaf_index": index,
            "tree_size": n,
            "root_hash": custody_log.b64(custody_log.root_hash(uow, n)),
            "inclusion_path": [custody_log.b64(h) for h in path],
        }

    return await caller.read(run)


@router.get("/proof/consistency")
async def consistency_proof(
    caller: OptionalCallerDep,
    size1: Annotated[int, Query(ge=1, description="The older tree's size")],
    size2: SizeQuery = None,
) -> dict[str, Any]:
    """The proof that the tree of ``size2`` entries extends the tree of ``size1`` (RFC 9162 §2.1.4)."""

    def run(uow: Any, _actor: Any) -> dict[str, Any]:
        n = size2 if size2 is not None else custody_log.stored_checkpoint(uow).size
        proof = custody_log.consistency_proof(uow, size1, n)
        return {
            "size1": size1,
            "size2": n,
            "root1": custody_log.b64(custody_log.root_hash(uow, size1)),
            "root2": custody_log.b64(custody_log.root_hash(uow, n)),
            "proof": [custody_log.b64(h) for h in proof],
        }

    return await caller.read(run)
