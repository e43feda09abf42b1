"""Property tests: for random sizes every proof verifies, and any single-bit mutation, wrong index or wrong size fails.

The generated proofs and roots are also compared with a literal, recursive transcription of RFC 9162 §2.1
(``_trees.py``), so the iterative implementation is checked against the RFC text, not against itself.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain.custody.merkle import (
    HASH_SIZE,
    calculate_consistency_proof,
    calculate_inclusion_proof,
    calculate_root,
    consistency_proof_from,
    consistency_proof_ranges,
    expected_consistency_proof_length,
    expected_inclusion_proof_length,
    hash_leaf,
    inclusion_proof_from,
    inclusion_proof_ranges,
    verify_consistency,
    verify_inclusion,
)

from ._trees import distinct_leaves, flip_bit, mth, path, root_of, subproof

MAX_SIZE = 300
FAST = settings(max_examples=150, deadline=None)

sizes = st.integers(min_value=1, max_value=MAX_SIZE)


@st.composite
def leaf_in_tree(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(sizes)
    return draw(st.integers(min_value=0, max_value=size - 1)), size


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    size2 = draw(sizes)
    return draw(st.integers(min_value=1, max_value=size2)), size2


def _sides(index: int, size: int) -> list[bool]:
    """The audit path's shape: for each proof hash, whether its subtree lies left of the leaf."""
    return [start < index for start, _ in inclusion_proof_ranges(index, size)]


def _split(size1: int, size2: int) -> list[bool]:
    """A consistency proof's shape: for each proof hash, whether its subtree lies inside the earlier tree."""
    return [end <= size1 for _, end in consistency_proof_ranges(size1, size2)]


@FAST
@given(st.integers(min_value=0, max_value=MAX_SIZE))
def test_root_equals_the_rfc_definition(size: int) -> None:
    leaves = distinct_leaves(size)
    assert calculate_root(leaves) == mth(list(leaves))
    assert calculate_root(iter(leaves)) == root_of(size)


@FAST
@given(leaf_in_tree())
def test_every_inclusion_proof_verifies_and_matches_the_rfc(case: tuple[int, int]) -> None:
    index, size = case
    leaves = distinct_leaves(size)
    proof = calculate_inclusion_proof(leaves, index)
    assert list(proof) == path(index, list(leaves))
    assert len(proof) == expected_inclusion_proof_length(index, size)
    assert inclusion_proof_from(lambda s, e: calculate_root(leaves[s:e]), index, size) == proof
    result = verify_inclusion(leaves[index], index, size, proof, root_of(size))
    assert result.valid, result.reason


@FAST
@given(leaf_in_tree(), st.data())
def test_any_single_bit_flip_breaks_an_inclusion_proof(case: tuple[int, int], data: st.DataObject) -> None:
    index, size = case
    leaves = distinct_leaves(size)
    proof = list(calculate_inclusion_proof(leaves, index))
    leaf, root = leaves[index], root_of(size)
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1), label="target")
    bit = data.draw(st.integers(min_value=0, max_value=8 * HASH_SIZE - 1), label="bit")
    if target == -2:
        leaf = flip_bit(leaf, bit)
    elif target == -1:
        root = flip_bit(root, bit)
    else:
        proof[target] = flip_bit(proof[target], bit)
    assert not verify_inclusion(leaf, index, size, proof, root).valid


@FAST
@given(leaf_in_tree(), st.data())
def test_an_inclusion_proof_fails_at_any_other_index(case: tuple[int, int], data: st.DataObject) -> None:
    index, size = case
    leaves = distinct_leaves(size)
    proof = calculate_inclusion_proof(leaves, index)
    other = data.draw(st.integers(min_value=0, max_value=2 * size).filter(lambda i: i != index), label="other")
    result = verify_inclusion(leaves[index], other, size, proof, root_of(size))
    assert not result.valid, result.reason


@FAST
@given(leaf_in_tree(), st.data())
def test_an_inclusion_proof_fails_for_any_other_size(case: tuple[int, int], data: st.DataObject) -> None:
    index, size = case
    leaves = distinct_leaves(size)
    proof = calculate_inclusion_proof(leaves, index)
    other = data.draw(st.integers(min_value=0, max_value=2 * MAX_SIZE).filter(lambda n: n != size), label="other")
    # Against the signed root of the claimed size (the size and root a verifier trusts come together): always fails.
    if other <= MAX_SIZE:
        assert not verify_inclusion(leaves[index], index, other, proof, root_of(other) if other else b"").valid
    # Against this tree's root: fails unless the claimed size gives the audit path exactly the same shape.
    same_shape = index < other and _sides(index, other) == _sides(index, size)
    assert verify_inclusion(leaves[index], index, other, proof, root_of(size)).valid is same_shape


