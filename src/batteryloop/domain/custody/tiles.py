"""The stored shape of the Merkle log: hash tiles, after C2SP tlog-tiles but holding every level.

A log of ``n`` leaves stores the hash of every *complete* subtree (a node at level ``l`` and index ``k`` is the root
of leaves ``[k * 2**l, (k + 1) * 2**l)``; level 0 holds the leaf hashes). Nodes are grouped into tiles of height
:data:`TILE_HEIGHT` (8): tile ``(L, N)`` holds up to :data:`TILE_WIDTH` (256) nodes of level ``8 L``, indexes
``N * 256 ...``, and above them every complete node of levels ``8 L + 1 ... 8 L + 7`` that they span (up to 511
hashes, 16 KiB). A tile of 256 nodes also yields one node of level ``8 (L + 1)``, the first level of the tile
above. Only the rightmost tile of each level is partial, so an append rewrites at most one tile per level, and
any complete node is read from one tile.

Every hash a proof needs is the root of a range ``[start, end)`` (see :mod:`.merkle`); a range that is not one
complete node is split at the largest power of two below its length, so it folds from O(log n) complete nodes.
Proofs therefore cost a handful of tile reads and O(log n) hashes, never a rebuild.

Layout of a tile's ``hashes``: the ``width`` base hashes, then the ``width // 2`` complete hashes of the next
level, and so on up to level 7 (``width >> 7`` hashes), 32 bytes each.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from batteryloop.domain.custody.merkle import HASH_SIZE, NODE_PREFIX, hash_children, hash_leaf
from batteryloop.domain.errors import InvalidInputError

_sha256 = hashlib.sha256
TILE_HEIGHT: Final = 8
TILE_WIDTH: Final = 1 << TILE_HEIGHT
EMPTY_ROOT: Final = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
"""SHA-256 of the empty string: the root of the empty log (RFC 9162 §2.1.1)."""

TileKey = tuple[int, int]
"""``(tile level L, tile index N)``."""


@dataclass(frozen=True, slots=True)
class Tile:
    """One tile: ``width`` base hashes of level ``8 * level`` and the complete nodes above them."""

    level: int
    index: int
    width: int
    hashes: bytes

    def node(self, height: int, offset: int) -> bytes:
        """The hash at ``height`` (0-7) above the base, ``offset`` nodes from the tile's left edge."""
        start = 0
        width = self.width
        for _ in range(height):
            start += width
            width >>= 1
        if not 0 <= offset < width:
            raise KeyError((self.level, self.index, height, offset))
        at = (start + offset) * HASH_SIZE
        return self.hashes[at : at + HASH_SIZE]


def build_tile(level: int, index: int, base: bytes) -> Tile:
    """The tile whose base hashes are ``base`` (concatenated, 1 to 256 of them), with its upper levels."""
    width = len(base) // HASH_SIZE
    if len(base) % HASH_SIZE or not 1 <= width <= TILE_WIDTH:
        raise InvalidInputError(f"a tile holds 1 to {TILE_WIDTH} hashes of {HASH_SIZE} bytes", field="base")
    parts = [base]
    row = base
    pair = 2 * HASH_SIZE
    for _ in range(TILE_HEIGHT - 1):
        if len(row) < pair:
            break
        end = len(row) - len(row) % pair
        row = b"".join([_sha256(NODE_PREFIX + row[i : i + pair]).digest() for i in range(0, end, pair)])
        parts.append(row)
    return Tile(level, index, width, b"".join(parts))


def tile_top(tile: Tile) -> bytes:
    """The node a full tile yields for the level above (the root of its 256 base nodes)."""
    if tile.width != TILE_WIDTH:
        raise InvalidInputError("only a full tile has a top node", field="width")
    return hash_children(tile.node(TILE_HEIGHT - 1, 0), tile.node(TILE_HEIGHT - 1, 1))


def node_location(level: int, index: int) -> tuple[TileKey, int, int]:
    """Where the complete node ``(level, index)`` is stored: ``((L, N), height in the tile, offset)``."""
    tile_level, height = divmod(level, TILE_HEIGHT)
    base_start = index << height  # first base node of the tile level the node spans
    tile_index = base_start // TILE_WIDTH
    offset = index - ((tile_index * TILE_WIDTH) >> height)
    return (tile_level, tile_index), height, offset


def level_width(size: int, tile_level: int) -> int:
    """How many complete nodes of level ``8 * tile_level`` a log of ``size`` leaves has."""
    return size >> (TILE_HEIGHT * tile_level)


