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
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        data = bytes(self._view[self._pos:end])
        self._pos = end
        return data

    def readline(self, size: int = -1) -> bytes:
        view, start = self._view, self._pos
        end = len(view) if size is None or size < 0 else min(len(view), start + size)
        newline = bytes(view[start:end]).find(b"\n")
        return self.read((newline + 1) if newline >= 0 else end - start)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
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
