"""Give freed heap memory back to the operating system (glibc's malloc_trim).

Loading thousands of files leaves the C heap fragmented: after a 10 000-file load about 40 MB are live
but the process keeps ~190 MB resident. Trimming now and then keeps the resident size near what is used.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():  # noqa: ANN202
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def trim() -> None:
    """Return free heap pages to the OS; a no-op where glibc is not the allocator."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
