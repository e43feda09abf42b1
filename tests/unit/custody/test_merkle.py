"""RFC 9162 hashing, proofs and verifiers: hand-computed trees, published roots, reasons and input errors.

Published values: the Certificate Transparency reference leaves and roots (google/certificate-transparency,
python/ct/crypto/merkle_test.py) and its consistency proofs (1 -> 8, 6 -> 8, 2 -> 5, "lifted from the C++
branch"). Small trees are written out with hashlib in the test itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from batteryloop.domain.custody.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    ProofVerification,
    calculate_consistency_proof,
    calculate_inclusion_proof,
    calculate_root,
    consistency_proof_from,
    consistency_proof_ranges,
    expected_consistency_proof_length,
    expected_inclusion_proof_length,
    hash_children,
    hash_leaf,
    inclusion_proof_from,
    inclusion_proof_ranges,
    verify_consistency,
    verify_inclusion,
)
from batteryloop.domain.errors import DomainError, InvalidInputError

from ._trees import CT_LEAVES, CT_ROOTS_HEX, distinct_leaves, root_of


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# ------------------------------------------------------------------------------------------ hashing and roots


def test_leaf_and_node_hashes_are_domain_separated_sha256() -> None:
    assert hash_leaf(b"") == sha(b"\x00")
    assert hash_leaf(b"") == bytes.fromhex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    assert hash_leaf(b"battery") == sha(b"\x00battery")
    left, right = sha(b"l"), sha(b"r")
    assert hash_children(left, right) == sha(b"\x01" + left + right)
    # the prefixes make a two-leaf subtree hash differ from the leaf hash of the concatenated entries
    assert hash_children(hash_leaf(b"a"), hash_leaf(b"b")) != hash_leaf(hash_leaf(b"a") + hash_leaf(b"b"))


def test_root_of_no_leaves_is_sha256_of_the_empty_string() -> None:
    assert calculate_root([]) == EMPTY_ROOT == sha(b"")
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_hand_computed_small_trees() -> None:
    a, b, c, d, e = (sha(b"\x00" + entry) for entry in (b"a", b"b", b"c", b"d", b"e"))
    ab = sha(b"\x01" + a + b)
    cd = sha(b"\x01" + c + d)
    abcd = sha(b"\x01" + ab + cd)
    assert calculate_root([a]) == a  # one leaf: the root is its leaf hash
    assert calculate_root([a, b]) == ab
    assert calculate_root([a, b, c]) == sha(b"\x01" + ab + c)  # k = 2: the odd leaf is promoted, not duplicated
    assert calculate_root([a, b, c, d]) == abcd
    assert calculate_root([a, b, c, d, e]) == sha(b"\x01" + abcd + e)  # k = 4
    assert calculate_root(iter([a, b, c])) == calculate_root([a, b, c])  # any iterable, one pass


def test_roots_of_the_certificate_transparency_reference_leaves() -> None:
    hashes = [hash_leaf(entry) for entry in CT_LEAVES]
    for n, expected in enumerate(CT_ROOTS_HEX, start=1):
        assert calculate_root(hashes[:n]).hex() == expected, n


def test_published_consistency_proofs_are_generated_exactly() -> None:
    hashes = [hash_leaf(entry) for entry in CT_LEAVES]
    published = {
        (1, 8): [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
        (6, 8): [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
        (2, 5): [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    }
    for (m, n), proof_hex in published.items():
        proof = calculate_consistency_proof(hashes[:n], m)
        assert [p.hex() for p in proof] == proof_hex
        root1, root2 = bytes.fromhex(CT_ROOTS_HEX[m - 1]), bytes.fromhex(CT_ROOTS_HEX[n - 1])
        assert verify_consistency(m, n, root1, root2, proof).valid


# ------------------------------------------------------------------------------------------- proof generation


def test_proof_ranges_of_an_eight_leaf_tree() -> None:
    assert inclusion_proof_ranges(0, 1) == ()
    assert inclusion_proof_ranges(0, 8) == ((1, 2), (2, 4), (4, 8))
    assert inclusion_proof_ranges(5, 8) == ((4, 5), (6, 8), (0, 4))
    assert inclusion_proof_ranges(6, 7) == ((4, 6), (0, 4))  # leaf 6 sits alone on the right edge
    assert consistency_proof_ranges(8, 8) == ()
    assert consistency_proof_ranges(4, 8) == ((4, 8),)  # size 4 is a subtree: its root is not repeated
    assert consistency_proof_ranges(3, 7) == ((2, 3), (3, 4), (0, 2), (4, 7))
    assert consistency_proof_ranges(6, 8) == ((4, 6), (6, 8), (0, 4))


def test_proofs_from_a_subtree_hash_source_ask_only_for_the_ranges() -> None:
    leaves = list(distinct_leaves(13))
    asked: list[tuple[int, int]] = []

    def stored(start: int, end: int) -> bytes:
        asked.append((start, end))
        return calculate_root(leaves[start:end])

    assert inclusion_proof_from(stored, 9, 13) == calculate_inclusion_proof(leaves, 9)
    assert tuple(asked) == inclusion_proof_ranges(9, 13)
    asked.clear()
    assert consistency_proof_from(stored, 5, 13) == calculate_consistency_proof(leaves, 5)
    assert tuple(asked) == consistency_proof_ranges(5, 13)


def test_a_subtree_source_returning_garbage_is_refused() -> None:
    with pytest.raises(InvalidInputError) as error:
        inclusion_proof_from(lambda start, end: b"short", 0, 2)
    assert error.value.field == "subtree_hash"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: inclusion_proof_ranges(3, 3), "index"),
        (lambda: inclusion_proof_ranges(-1, 3), "index"),
        (lambda: inclusion_proof_ranges(0, 0), "index"),
        (lambda: consistency_proof_ranges(0, 3), "m"),
        (lambda: consistency_proof_ranges(4, 3), "m"),
        (lambda: calculate_inclusion_proof([b"x" * 31], 0), "leaf_hashes[0]"),
        (lambda: calculate_root([EMPTY_ROOT, "not bytes"]), "leaf_hashes[1]"),
        (lambda: calculate_consistency_proof([EMPTY_ROOT], True), "m"),
        (lambda: hash_leaf("text"), "entry"),
    ],
)
def test_out_of_range_or_malformed_generation_input_names_the_field(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        call()
    assert error.value.field == field
    assert isinstance(error.value, DomainError)


def test_expected_proof_lengths() -> None:
    assert expected_inclusion_proof_length(0, 1) == 0
    assert expected_inclusion_proof_length(0, 8) == 3
    assert expected_inclusion_proof_length(6, 7) == 2
    assert expected_consistency_proof_length(1, 1) == 0
    assert expected_consistency_proof_length(4, 8) == 1
    assert expected_consistency_proof_length(3, 7) == 4


# ------------------------------------------------------------------------------------------------ verification


def test_a_valid_inclusion_proof_explains_itself() -> None:
    leaves = list(distinct_leaves(7))
    result = verify_inclusion(leaves[4], 4, 7, calculate_inclusion_proof(leaves, 4), root_of(7))
    assert result == ProofVerification(kind="inclusion", valid=True, reason=result.reason, rule="RFC 9162 §2.1.3.2")
    assert "leaf 4 is included in the tree of 7 leaves" in result.reason


def test_failed_inclusion_checks_say_which_check_failed() -> None:
    leaves = list(distinct_leaves(7))
    proof = calculate_inclusion_proof(leaves, 4)
    root = root_of(7)
    cases = {
        "outside a tree of 7 leaves": verify_inclusion(leaves[4], 7, 7, proof, root),
        "a tree of 0 leaves includes no leaf": verify_inclusion(leaves[4], 0, 0, proof, root),
        "the leaf hash is 31 bytes": verify_inclusion(leaves[4][:31], 4, 7, proof, root),
        "the proof has 2 hashes; the audit path of leaf 4 in a tree of 7 leaves has 3": verify_inclusion(
            leaves[4], 4, 7, proof[:2], root
        ),
        "proof[1] is 33 bytes": verify_inclusion(leaves[4], 4, 7, [proof[0], proof[1] + b"\x00", proof[2]], root),
        "differs from the given root": verify_inclusion(leaves[3], 4, 7, proof, root),
    }
    for expected, result in cases.items():
        assert not result.valid
        assert expected in result.reason, result.reason


def test_failed_consistency_checks_say_which_check_failed() -> None:
    leaves = list(distinct_leaves(9))
    proof = calculate_consistency_proof(leaves, 3)
    r3, r9 = root_of(3), root_of(9)
    cases = {
        "a log only grows": verify_consistency(9, 3, r9, r3, proof),
        "size1 is 0": verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, []),
        "so the proof must be empty": verify_consistency(3, 3, r3, r3, proof),
        "two different trees of the same size": verify_consistency(3, 3, r3, r9, []),
        "a consistency proof from 3 to 9 leaves has": verify_consistency(3, 9, r3, r9, [*proof, proof[0]]),
        "is 0 bytes": verify_consistency(3, 9, r3, r9, [b"", *proof[1:]]),
        "not root1": verify_consistency(3, 9, root_of(4), r9, proof),
        "not root2": verify_consistency(3, 9, r3, root_of(8), proof),
    }
    for expected, result in cases.items():
        assert not result.valid
        assert result.rule == "RFC 9162 §2.1.4.2"
        assert expected in result.reason, result.reason
    assert verify_consistency(3, 3, r3, r3, []).valid
    assert verify_consistency(3, 9, r3, r9, proof).valid


def test_rewriting_an_early_entry_is_caught_against_an_earlier_tree_head() -> None:
    """A log that edits entry 2 after publishing the head of size 5 cannot prove its new head consistent."""
    honest = list(distinct_leaves(12))
    head5 = calculate_root(honest[:5])
    forged = list(honest)
    forged[2] = hash_leaf(b"a different handover")
    forged_root = calculate_root(forged)
    result = verify_consistency(5, 12, head5, forged_root, calculate_consistency_proof(forged, 5))
    assert not result.valid
    assert "not root1" in result.reason


def test_an_inclusion_proof_binds_leaf_and_size_only_together_with_the_signed_root() -> None:
    """Leaf 0's path has the same shape in trees of 3 and 4 leaves: the size must come from the tree head."""
    leaves = list(distinct_leaves(4))
    proof3 = calculate_inclusion_proof(leaves[:3], 0)
    assert verify_inclusion(leaves[0], 0, 3, proof3, root_of(3)).valid
    assert verify_inclusion(leaves[0], 0, 4, proof3, root_of(3)).valid  # a size nobody signed with this root
    assert not verify_inclusion(leaves[0], 0, 4, proof3, root_of(4)).valid  # the head of size 4 catches it


