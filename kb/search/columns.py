"""Per-document values of an index generation as whole NumPy arrays: field lengths, numeric columns and
live documents.

Every worker opens each new generation, and an edit is searchable only once it has: asking Whoosh one
document at a time (`doc_field_length`, iterating a column) took over a second at 100 000 write-ups. Whoosh
keeps these values as fixed-size columns in the segment files, so each segment's values are one slice of
bytes. Where a segment's columns are not what this expects, the values are read one at a time as before.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from whoosh.codec import whoosh3
from whoosh.columns import FixedBytesColumn
from whoosh.util.numeric import byte_to_length

T = TypeVar("T")
_SEGMENTS: dict[tuple, Any] = {}  # (what, segment id, documents) -> what was derived from that segment


def per_segment(reader: Any, what: str, compute: Callable[[Any], T]) -> list[tuple[T, int]]:
    """(value, first document number) for each segment of `reader`, `compute(segment reader)` made once
    per process: a segment's files never change once written (its deleted documents are listed apart, in
    the table of contents of each generation), and its id is a random name given once, so what is derived
    from the segment alone is the same for every generation that holds it - and most generations share all
    their segments but the newest few with the one before. What is kept is what the last reader held."""
    out, keys = [], set()
    for leaf, offset in reader.leaf_readers():
        segment = leaf.segment()
        if segment is None:  # the reader of an index without documents: nothing to derive, never kept
            out.append((compute(leaf), offset))
            continue
        key = (what, segment.segment_id(), segment.doc_count_all())
        value = _SEGMENTS.get(key)
        if value is None:
            value = _SEGMENTS[key] = compute(leaf)
        keys.add(key)
        out.append((value, offset))
    for key in [k for k in list(_SEGMENTS) if k[0] == what and k not in keys]:
        _SEGMENTS.pop(key, None)
    return out


_LENGTHS = np.array([byte_to_length(b) for b in range(256)], np.float32)  # Whoosh's one-byte length code


def _raw(leaf: Any, name: str, column: Any) -> tuple[np.ndarray, int] | None:
    """The bytes of a fixed-size column of one segment and the number of values stored (documents past
    them hold the default), or None if the segment does not keep it that way."""
    perdoc = getattr(leaf, "_perdoc", None)
    if not isinstance(perdoc, whoosh3.W3PerDocReader) or not perdoc.has_column(name):
        return None
    reader = perdoc.column_reader(name, column)
    if not isinstance(reader, FixedBytesColumn.Reader):
        return None
    data = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    return np.frombuffer(data, np.uint8), reader._count


def lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Length of `fieldname` in every document (deleted ones included), as `doc_field_length` gives it."""
    size = reader.doc_count_all()
    out = np.zeros(size, np.float32)
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        found = _raw(leaf, whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if found is None:
            out[offset:offset + count] = [leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(count)]
            continue
        data, stored = found
        out[offset:offset + min(stored, count)] = _LENGTHS[data[:count]]
    return out


def numbers(reader: Any, fieldname: str) -> np.ndarray:
    """The value of a sortable integer NUMERIC field in every document (deleted ones included; 0 where a
    document has none), as iterating `column_reader(fieldname)` gives it."""
    size = reader.doc_count_all()
    out = np.zeros(size, np.int64)
    field = reader.schema[fieldname]
    column = getattr(field, "column_type", None)
    integral = getattr(field, "numtype", None) is int and not getattr(field, "decimal_places", 0)
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        found = _raw(leaf, fieldname, column) if integral and isinstance(column, FixedBytesColumn) else None
        if found is None:
            values = leaf.column_reader(fieldname) if leaf.has_column(fieldname) else [0] * count
            out[offset:offset + count] = [int(v or 0) for v in values]
            continue
        data, stored = found
        values = data.view(">" + column._typecode).astype(np.int64)  # big-endian, as Whoosh packs them
        if field.signed:
            values -= 1 << (field.bits - 1)  # Whoosh's sortable form of a signed integer
        out[offset:offset + min(stored, count)] = values[:count]
        if stored < count:  # documents past the stored values hold the column's default
            default = column._default - ((1 << (field.bits - 1)) if field.signed else 0)
            out[offset + stored:offset + count] = int(default or 0)
    return out


def live(reader: Any) -> np.ndarray:
    """Document numbers that are not deleted, ascending."""
    size = reader.doc_count_all()
    mask = np.ones(size, bool)
    for leaf, offset in reader.leaf_readers():
        if not leaf.has_deletions():
            continue
        perdoc = getattr(leaf, "_perdoc", None)
        if hasattr(perdoc, "deleted_docs"):
            ids = np.fromiter(perdoc.deleted_docs(), np.int64)
            mask[ids + offset] = False
        else:
            count = leaf.doc_count_all()
            mask[offset:offset + count] = False
            mask[np.fromiter(leaf.all_doc_ids(), np.int64) + offset] = True
    return np.flatnonzero(mask)
