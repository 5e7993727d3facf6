"""Document sets as Python ints (bit n = document number n): union, intersection and counting of
10 000-document sets in microseconds (measured), which is what makes facet counts cheap."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def from_ids(ids: Iterable[int]) -> int:
    """The bitset of these document numbers."""
    found = np.fromiter(ids, np.int64)
    return from_array(found, int(found.max()) + 1) if len(found) else 0


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
    return to_array(bits).tolist()


def to_array(bits: int) -> np.ndarray:
    """The document numbers in a bitset, ascending, as a NumPy array."""
    if bits <= 0:
        return np.empty(0, np.int64)
    return np.flatnonzero(to_mask(bits, bits.bit_length()))
