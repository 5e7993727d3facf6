"""Reading Whoosh segment files without copying them into memory.

Whoosh 2.7.4 memory-maps a compound segment file and then wraps each part in `BufferFile`, whose
`BytesIO(buf)` copies the part: opening an index of 100 000 write-ups copied ~300 MB of postings and term
dictionary into every web process. Here the parts stay views of the map: the kernel pages in what searches
touch, and the pages are shared by all workers. Installed once, on import of `kb.search`.
"""
from __future__ import annotations

from whoosh.filedb import compound, structfile


class _ViewReader:
    """The file interface StructFile needs (read, readline, seek, tell) over a memoryview, without a copy."""

    __slots__ = ("_view", "_pos")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        if start >= len(self._view):
            return b""  # like BytesIO: at or past the end, the position stays where it is
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._pos = end
        return bytes(self._view[start:end])

    def readline(self, size: int = -1) -> bytes:
        view, start = self._view, self._pos
        end = len(view) if size is None or size < 0 else min(len(view), start + size)
        cut = start
        while cut < end:  # look for the newline a block at a time, not by copying the rest of the file
            block = bytes(view[cut:min(end, cut + 4096)])
            newline = block.find(b"\n")
            if newline >= 0:
                return self.read(cut + newline + 1 - start)
            cut += len(block)
        return self.read(end - start) if start < end else b""

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        if base + offset < 0:
            raise ValueError(f"negative seek value {base + offset}")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass

    def flush(self) -> None:
        pass


class ViewBufferFile(structfile.BufferFile):
    """`BufferFile` over a slice of the segment's memory map, read in place."""

    def __init__(self, buf, name=None, onclose=None) -> None:  # noqa: ANN001 - Whoosh's signature
        self._buf = buf
        self._name = name
        self.file = _ViewReader(memoryview(buf))
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


def install() -> None:
    """Make Whoosh's compound storage hand out zero-copy files (idempotent)."""
    compound.BufferFile = ViewBufferFile
