"""The custody log: appending entries, signed tree heads, inclusion and consistency proofs, offline verification.

Entries are appended in order under the log's lock (:mod:`batteryloop.storage.repositories.log`); their leaf hashes
go into hash tiles (:mod:`batteryloop.domain.custody.tiles`), so a proof reads a few tiles and folds O(log n)
hashes. A checkpoint (C2SP signed note over origin, size and root) is signed with the platform's Ed25519 key when
asked for and the log has grown since the last one; the log never signs two different roots for one size.

A *proof bundle* holds everything a partner needs to check an entry offline: the entry, its leaf index, the tree
size and root, the inclusion path, the signed checkpoint and the log's verifier key. :func:`verify_bundle` and
:func:`verify_consistency_between` check bundles and checkpoints with no server (``batteryloop verify``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from batteryloop.domain.custody import merkle, tiles
from batteryloop.domain.custody.checkpoint import (
    Checkpoint,
    NoteSignature,
    SignedNote,
    calculate_key_id,
    format_checkpoint,
    format_signed_note,
    format_verifier_key,
    parse_checkpoint,
    parse_signed_note,
    parse_verifier_key,
)
from batteryloop.domain.errors import ConflictError, InvalidInputError, NotFoundError
from batteryloop.storage.uow import UnitOfWork


class LogIntegrityError(ConflictError):
    """The stored log contradicts a checkpoint the platform signed earlier."""


@dataclass(frozen=True, slots=True)
class LogSigner:
    """The log's identity (``origin``, also the key name) and the platform's signing key."""

    origin: str
    key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def verifier_key(self) -> str:
        return format_verifier_key(self.origin, self.public_key)


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    size: int
    root_hash: bytes
    note: str


# -- appending ---------------------------------------------------------------------------------------------------


def append(uow: UnitOfWork, entries: Sequence[bytes]) -> tuple[int, int]:
    """Append entries (the exact bytes to log); returns ``(index of the first, new size)``."""
    size = uow.log.size(for_update=True)
    if not entries:
        return size, size
    prefix, sha256 = merkle.LEAF_PREFIX, hashlib.sha256
    try:
        leaves = [sha256(prefix + e).digest() for e in entries]
    except TypeError:
        raise InvalidInputError("log entries are bytes", field="entries") from None
    new_size, changed = tiles.append_leaves(size, leaves, uow.log.tile)
    uow.log.save_tiles(changed.values())
    uow.log.add_entries(size, entries)
    uow.log.set_size(new_size)
    return size, new_size


# -- reading -----------------------------------------------------------------------------------------------------


def _subtree_hashes(uow: UnitOfWork, ranges: Sequence[tuple[int, int]]) -> merkle.SubtreeHash:
    loaded = uow.log.tiles(tiles.tiles_for(tiles.ranges_nodes(ranges)))
    node = tiles.node_reader(loaded)

    def subtree_hash(start: int, end: int) -> bytes:
        try:
            return tiles.range_hash(start, end, node)
        except KeyError:
            raise NotFoundError(f"the log's hashes for entries {start}-{end - 1} are missing", field="log") from None

    return subtree_hash


def _check_size(uow: UnitOfWork, size: int | None, *, field: str = "size") -> int:
    current = uow.log.size()
    if size is None:
        return current
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidInputError("must be a whole number of entries, 0 or more", field=field)
    if size > current:
        raise InvalidInputError(f"the log holds {current} entries; {size} is beyond its end", field=field)
    return size


def root_hash(uow: UnitOfWork, size: int | None = None) -> bytes:
    """The root of the first ``size`` entries (default: all)."""
    n = _check_size(uow, size)
    return _subtree_hashes(uow, [(0, n)])(0, n)


def inclusion_proof(uow: UnitOfWork, index: int, size: int | None = None) -> tuple[bytes, ...]:
    """The audit path of entry ``index`` in the tree of ``size`` entries (default: all)."""
    n = _check_size(uow, size)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n:
        raise InvalidInputError(f"must be an entry of the tree, 0 to {n - 1}", field="index")
    ranges = merkle.inclusion_proof_ranges(index, n)
    return merkle.inclusion_proof_from(_subtree_hashes(uow, ranges), index, n)


def consistency_proof(uow: UnitOfWork, size1: int, size2: int | None = None) -> tuple[bytes, ...]:
    """The proof that the tree of ``size2`` entries (default: all) extends the tree of ``size1``."""
    n = _check_size(uow, size2, field="size2")
    if isinstance(size1, bool) or not isinstance(size1, int) or not 0 < size1 <= n:
        raise InvalidInputError(f"must be 1 to {n} (the larger tree's size)", field="size1")
    ranges = merkle.consistency_proof_ranges(size1, n)
    return merkle.consistency_proof_from(_subtree_hashes(uow, ranges), size1, n)


def entry(uow: UnitOfWork, index: int) -> bytes:
    found = uow.log.entry(index)
    if found is None:
        raise NotFoundError(f"the log has no entry {index}", field="index")
    return found


# -- signing -----------------------------------------------------------------------------------------------------


def sign_note(signer: LogSigner, text: str) -> str:
    """The signed note over ``text`` (C2SP signed-note, Ed25519)."""
    signature = NoteSignature(
        key_name=signer.origin,
        key_id=calculate_key_id(signer.origin, signer.public_key),
        signature=signer.key.sign(text.encode("utf-8")),
    )
    return format_signed_note(SignedNote(text=text, signatures=(signature,)))


def checkpoint(uow: UnitOfWork, signer: LogSigner) -> SignedCheckpoint:
    """The signed checkpoint of the log as it is now (signed and stored if the log grew since the last one).

    Before signing, the stored tree must still hold the newest checkpoint signed so far as its prefix: the log never
    signs a tree that contradicts one it signed before (storage rewritten or rolled back). Signing takes the log's
    lock, so concurrent requests sign one checkpoint per size.
    """
    size = uow.log.size()
    stored = uow.log.checkpoint(size)
    if stored is not None:
        return SignedCheckpoint(stored[0], stored[1], stored[2])
    size = uow.log.size(for_update=True)
    stored = uow.log.checkpoint(size)
    if stored is not None:  # signed meanwhile by another request
        return SignedCheckpoint(stored[0], stored[1], stored[2])
    previous = uow.log.checkpoint()
    if previous is not None and (previous[0] > size or root_hash(uow, previous[0]) != previous[1]):
        raise LogIntegrityError(
            f"the stored log no longer extends the checkpoint signed at size {previous[0]}; it was rewritten or "
            "rolled back, and the platform will not sign a tree that contradicts one it signed. Restore the log "
            "from a backup that holds that checkpoint's entries",
            field="log",
        )
    root = root_hash(uow, size)
    note = sign_note(signer, format_checkpoint(Checkpoint(origin=signer.origin, size=size, root_hash=root)))
    uow.log.add_checkpoint(size, root, note, uow.now())
    return SignedCheckpoint(size, root, note)


def stored_checkpoint(uow: UnitOfWork, size: int | None = None) -> SignedCheckpoint:
    """A checkpoint signed earlier (of ``size`` entries, or the newest)."""
    stored = uow.log.checkpoint(size)
    if stored is None:
        what = (
            "no checkpoint has been signed yet: fetch GET /v1/log/checkpoint (it signs one), or pass the tree size"
            if size is None
            else f"no checkpoint was signed at size {size}; GET /v1/log/checkpoint gives the newest"
        )
        raise NotFoundError(what, field="size")
    return SignedCheckpoint(stored[0], stored[1], stored[2])


def proof_bundle(uow: UnitOfWork, signer: LogSigner, index: int) -> dict[str, Any]:
    """Everything needed to check entry ``index`` offline against the newest signed checkpoint."""
    head = checkpoint(uow, signer)
    data = entry(uow, index)
    path = inclusion_proof(uow, index, head.size)
    return {
        "entry": data.decode("utf-8"),
        "leaf_hash": b64(merkle.hash_leaf(data)),
        "leaf_index": index,
        "tree_size": head.size,
        "inclusion_path": [b64(h) for h in path],
        "root_hash": b64(head.root_hash),
        "checkpoint": head.note,
        "public_key": signer.verifier_key,
    }


# -- verifying (offline) -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    valid: bool
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "reason": self.reason}


def b64(digest: bytes) -> str:
    """A hash as standard base64 text (the log's JSON encoding of hashes)."""
    return base64.b64encode(digest).decode("ascii")


def _unb64(value: object, field: str) -> bytes:
    if not isinstance(value, str):
        raise InvalidInputError("must be a base64 string", field=field)
    try:
        return base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raise InvalidInputError("is not valid base64", field=field) from None


def verify_checkpoint(note: str, verifier_key: str) -> tuple[Checkpoint | None, str | None]:
    """The checkpoint of a signed note if ``verifier_key`` signed it, else ``(None, reason)``."""
    name, key_id, public = parse_verifier_key(verifier_key)
    signed = parse_signed_note(note)
    signatures = signed.signatures_by(name, key_id)
    if not signatures:
        return None, f"the checkpoint carries no signature by key {name}+{key_id.hex()}: another key signed it"
    key = Ed25519PublicKey.from_public_bytes(public)
    for signature in signatures:
        try:
            key.verify(signature.signature, signed.text.encode("utf-8"))
        except InvalidSignature:
            continue
        found = parse_checkpoint(signed.text)
        if found.origin != name:
            return None, f"the checkpoint is of log {found.origin!r}, the key of {name!r}"
        return found, None
    return None, "the checkpoint's signature does not verify with this key"


def verify_bundle(bundle: Mapping[str, Any], verifier_key: str | None = None) -> Verdict:
    """Check a proof bundle with no server: the signature on the checkpoint (with ``verifier_key``, default the
    bundle's own ``public_key`` -- pin the key you got from the log operator), that the checkpoint commits to the
    bundle's size and root, and the inclusion of the entry (or leaf hash) under that root."""
    key = verifier_key or bundle.get("public_key")
    if not isinstance(key, str):
        raise InvalidInputError("give the log's verifier key", field="public_key")
    parse_verifier_key(key)  # a malformed key is named before anything else
    note = bundle.get("checkpoint")
    if not isinstance(note, str):
        raise InvalidInputError("the bundle needs the signed checkpoint", field="checkpoint")
    head, problem = verify_checkpoint(note, key)
    if head is None:
        return Verdict(False, problem)
    size, index = bundle.get("tree_size", head.size), bundle.get("leaf_index")
    if size != head.size:
        return Verdict(False, f"the bundle says {size} entries, the signed checkpoint {head.size}")
    if "root_hash" in bundle and _unb64(bundle["root_hash"], "root_hash") != head.root_hash:
        return Verdict(False, "the bundle's root is not the signed checkpoint's root")
    if isinstance(bundle.get("entry"), str):
        leaf = merkle.hash_leaf(bundle["entry"].encode("utf-8"))
        if "leaf_hash" in bundle and _unb64(bundle["leaf_hash"], "leaf_hash") != leaf:
            return Verdict(False, "the leaf hash is not the hash of the entry")
    elif "leaf_hash" in bundle:
        leaf = _unb64(bundle["leaf_hash"], "leaf_hash")
    else:
        raise InvalidInputError("give the entry or its leaf hash", field="entry")
    if isinstance(index, bool) or not isinstance(index, int):
        raise InvalidInputError("must be the entry's index, a whole number", field="leaf_index")
    path = bundle.get("inclusion_path")
    if not isinstance(path, list):
        raise InvalidInputError("must be a list of base64 hashes", field="inclusion_path")
    proof = [_unb64(h, f"inclusion_path[{i}]") for i, h in enumerate(path)]
    result = merkle.verify_inclusion(leaf, index, head.size, proof, head.root_hash)
    return Verdict(result.valid, result.reason)


def verify_consistency_between(old_note: str, new_note: str, proof: Sequence[str], verifier_key: str) -> Verdict:
    """Check that the log behind two signed checkpoints only grew between them (with the consistency proof)."""
    old, problem = verify_checkpoint(old_note, verifier_key)
    if old is None:
        return Verdict(False, f"older checkpoint: {problem}")
    new, problem = verify_checkpoint(new_note, verifier_key)
    if new is None:
        return Verdict(False, f"newer checkpoint: {problem}")
    if old.size == new.size:
        same = old.root_hash == new.root_hash
        return Verdict(same, None if same else "two different roots signed for one size: the log forked")
    if old.size > new.size:
        old, new = new, old
    hashes = [_unb64(h, f"proof[{i}]") for i, h in enumerate(proof)]
    if old.size == 0:
        return Verdict(True, None)
    result = merkle.verify_consistency(old.size, new.size, old.root_hash, new.root_hash, hashes)
    return Verdict(result.valid, result.reason)
