"""Document sets as Python ints (bit n = document number n): union, intersection and counting of
10 000-document sets in microseconds (measured), which is what makes facet counts cheap."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_BYTE_BITS = [[bit for bit in range(8) if byte >> bit & 1] for byte in range(256)]


def from_ids(ids: Iterable[int]) -> int:
    """The bitset of these document numbers."""
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray(max(ids) // 8 + 1)
    for docnum in ids:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def from_array(ids: np.ndarray, size: int) -> int:
    """The bitset of a NumPy array of document numbers below `size` (vectorised: microseconds)."""
    mask = np.zeros(size, bool)
    mask[ids] = True
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def to_mask(bits: int, size: int) -> np.ndarray:
    """A bitset as a boolean array of `size` documents."""
    raw = np.frombuffer(bits.to_bytes((size + 7) // 8, "little"), np.uint8)
    return np.unpackbits(raw, bitorder="little")[:size].astype(bool)


def to_ids(bits: int) -> list[int]:
    """The document numbers in a bitset, ascending."""
    out: list[int] = []
    if bits <= 0:
        return out
    for index, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if byte:
            base = index << 3
            out.extend(base + bit for bit in _BYTE_BITS[byte])
    return out
