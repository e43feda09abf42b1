"""Shared test helpers: the Certificate Transparency reference leaves and a literal RFC 9162 transcription.

The transcription below follows RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF) word for
word, recursively, so the module's iterative versions are checked against the text rather than against
themselves.
"""

from __future__ import annotations

import hashlib
from functools import cache

# The eight leaf entries of the Certificate Transparency reference test vectors (google/certificate-transparency
# python/ct/crypto/merkle_test.py; the same leaves generate the transparency-dev/merkle vectors).
CT_LEAVES: tuple[bytes, ...] = (
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
)

# MTH of the first n CT leaves, n = 1..8, as published with them (merkle_test.py, test_vector_hashes).
CT_ROOTS_HEX: tuple[str, ...] = (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(entry: bytes) -> bytes:
    return sha256(b"\x00" + entry)


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def k_for(n: int) -> int:
    """The largest power of two strictly less than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(hashes: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 over leaf hashes: MTH({}) = SHA-256(); one leaf: its leaf hash; else split at k."""
    n = len(hashes)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return hashes[0]
    k = k_for(n)
    return node(mth(hashes[:k]), mth(hashes[k:]))


def path(m: int, hashes: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n])."""
    n = len(hashes)
    if n == 1:
        return []
    k = k_for(n)
    if m < k:
        return [*path(m, hashes[:k]), mth(hashes[k:])]
    return [*path(m - k, hashes[k:]), mth(hashes[:k])]


def subproof(m: int, hashes: list[bytes], b: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b); PROOF(m, D[n]) = SUBPROOF(m, D[n], true)."""
    n = len(hashes)
    if m == n:
        return [] if b else [mth(hashes)]
    k = k_for(n)
    if m <= k:
        return [*subproof(m, hashes[:k], b), mth(hashes[k:])]
    return [*subproof(m - k, hashes[k:], False), mth(hashes[:k])]


@cache
def distinct_leaves(n: int) -> tuple[bytes, ...]:
    """n distinct leaf hashes (of the entries b"entry 0", b"entry 1", ...)."""
    return tuple(leaf(f"entry {i}".encode()) for i in range(n))


@cache
def root_of(n: int) -> bytes:
    """MTH of the first n distinct leaves, by the literal transcription."""
    return mth(list(distinct_leaves(n)))


def flip_bit(data: bytes, bit: int) -> bytes:
    """Return data with one bit inverted (bit counted from the first byte's most significant bit)."""
    buffer = bytearray(data)
    buffer[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(buffer)
