"""Bytes to text: byte-order marks, UTF-16 with and without BOM, CRLF, streaming, errors naming the problem.

The published Battery Pass v1.2 samples are UTF-16 little-endian with a BOM and CRLF line ends
(shared/testdata/README.md); they are read here exactly as they are stored.
"""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batteryloop.domain.errors import InvalidInputError
from batteryloop.domain.passport.exchange.textio import decode_document, detect_encoding, iter_document_lines

from ._files import BATTERYPASS, CATENAX, load

PUBLISHED = sorted([*BATTERYPASS.glob("*.json"), *CATENAX.glob("*.json")])


def test_the_published_battery_pass_samples_are_utf16_with_bom_and_crlf() -> None:
    raw = (BATTERYPASS / "MaterialComposition-payload.json").read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)
    assert b"\r\x00\n\x00" in raw
    text = decode_document(raw)
    assert not text.startswith("\ufeff")
    assert "\r" not in text
    assert json.loads(text)["batteryChemistry"]["shortName"] == "NMC"


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.name)
def test_every_published_json_file_decodes(path) -> None:
    assert isinstance(load(path), dict)


@pytest.mark.parametrize(
    ("raw", "encoding", "bom"),
    [
        (codecs.BOM_UTF8 + b"{}", "utf-8", 3),
        (codecs.BOM_UTF32_LE + "{}".encode("utf-32-le"), "utf-32-le", 4),
        (codecs.BOM_UTF32_BE + "{}".encode("utf-32-be"), "utf-32-be", 4),
        (codecs.BOM_UTF16_LE + "{}".encode("utf-16-le"), "utf-16-le", 2),
        (codecs.BOM_UTF16_BE + "{}".encode("utf-16-be"), "utf-16-be", 2),
        ("{}".encode("utf-16-le"), "utf-16-le", 0),  # no BOM: the zero byte gives it away (RFC 4627 §3)
        ("{}".encode("utf-16-be"), "utf-16-be", 0),
        (b"{}", "utf-8", 0),
    ],
)
def test_detect_encoding(raw: bytes, encoding: str, bom: int) -> None:
    assert detect_encoding(raw[:4]) == (encoding, bom)
    assert decode_document(raw) == "{}"


def test_line_ends_become_lf() -> None:
    assert decode_document(b"a\r\nb\rc\nd") == "a\nb\nc\nd"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", ["empty"]),
        (b" \r\n\t", ["only blanks"]),
        (b'{"a": "caf\xe9"}', ["not valid UTF-8", "no byte-order mark", "byte offset 10"]),
        (codecs.BOM_UTF8 + b"\xff", ["not valid UTF-8", "as declared by its byte-order mark", "byte offset 3"]),
        (codecs.BOM_UTF16_LE + b"{\x00\x00", ["UTF-16 little-endian", "truncated"]),
    ],
)
def test_undecodable_documents_are_refused_naming_the_problem(raw: bytes, words: list[str]) -> None:
    with pytest.raises(InvalidInputError) as caught:
        decode_document(raw)
    assert caught.value.field == "document"
    for word in words:
        assert word in caught.value.reason


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.name)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 4096])
def test_streamed_lines_equal_the_whole_document(path, size: int) -> None:
    raw = path.read_bytes()
    lines = list(iter_document_lines(raw[i : i + size] for i in range(0, len(raw), size)))
    assert "".join(lines) == decode_document(raw)
    assert all(line.endswith("\n") for line in lines[:-1])


@given(
    # no NUL: "x" then NUL is, by the documented sniffing rule 2, BOM-less UTF-16 (and NUL is no text character)
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"]),
    st.integers(1, 7),
)
def test_streaming_decodes_any_text_in_any_chunks(text: str, encoding: str, size: int) -> None:
    raw = ("x" + text).encode(encoding)
    if encoding == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    lines = list(iter_document_lines(raw[i : i + size] for i in range(0, len(raw), size)))
    assert "".join(lines) == ("x" + text).replace("\r\n", "\n").replace("\r", "\n")


def test_streaming_reports_bad_bytes_with_their_offset() -> None:
    with pytest.raises(InvalidInputError, match="byte offset 9"):
        list(iter_document_lines([b"line one\n", b"\xff"]))
