"""Tiles against the reference tree: whatever the batch sizes, the stored tiles give the same roots and proofs as
rebuilding the tree from all leaves (merkle.calculate_root / calculate_*_proof, themselves checked against the
RFC 9162 vectors in test_merkle_vectors.py)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batteryloop.domain.custody.merkle import (
    calculate_consistency_proof,
    calculate_inclusion_proof,
    calculate_root,
    consistency_proof_from,
    hash_leaf,
    inclusion_proof_from,
)
from batteryloop.domain.custody.tiles import (
    EMPTY_ROOT,
    TILE_WIDTH,
    Tile,
    append_leaves,
    node_location,
    node_reader,
    range_hash,
)


def leaves(n: int, seed: int = 0) -> list[bytes]:
    return [hash_leaf(f"entry {seed}-{i}".encode()) for i in range(n)]


def grow(batches: list[int]) -> tuple[int, dict, list[bytes]]:
    store: dict = {}
    size, all_leaves = 0, []
    for count in batches:
        new = leaves(count, seed=len(all_leaves))
        size, changed = append_leaves(size, new, store.get)
        store.update(changed)
        all_leaves += new
    return size, store, all_leaves


def subtree(store):
    node = node_reader(store)
    return lambda start, end: range_hash(start, end, node)


def test_the_empty_log_has_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == calculate_root([])
    assert range_hash(0, 0, lambda level, index: b"") == EMPTY_ROOT


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=700), min_size=1, max_size=6))
def test_roots_and_proofs_match_the_rebuilt_tree(batches: list[int]) -> None:
    size, store, all_leaves = grow(batches)
    assert size == len(all_leaves)
    sub = subtree(store)
    for n in {1, size // 3 or 1, size - 1 or 1, size}:
        assert sub(0, n) == calculate_root(all_leaves[:n])
    for index in {0, size // 2, size - 1}:
        assert inclusion_proof_from(sub, index, size) == calculate_inclusion_proof(all_leaves, index)
    for m in {1, size // 2 or 1, size}:
        assert consistency_proof_from(sub, m, size) == calculate_consistency_proof(all_leaves, m)


def test_a_second_tile_level_appears_at_65536_leaves() -> None:
    size, store, all_leaves = grow([TILE_WIDTH * TILE_WIDTH + 5])
    assert (1, 0) in store and store[(1, 0)].width == TILE_WIDTH  # 256 complete level-8 nodes
    assert (2, 0) in store and store[(2, 0)].width == 1  # one complete level-16 node
    assert subtree(store)(0, size) == calculate_root(all_leaves)
    assert len(store) == 257 + 1 + 1  # 256 full + 1 partial leaf tiles, one level-1 tile, one level-2 tile


def test_each_append_rewrites_at_most_one_partial_tile_per_level() -> None:
    size, store, _ = grow([1000])
    _, changed = append_leaves(size, leaves(3, seed=9), store.get)
    assert sorted(changed) == [(0, 3)]  # 1003 leaves: tile 3 of level 0 goes from 232 to 235 hashes


def test_node_location() -> None:
    assert node_location(0, 300) == ((0, 1), 0, 44)
    assert node_location(3, 40) == ((0, 1), 3, 8)  # leaves 320..327 sit in leaf tile 1, 8th node of height 3
    assert node_location(8, 2) == ((1, 0), 0, 2)
    assert node_location(9, 200) == ((1, 1), 1, 72)


def test_a_tile_that_does_not_match_the_size_is_refused() -> None:
    size, store, _ = grow([10])
    store[(0, 0)] = Tile(0, 0, 9, store[(0, 0)].hashes)
    with pytest.raises(Exception, match="holds 9 hashes, not 10"):
        append_leaves(size, leaves(1), store.get)


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_entry_tiles_pack_and_unpack(entries: list[bytes]) -> None:
    from batteryloop.domain.custody.tiles import pack_entries, unpack_entries

    assert unpack_entries(pack_entries(entries)) == entries
    if entries and entries[-1]:
        with pytest.raises(Exception, match="ends inside an entry"):
            unpack_entries(pack_entries(entries)[:-1])