@FAST
@given(two_sizes())
def test_every_consistency_proof_verifies_and_matches_the_rfc(case: tuple[int, int]) -> None:
    size1, size2 = case
    leaves = distinct_leaves(size2)
    proof = calculate_consistency_proof(leaves, size1)
    assert list(proof) == subproof(size1, list(leaves), True)
    assert len(proof) == expected_consistency_proof_length(size1, size2)
    assert consistency_proof_from(lambda s, e: calculate_root(leaves[s:e]), size1, size2) == proof
    assert len(consistency_proof_ranges(size1, size2)) == len(proof)
    result = verify_consistency(size1, size2, root_of(size1), root_of(size2), proof)
    assert result.valid, result.reason


@FAST
@given(two_sizes(), st.data())
def test_any_single_bit_flip_breaks_a_consistency_proof(case: tuple[int, int], data: st.DataObject) -> None:
    size1, size2 = case
    proof = list(calculate_consistency_proof(distinct_leaves(size2), size1))
    root1, root2 = root_of(size1), root_of(size2)
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1), label="target")
    bit = data.draw(st.integers(min_value=0, max_value=8 * HASH_SIZE - 1), label="bit")
    if target == -2:
        root1 = flip_bit(root1, bit)
    elif target == -1:
        root2 = flip_bit(root2, bit)
    else:
        proof[target] = flip_bit(proof[target], bit)
    assert not verify_consistency(size1, size2, root1, root2, proof).valid


@FAST
@given(two_sizes(), st.data())
def test_a_consistency_proof_fails_for_any_other_size(case: tuple[int, int], data: st.DataObject) -> None:
    size1, size2 = case
    proof = calculate_consistency_proof(distinct_leaves(size2), size1)
    other1 = data.draw(st.integers(min_value=0, max_value=MAX_SIZE).filter(lambda n: n != size1), label="size1")
    other2 = data.draw(st.integers(min_value=1, max_value=MAX_SIZE).filter(lambda n: n != size2), label="size2")
    root1, root2 = root_of(size1), root_of(size2)
    # with the genuine roots of the claimed sizes
    assert not verify_consistency(other1, size2, root_of(other1) if other1 else b"", root2, proof).valid
    assert not verify_consistency(size1, other2, root1, root_of(other2), proof).valid
    # with the roots of the proof's own tree heads: a wrong earlier size always fails; a wrong later size fails
    # unless it gives the proof exactly the same shape (as for inclusion, size2 must come with root2 from a head)
    assert not verify_consistency(other1, size2, root1, root2, proof).valid
    same_shape = size1 <= other2 and _split(size1, other2) == _split(size1, size2)
    assert verify_consistency(size1, other2, root1, root2, proof).valid is same_shape


@FAST
@given(two_sizes(), st.data())
def test_rewriting_history_is_never_consistent(case: tuple[int, int], data: st.DataObject) -> None:
    """A log that changes any entry before size1 cannot prove its new tree consistent with the old head."""
    size1, size2 = case
    honest = list(distinct_leaves(size2))
    changed = data.draw(st.integers(min_value=0, max_value=size1 - 1), label="changed")
    forged = list(honest)
    forged[changed] = hash_leaf(b"rewritten " + forged[changed])
    proof = calculate_consistency_proof(forged, size1)
    assert not verify_consistency(size1, size2, root_of(size1), calculate_root(forged), proof).valid


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH written straight from its definition (recursive), over leaf hashes."""
    import hashlib

    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


@pytest.mark.parametrize("n", [16383, 16384, 16385, 32768, 49157, 65536 + 16384 + 3])
def test_the_chunked_root_equals_the_definition_across_chunk_boundaries(n: int) -> None:
    import hashlib

    from batteryloop.domain.custody.merkle import calculate_root

    leaves = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(n)]
    assert calculate_root(leaves) == calculate_root(iter(leaves)) == _mth(leaves)