def test_verifiers_accept_any_bytes_like_and_a_missing_proof() -> None:
    leaf0 = distinct_leaves(1)[0]
    assert verify_inclusion(bytearray(leaf0), 0, 1, (), memoryview(leaf0)).valid
    assert verify_inclusion(leaf0, 0, 1, None, leaf0).valid  # type: ignore[arg-type]
    assert verify_consistency(1, 1, leaf0, bytearray(leaf0), []).valid


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda h: verify_inclusion(h, "0", 1, [], h), "index"),
        (lambda h: verify_inclusion(h, True, 1, [], h), "index"),
        (lambda h: verify_inclusion(h, 0, -1, [], h), "size"),
        (lambda h: verify_inclusion(h.hex(), 0, 1, [], h), "leaf_hash"),
        (lambda h: verify_inclusion(h, 0, 1, [], None), "root"),
        (lambda h: verify_inclusion(h, 0, 1, h, h), "proof"),
        (lambda h: verify_inclusion(h, 0, 1, [h.hex()], h), "proof[0]"),
        (lambda h: verify_consistency(1.0, 2, h, h, []), "size1"),
        (lambda h: verify_consistency(1, -2, h, h, []), "size2"),
        (lambda h: verify_consistency(1, 2, "root", h, []), "root1"),
        (lambda h: verify_consistency(1, 2, h, 7, []), "root2"),
        (lambda h: verify_consistency(1, 2, h, h, "proof"), "proof"),
    ],
)
def test_verifiers_raise_only_for_malformed_types(call: Callable[[bytes], object], field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        call(b"\x11" * HASH_SIZE)
    assert error.value.field == field


def test_a_result_needs_a_reason() -> None:
    with pytest.raises(InvalidInputError):
        ProofVerification(kind="inclusion", valid=True, reason="", rule="RFC 9162 §2.1.3.2")
