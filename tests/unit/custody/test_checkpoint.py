"""Checkpoint and signed-note text (C2SP tlog-checkpoint, signed-note), without key handling.

Reference values: the signed note and verifier key of golang.org/x/mod/sumdb/note's documentation
("PeterNeumann", key ID c74f20a3), whose Ed25519 signature is checked here with ``cryptography`` to prove the
parsed text is exactly the signed bytes; the checkpoint example of c2sp.org/tlog-checkpoint.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

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
)
from batteryloop.domain.custody.merkle import calculate_root, hash_leaf
from batteryloop.domain.errors import InvalidInputError

GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = (
    GO_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
C2SP_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+"
    "zyWE+xeMcTOAYQ8=\n"
)


def _go_public_key() -> bytes:
    typed = base64.b64decode(GO_VERIFIER_KEY.split("+", 2)[2])
    assert typed[0] == 0x01  # Ed25519
    return typed[1:]


def test_key_id_and_verifier_key_match_go_sumdb_note() -> None:
    public_key = _go_public_key()
    assert calculate_key_id("PeterNeumann", public_key).hex() == "c74f20a3"
    assert format_verifier_key("PeterNeumann", public_key) == GO_VERIFIER_KEY


def test_parsed_go_note_is_exactly_what_was_signed() -> None:
    note = parse_signed_note(GO_NOTE)
    assert note.text == GO_TEXT
    (signature,) = note.signatures
    assert signature.key_name == "PeterNeumann"
    assert signature.key_id.hex() == "c74f20a3"
    assert len(signature.signature) == 64
    # raises InvalidSignature if the text or the split were off by a single byte
    Ed25519PublicKey.from_public_bytes(_go_public_key()).verify(signature.signature, note.text.encode())
    assert format_signed_note(note) == GO_NOTE
    assert note.signatures_by("PeterNeumann", bytes.fromhex("c74f20a3")) == (signature,)
    assert note.signatures_by("PeterNeumann", bytes.fromhex("00000000")) == ()


def test_c2sp_checkpoint_example_parses() -> None:
    note = parse_signed_note(C2SP_CHECKPOINT)
    checkpoint = parse_checkpoint(note.text)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert base64.b64encode(checkpoint.root_hash).decode() == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    assert checkpoint.extensions == ()
    assert format_checkpoint(checkpoint) == note.text
    assert note.signatures[0].key_name == checkpoint.origin


def test_a_checkpoint_signed_and_checked_round_trip() -> None:
    root = calculate_root([hash_leaf(b"registered"), hash_leaf(b"collected"), hash_leaf(b"received")])
    checkpoint = Checkpoint(origin="batteryloop.example/custody", size=3, root_hash=root)
    text = format_checkpoint(checkpoint)
    assert text == f"batteryloop.example/custody\n3\n{base64.b64encode(root).decode()}\n"
    key = Ed25519PrivateKey.generate()  # signing happens outside the core; the test plays the service
    public = key.public_key().public_bytes_raw()
    signature = NoteSignature(
        key_name=checkpoint.origin,
        key_id=calculate_key_id(checkpoint.origin, public),
        signature=key.sign(text.encode()),
    )
    wire = format_signed_note(SignedNote(text=text, signatures=(signature,)))
    parsed = parse_signed_note(wire)
    assert parse_checkpoint(parsed.text) == checkpoint
    key.public_key().verify(parsed.signatures[0].signature, parsed.text.encode())


def test_extension_lines_round_trip_and_empty_tree() -> None:
    checkpoint = Checkpoint(origin="o", size=0, root_hash=calculate_root([]), extensions=("ext one", "ext two"))
    assert parse_checkpoint(format_checkpoint(checkpoint)) == checkpoint
    assert format_checkpoint(checkpoint).splitlines()[1] == "0"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("origin\n5\n", "checkpoint"),
        ("origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "checkpoint"),
        ("origin\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint.size"),
        ("origin\n-5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint.size"),
        ("origin\n٣\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint.size"),
        ("origin\n5\nnot base64!\n", "checkpoint.root_hash"),
        ("origin\n5\nAAAA\n", "checkpoint.root_hash"),
        ("\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint"),
        ("origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n", "checkpoint"),
        ("or\tigin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint.origin"),
    ],
)
def test_malformed_checkpoints_name_the_field(text: str, field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_checkpoint(text)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (GO_TEXT, "note"),  # no signatures
        (GO_TEXT + "\n", "note"),
        (GO_NOTE.replace("— ", "-- "), "note.signatures[0]"),
        (GO_NOTE.replace("PeterNeumann", "Peter+Neumann"), "note.signatures[0].key_name"),
        (GO_NOTE.replace("x08go", "x08g!"), "note.signatures[0]"),
        (GO_TEXT + "\n— PeterNeumann AAAA\n", "note.signatures[0]"),
        (GO_NOTE.replace("problem,", "problem,\r"), "note"),
        (GO_NOTE[:-1], "note"),
    ],
)
def test_malformed_signed_notes_name_the_field(message: str, field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_signed_note(message)
    assert error.value.field == field


def test_checkpoint_invariants() -> None:
    root = calculate_root([])
    with pytest.raises(InvalidInputError, match="32-byte"):
        Checkpoint(origin="o", size=1, root_hash=root[:31])
    with pytest.raises(InvalidInputError):
        Checkpoint(origin="o", size=-1, root_hash=root)
    with pytest.raises(InvalidInputError):
        Checkpoint(origin="two\nlines", size=1, root_hash=root)
    with pytest.raises(InvalidInputError):
        Checkpoint(origin="o", size=1, root_hash=root, extensions=("",))
    with pytest.raises(InvalidInputError):
        calculate_key_id("has space", b"k")