def append_leaves(
    size: int, leaf_hashes: Iterable[bytes], load: Callable[[TileKey], Tile | None]
) -> tuple[int, dict[TileKey, Tile]]:
    """Append leaf hashes to a log of ``size`` leaves.

    Args:
        size: The log's size before the append.
        leaf_hashes: The new leaves' hashes, in order.
        load: Reads a stored tile (None if absent); only the rightmost tile of a level is ever read.

    Returns:
        The new size and every tile that changed, by key (new or rewritten; write them all).
    """
    changed: dict[TileKey, Tile] = {}
    new = b"".join(leaf_hashes)
    if len(new) % HASH_SIZE:
        raise InvalidInputError(f"leaf hashes are {HASH_SIZE} bytes each", field="leaf_hashes")
    added = len(new) // HASH_SIZE
    tile_level = 0
    pending = new  # nodes of level 8 * tile_level to append, concatenated
    first = size  # index of pending's first node at that level
    while pending:
        tops: list[bytes] = []
        at = 0
        while at < len(pending):
            tile_index, offset = divmod(first, TILE_WIDTH)
            room = (TILE_WIDTH - offset) * HASH_SIZE
            chunk = pending[at : at + room]
            key = (tile_level, tile_index)
            prior = b""
            if offset:
                old = changed.get(key) or load(key)
                if old is None or old.width != offset:
                    raise InvalidInputError(
                        f"the stored tile {key} holds {0 if old is None else old.width} hashes, not {offset}",
                        field="tiles",
                    )
                prior = old.hashes[: offset * HASH_SIZE]
            tile = build_tile(tile_level, tile_index, prior + chunk)
            changed[key] = tile
            if tile.width == TILE_WIDTH:
                tops.append(tile_top(tile))
            at += len(chunk)
            first += len(chunk) // HASH_SIZE
        pending = b"".join(tops)
        tile_level += 1
        first = level_width(size, tile_level)
    return size + added, changed


def ranges_nodes(ranges: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """The complete nodes ``(level, index)`` the ranges ``[start, end)`` fold from."""
    nodes: set[tuple[int, int]] = set()
    for start, end in ranges:
        nodes.update(_decompose(start, end))
    return nodes


def _decompose(start: int, end: int) -> list[tuple[int, int]]:
    """Complete nodes covering ``[start, end)`` as RFC 9162 splits it (left part first)."""
    out: list[tuple[int, int]] = []
    while end > start:
        length = end - start
        if length & (length - 1) == 0 and start % length == 0:
            out.append((length.bit_length() - 1, start // length))
            break
        split = 1 << ((length - 1).bit_length() - 1)  # largest power of two strictly below length
        if start % split:
            raise InvalidInputError(f"[{start}, {end}) is not a subtree of the log", field="range")
        out.append((split.bit_length() - 1, start // split))
        start += split
    return out


def range_hash(start: int, end: int, node: Callable[[int, int], bytes]) -> bytes:
    """The root of leaves ``[start, end)`` from complete nodes (``node(level, index)``).

    The empty range's root is :data:`EMPTY_ROOT`.
    """
    if start == end:
        return EMPTY_ROOT
    parts = [node(level, index) for level, index in _decompose(start, end)]
    digest = parts[-1]
    for left in reversed(parts[:-1]):
        digest = hash_children(left, digest)
    return digest


def node_reader(tiles: Mapping[TileKey, Tile]) -> Callable[[int, int], bytes]:
    """``node(level, index)`` over loaded tiles (see :func:`tiles_for`)."""

    def node(level: int, index: int) -> bytes:
        key, height, offset = node_location(level, index)
        return tiles[key].node(height, offset)

    return node


def tiles_for(nodes: Iterable[tuple[int, int]]) -> set[TileKey]:
    """The tiles holding the given complete nodes."""
    return {node_location(level, index)[0] for level, index in nodes}


def leaf_hashes_of(entries: Iterable[bytes]) -> list[bytes]:
    """RFC 9162 leaf hashes of entries."""
    return [hash_leaf(e) for e in entries]


# -- entry tiles: 256 entries of the log stored together ----------------------------------------------------------

_LENGTH: Final = 4  # bytes of each entry's big-endian length prefix


def pack_entries(entries: Iterable[bytes]) -> bytes:
    """Entries concatenated, each after its 4-byte big-endian length."""
    return b"".join(len(e).to_bytes(_LENGTH, "big") + e for e in entries)


def unpack_entries(data: bytes) -> list[bytes]:
    """The entries of :func:`pack_entries` output."""
    out = []
    at = 0
    while at < len(data):
        size = int.from_bytes(data[at : at + _LENGTH], "big")
        at += _LENGTH
        if at + size > len(data):
            raise InvalidInputError("an entry tile ends inside an entry", field="data")
        out.append(data[at : at + size])
        at += size
    return out
