"""Tree-head text: the C2SP tlog-checkpoint body and the C2SP signed-note envelope around it, without keys.

A checkpoint is the text a log signs to commit to a tree head::

    batteryloop.example/custody        <- origin: the log's identity
    1234                               <- tree size, decimal, no leading zeros
    XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=   <- root hash, base64 (RFC 9162 MTH)

A signed note is that text, a blank line, then one signature line per signer:
``— <key name> <base64(4-byte key ID || signature)>``. The signature covers the note text including its final
newline. This module formats and parses both and computes key IDs (a SHA-256 prefix, stdlib only); creating and
checking Ed25519 signatures needs key material and lives in the services.

References:
    C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): note text lines 1-3 and extension lines.
    C2SP signed-note (https://c2sp.org/signed-note): format, key names, key ID
    ``SHA-256(key name || 0x0A || signature type || public key)[:4]``, Ed25519 signature type 0x01.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from typing import Final

from batteryloop.domain.custody.merkle import HASH_SIZE
from batteryloop.domain.errors import InvalidInputError

SIGNATURE_LINE_PREFIX: Final = "\u2014 "  # em dash, space
"""Every signature line starts with U+2014 EM DASH and a space."""

ED25519_SIGNATURE_TYPE: Final = 0x01
"""C2SP signed-note signature type identifier byte for Ed25519."""

KEY_ID_SIZE: Final = 4
MAX_SIGNATURES: Final = 100
"""Signature lines accepted in one note (the spec requires accepting at least 16)."""

_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """A log's tree head as committed to by a checkpoint.

    Attributes:
        origin: The log's identity (line 1), e.g. ``"batteryloop.example/custody"``; non-empty, one line.
        size: Number of leaves in the tree [-], ``>= 0``.
        root_hash: The tree's 32-byte RFC 9162 root hash.
        extensions: Optional extension lines (opaque, each non-empty; not recommended by the spec).
    """

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise InvalidInputError(f"must be an integer, got {type(self.size).__name__}", field="size")
        if self.size < 0:
            raise InvalidInputError(f"must not be negative, got {self.size}", field="size")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            got = f"{len(self.root_hash)} bytes" if isinstance(self.root_hash, bytes) else type(self.root_hash).__name__
            raise InvalidInputError(f"must be a {HASH_SIZE}-byte hash, got {got}", field="root_hash")
        if not isinstance(self.extensions, tuple):
            raise InvalidInputError("must be a tuple of lines", field="extensions")
        for i, line in enumerate(self.extensions):
            _check_line(line, f"extensions[{i}]")


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteSignature:
    """One signature line of a signed note.

    Attributes:
        key_name: The signer's key name (non-empty; no spaces, no ``+``).
        key_id: The 4-byte key ID (see :func:`calculate_key_id`).
        signature: The signature bytes over the note text (64 bytes for Ed25519).
    """

    key_name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        _check_key_name(self.key_name, "key_name")
        if not isinstance(self.key_id, bytes) or len(self.key_id) != KEY_ID_SIZE:
            raise InvalidInputError(f"must be {KEY_ID_SIZE} bytes", field="key_id")
        if not isinstance(self.signature, bytes) or not self.signature:
            raise InvalidInputError("must be non-empty bytes", field="signature")


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedNote:
    """A note text and its signatures.

    Attributes:
        text: The signed text, ending in a newline; this (UTF-8 encoded) is what each signature covers.
        signatures: The signature lines, in order; at least one.
    """

    text: str
    signatures: tuple[NoteSignature, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.endswith("\n"):
            raise InvalidInputError("the note text must end with a newline", field="text")
        if _CONTROL.search(self.text):
            raise InvalidInputError(
                "the note text must not contain control characters other than newline", field="text"
            )
        if not isinstance(self.signatures, tuple) or not self.signatures:
            raise InvalidInputError("a signed note needs at least one signature", field="signatures")
        if len(self.signatures) > MAX_SIGNATURES:
            raise InvalidInputError(f"more than {MAX_SIGNATURES} signatures", field="signatures")

    def signatures_by(self, key_name: str, key_id: bytes) -> tuple[NoteSignature, ...]:
        """Return the signatures made by the key with this name and ID (others must be ignored)."""
        return tuple(s for s in self.signatures if s.key_name == key_name and s.key_id == key_id)


def calculate_key_id(key_name: str, public_key: bytes, *, signature_type: int = ED25519_SIGNATURE_TYPE) -> bytes:
    """Return the 4-byte key ID of a note-signing key.

    Args:
        key_name: The key's name (non-empty; no spaces, no ``+``), usually the log's origin.
        public_key: The encoded public key (32 bytes for Ed25519, RFC 8032 encoding).
        signature_type: The signature type identifier byte (0x01 for Ed25519).

    Returns:
        ``SHA-256(key name || 0x0A || signature type || public key)[:4]``.

    Raises:
        InvalidInputError: If the name is not a valid key name, the key is empty or the type is not a byte.

    References:
        C2SP signed-note, "Signatures" and "Ed25519 signatures".
    """
    _check_key_name(key_name, "key_name")
    if not isinstance(public_key, bytes) or not public_key:
        raise InvalidInputError("must be non-empty bytes", field="public_key")
    if isinstance(signature_type, bool) or not isinstance(signature_type, int) or not 0 <= signature_type <= 255:
        raise InvalidInputError("must be a byte value 0-255", field="signature_type")
    data = key_name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key
    return hashlib.sha256(data).digest()[:KEY_ID_SIZE]


def format_verifier_key(key_name: str, public_key: bytes, *, signature_type: int = ED25519_SIGNATURE_TYPE) -> str:
    """Return the verifier key text partners configure: ``<name>+<hex key ID>+<base64(type || public key)>``.

    Args:
        key_name: The key's name.
        public_key: The encoded public key.
        signature_type: The signature type identifier byte (0x01 for Ed25519).

    Returns:
        The one-line verifier key, as Go's ``golang.org/x/mod/sumdb/note`` and C2SP tooling read it.

    Raises:
        InvalidInputError: As :func:`calculate_key_id`.
    """
    key_id = calculate_key_id(key_name, public_key, signature_type=signature_type)
    encoded = base64.b64encode(bytes([signature_type]) + public_key).decode("ascii")
    return f"{key_name}+{key_id.hex()}+{encoded}"


def parse_verifier_key(text: str) -> tuple[str, bytes, bytes]:
    """Read a verifier key ``<name>+<hex key ID>+<base64(type || public key)>``.

    Returns:
        ``(key name, key ID, public key)`` for an Ed25519 key whose key ID matches its name and key.

    Raises:
        InvalidInputError: ``field="public_key"`` naming what is wrong.
    """
    parts = text.strip().split("+", 2) if isinstance(text, str) else []
    if len(parts) != 3:
        raise InvalidInputError("a verifier key reads '<name>+<key id>+<base64 key>'", field="public_key")
    name, key_id_hex, encoded = parts
    try:
        key_id = bytes.fromhex(key_id_hex)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise InvalidInputError("the key ID must be hex and the key base64", field="public_key") from None
    if len(raw) != 33 or raw[0] != ED25519_SIGNATURE_TYPE:
        raise InvalidInputError("not an Ed25519 verifier key (type 0x01 and 32 key bytes)", field="public_key")
    if calculate_key_id(name, raw[1:]) != key_id:
        raise InvalidInputError("the key ID does not match the key name and key", field="public_key")
    return name, key_id, raw[1:]


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """Return the checkpoint's note text: origin, size, base64 root and any extension lines, one per line.

    Args:
        checkpoint: The tree head.

    Returns:
        The exact text to sign.

    References:
        C2SP tlog-checkpoint, "Note text".
    """
    lines = [
        checkpoint.origin,
        str(checkpoint.size),
        base64.b64encode(checkpoint.root_hash).decode("ascii"),
        *checkpoint.extensions,
    ]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's note text (not a whole signed note: see :func:`parse_signed_note`).

    Args:
        text: The note text, at least three non-empty lines, ending in a newline.

    Returns:
        The checkpoint.

    Raises:
        InvalidInputError: ``field="checkpoint"``, ``"checkpoint.size"`` or ``"checkpoint.root_hash"`` naming
            what is malformed.

    References:
        C2SP tlog-checkpoint, "Note text".
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"must be text, got {type(text).__name__}", field="checkpoint")
    if not text.endswith("\n"):
        raise InvalidInputError("the checkpoint text must end with a newline", field="checkpoint")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise InvalidInputError(
            f"a checkpoint has at least 3 lines (origin, size, root hash); got {len(lines)}", field="checkpoint"
        )
    if any(not line for line in lines):
        raise InvalidInputError("checkpoint lines must not be empty", field="checkpoint")
    origin, size_text, root_text, *extensions = lines
    if not _TREE_SIZE.fullmatch(size_text):
        raise InvalidInputError(
            f"the tree size must be a decimal number without leading zeros, got {size_text!r}", field="checkpoint.size"
        )
    try:
        root_hash = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError(f"the root hash is not valid base64: {exc}", field="checkpoint.root_hash") from exc
    if len(root_hash) != HASH_SIZE:
        raise InvalidInputError(
            f"the root hash is {len(root_hash)} bytes; expected {HASH_SIZE}", field="checkpoint.root_hash"
        )
    try:
        return Checkpoint(origin=origin, size=int(size_text), root_hash=root_hash, extensions=tuple(extensions))
    except InvalidInputError as exc:
        raise InvalidInputError(exc.reason, field=f"checkpoint.{exc.field}") from exc


def format_signed_note(note: SignedNote) -> str:
    """Return the signed note's wire text: the note text, a blank line and one line per signature.

    Args:
        note: The text and its signatures.

    Returns:
        The signed note, ending in a newline.

    References:
        C2SP signed-note, "Format".
    """
    lines = [
        f"{SIGNATURE_LINE_PREFIX}{s.key_name} {base64.b64encode(s.key_id + s.signature).decode('ascii')}\n"
        for s in note.signatures
    ]
    return note.text + "\n" + "".join(lines)


def parse_signed_note(message: str) -> SignedNote:
    """Split a signed note into its text and signature lines (the signatures are not verified here).

    The text is separated from the signatures by the note's last blank line; the text keeps its final newline.

    Args:
        message: The signed note.

    Returns:
        The note text and its signatures, in order.

    Raises:
        InvalidInputError: ``field="note"`` (or ``"note.signatures[i]"``) naming what is malformed: control
            characters, no blank line before the signatures, a signature line without the em dash, a bad key
            name, bad base64, a signature shorter than its key ID, too many signatures.

    References:
        C2SP signed-note, "Format".
    """
    if not isinstance(message, str):
        raise InvalidInputError(f"must be text, got {type(message).__name__}", field="note")
    if _CONTROL.search(message):
        raise InvalidInputError("a signed note must not contain control characters other than newline", field="note")
    if not message.endswith("\n"):
        raise InvalidInputError("a signed note must end with a newline", field="note")
    split = message.rfind("\n\n")
    if split < 0:
        raise InvalidInputError("no blank line separates the note text from its signatures", field="note")
    text, block = message[: split + 1], message[split + 2 :]
    lines = block[:-1].split("\n") if block else []
    if not lines:
        raise InvalidInputError("the note has no signature lines", field="note")
    if len(lines) > MAX_SIGNATURES:
        raise InvalidInputError(f"the note has more than {MAX_SIGNATURES} signatures", field="note")
    signatures = tuple(_parse_signature_line(line, f"note.signatures[{i}]") for i, line in enumerate(lines))
    return SignedNote(text=text, signatures=signatures)


def _parse_signature_line(line: str, where: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_LINE_PREFIX):
        raise InvalidInputError("a signature line starts with an em dash (U+2014) and a space", field=where)
    name, sep, encoded = line[len(SIGNATURE_LINE_PREFIX) :].partition(" ")
    if not sep:
        raise InvalidInputError("a signature line is '— <key name> <base64 signature>'", field=where)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError(f"the signature is not valid base64: {exc}", field=where) from exc
    if len(raw) <= KEY_ID_SIZE:
        raise InvalidInputError(
            f"the signature is {len(raw)} bytes; it needs a {KEY_ID_SIZE}-byte key ID and a signature", field=where
        )
    try:
        return NoteSignature(key_name=name, key_id=raw[:KEY_ID_SIZE], signature=raw[KEY_ID_SIZE:])
    except InvalidInputError as exc:
        raise InvalidInputError(exc.reason, field=f"{where}.{exc.field}") from exc


def _check_line(value: object, where: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidInputError("must be a non-empty line of text", field=where)
    if "\n" in value or _CONTROL.search(value):
        raise InvalidInputError("must be one line without control characters", field=where)


def _check_key_name(value: object, where: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidInputError("a key name must be non-empty text", field=where)
    if _SPACE.search(value) or "+" in value or _CONTROL.search(value):
        raise InvalidInputError(f"a key name must contain no spaces and no '+', got {value!r}", field=where)
