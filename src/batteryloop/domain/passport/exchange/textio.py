"""Bytes to text for passport documents: byte-order marks honoured, line ends normalised.

Published passport files come in several encodings: the Battery Pass v1.2 samples are UTF-16 little-endian with a
byte-order mark (BOM) and CRLF line ends, others are UTF-8 with or without a BOM. The rules, in order:

1. A BOM decides: UTF-8 (``EF BB BF``), UTF-32 LE/BE (``FF FE 00 00`` / ``00 00 FE FF``), UTF-16 LE/BE
   (``FF FE`` / ``FE FF``). The BOM is removed.
2. Without a BOM, a document whose first two bytes are one ASCII byte and one zero byte (or the reverse) is UTF-16
   LE (BE) without a BOM: JSON's own encoding detection (RFC 4627 §3), since JSON and CSV begin with ASCII.
3. Otherwise the bytes must be UTF-8.

CRLF and lone CR become LF, so line numbers and values are the same whichever system wrote the file. A carriage
return inside a value is therefore not carried (it becomes a line feed).

:func:`decode_document` decodes a whole document (JSON); :func:`iter_document_lines` decodes a stream of byte
chunks incrementally and yields lines (CSV), so memory stays flat in the file size.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import Final

from batteryloop.domain.errors import InvalidInputError

_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
FIELD: Final = "document"


def detect_encoding(head: bytes) -> tuple[str, int]:
    """Return the encoding of a document from its first bytes, and the length of its byte-order mark.

    Args:
        head: The first bytes of the document (four are enough).

    Returns:
        ``(codec name, BOM length)``, e.g. ``("utf-16-le", 2)``; ``("utf-8", 0)`` when nothing else is indicated.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    if len(head) >= 2 and head[0] != 0 and head[1] == 0 and head[0] < 0x80:
        return "utf-16-le", 0
    if len(head) >= 2 and head[0] == 0 and head[1] != 0 and head[1] < 0x80:
        return "utf-16-be", 0
    return "utf-8", 0


def _decode_error(encoding: str, bom: int, exc: UnicodeDecodeError, *, offset: int = 0) -> InvalidInputError:
    named = encoding.upper().replace("-LE", " little-endian").replace("-BE", " big-endian")
    how = "as declared by its byte-order mark" if bom else "(no byte-order mark: UTF-8 is expected)"
    return InvalidInputError(
        f"the document is not valid {named} {how}: {exc.reason} at byte offset {offset + exc.start + bom}; "
        "save it as UTF-8",
        field=FIELD,
    )


def normalize_newlines(text: str) -> str:
    """Replace CRLF and lone CR with LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_document(raw: bytes) -> str:
    """Decode a whole document to text, honouring its byte-order mark and normalising line ends to LF.

    Args:
        raw: The document's bytes as read from a file or a request body.

    Returns:
        The text without byte-order mark, with LF line ends.

    Raises:
        InvalidInputError: ``field="document"`` if the document is empty or its bytes are not valid in the
            detected encoding (the reason names the encoding and the byte offset).
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise InvalidInputError(f"a document is bytes, got {type(raw).__name__}", field=FIELD)
    data = bytes(raw)
    if not data:
        raise InvalidInputError("the document is empty", field=FIELD)
    encoding, bom = detect_encoding(data[:4])
    try:
        text = data[bom:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(encoding, bom, exc) from None
    if not text.strip():
        raise InvalidInputError("the document holds only blanks", field=FIELD)
    return normalize_newlines(text)


def iter_document_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Decode a document given as byte chunks and yield its lines, each ending in LF (the last one may not).

    The encoding is detected as in :func:`decode_document` from the first bytes; chunks may split characters,
    byte-order marks and CRLF pairs anywhere.

    Args:
        chunks: The document's bytes in pieces of any size, e.g. ``iter(lambda: f.read(65536), b"")``.

    Yields:
        Lines with LF line ends.

    Raises:
        InvalidInputError: ``field="document"`` for bytes that are not valid in the detected encoding.
    """
    stream = iter(chunks)
    head = b""
    for chunk in stream:
        head += chunk
        if len(head) >= 4:
            break
    if not head:
        return
    encoding, bom = detect_encoding(head[:4])
    decoder = codecs.getincrementaldecoder(encoding)()

    fed = 0  # bytes after the BOM handed to the decoder so far

    def feed(data: bytes, *, final: bool) -> str:
        nonlocal fed
        buffered = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            raise _decode_error(encoding, bom, exc, offset=fed - buffered) from None
        fed += len(data)
        return text

    pending = ""  # the unfinished last line, possibly ending in a CR whose LF may follow
    for part in _chain(head[bom:], stream):
        pending += feed(part, final=False)
        cr = "\r" if pending.endswith("\r") else ""
        lines = normalize_newlines(pending[: len(pending) - len(cr)]).split("\n")
        pending = lines.pop() + cr
        for line in lines:
            yield line + "\n"
    lines = normalize_newlines(pending + feed(b"", final=True)).split("\n")
    last = lines.pop()
    for line in lines:
        yield line + "\n"
    if last:
        yield last


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
