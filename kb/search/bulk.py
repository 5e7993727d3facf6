"""Writing many new documents into one new Whoosh segment, faster and in less memory than Whoosh's own
`SegmentWriter` (a full index build).

Profiles of a full build put half of its time in Whoosh's posting pool, not in analysis: every posting
becomes a tuple, the tuples are sorted (Python comparisons of field name, then term, then document) each
time the pool fills, spilled to a temporary run, and the runs are merged back one posting at a time
through a heap. Here postings are grouped by term as they arrive instead. Documents arrive in document
number order, so each term's postings are already in order: a full buffer is spilled as one record per
term (sorted terms, not sorted postings), and runs are merged term by term. The ranked text fields are
analysed through `IndonesianAnalyzer.positions` (no Token object per word), and document lengths come
from memory rather than from reading the new segment's length column back for every posting.

The segment is the one `SegmentWriter` writes: the same codec writes the same terms, postings, weights,
positions, lengths and stored fields (tests/test_bulk_writer.py compares the two posting by posting).
This leans on Whoosh 2.7's writer internals (`perdocwriter`, `fieldwriter`, `_flush_segment`); the
version is pinned in requirements.txt.
"""
from __future__ import annotations

import heapq
import marshal
from array import array
from collections import deque
from collections.abc import Iterator
from typing import Any

from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from kb.search import stemahead
from kb.search.analysis import IndonesianAnalyzer

# Per posting: three list slots and (mostly) its encoded positions; per term: a dict entry, the key and a
# list. Estimates in the spirit of Whoosh's own pool accounting, measured against RSS on a 10 000-document
# build (docs/performance.md).
_POSTING_BYTES = 3 * 8 + 40
_TERM_BYTES = 160
# With a stemming helper: documents sent to it per batch, and how far indexing trails what was sent (it
# needs a head start: the first documents are nearly all new words).
STEM_BATCH = 64
STEM_AHEAD = 1024

Run = Iterator[tuple[str, bytes, list]]


class BulkWriter(SegmentWriter):
    """A `SegmentWriter` for adding documents to a new, empty index (no updates, deletions or merges:
    there is nothing to update, and Whoosh's merge policy, finding no segment, merges nothing).

    `stem_ahead`: stem in a helper process (kb/search/stemahead.py); documents are then indexed
    `STEM_AHEAD` documents after they are added (all of them by `commit`), in the order added."""

    def __init__(self, ix: Any, limitmb: float = 64, stem_ahead: bool = False) -> None:
        super().__init__(ix, limitmb=1)  # Whoosh's own pool stays empty
        self.buffer = TermBuffer(self._tempstorage, limitmb)
        self._helper: stemahead.StemAhead | None = None
        if self.segments:
            self.cancel()
            raise ValueError("BulkWriter writes a new index only; this one already has documents")
        self._lengths: dict[str, array] = {}  # field -> length byte per document, as the codec stores it
        self._weights: dict[tuple[str, float], dict[int, float]] = {}
        self._singles: dict[tuple[str, int], bytes] = {}  # encoded lone positions, shared
        self._fast = {name: _fast(field) for name, field in self.schema.items()}
        self._stemmed = [name for name, field in self.schema.items() if self._fast[name] and field.analyzer.stemming]
        self._held: deque[dict[str, Any]] = deque()  # added, not yet indexed
        self._unsent: list[str] = []  # texts of the documents added since the last batch sent
        self._unsent_documents = 0
        if stem_ahead:
            self._helper = stemahead.start()

    def add_document(self, **fields: Any) -> None:
        """Index a document (with a stemming helper: once `STEM_AHEAD` more have been added)."""
        helper = self._helper
        if helper is None:
            self._index(fields)
            return
        self._check_state()
        self._held.append(fields)
        self._unsent.extend(v for name in self._stemmed if isinstance(v := fields.get(name), str))
        self._unsent_documents += 1
        if self._unsent_documents == STEM_BATCH:
            helper.send(self._unsent)
            self._unsent, self._unsent_documents = [], 0
        if len(self._held) > STEM_AHEAD:
            helper.collect()
            self._index(self._held.popleft())

    def commit(self, *args: Any, **kwargs: Any) -> None:
        self._check_state()
        try:
            if self._helper is not None:
                self._helper.send(self._unsent)
                while self._held:
                    self._helper.collect()
                    self._index(self._held.popleft())
        finally:
            self._stop_helper()
        super().commit(*args, **kwargs)

    def cancel(self) -> None:
        self._stop_helper()
        super().cancel()

    def _stop_helper(self) -> None:
        helper, self._helper = self._helper, None
        if helper is not None:
            helper.close()

    def _index(self, fields: dict[str, Any]) -> None:
        """As `SegmentWriter.add_document` (the same steps in the same order), with postings going to the
        term buffer."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_term = self.buffer.add
        fast = self._fast

        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            if field.separate_spelling() or field.vector:
                raise ValueError(f"BulkWriter does not write spelling fields or vectors ({fieldname})")
            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                if fast[fieldname]:
                    length = self._add_positions(fieldname, field, value, docnum, fieldboost)
                else:
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        add_term(fieldname, tbytes, docnum, weight * fieldboost, vbytes)
                if field.scorable:
                    self._length_column(fieldname).append(length_to_byte(length) if length else 0)
            customval = fields.get("_stored_%s" % fieldname, value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        for column in self._lengths.values():  # a field this document lacks has length 0
            if len(column) < self.docnum:
                column.append(0)
        self.buffer.maybe_spill()

    def _add_positions(self, fieldname: str, field: Any, value: Any, docnum: int, fieldboost: float) -> int:
        """Postings of one ranked text field: what `Positions.word_values` gives, term by term."""
        fmt = field.format
        if isinstance(value, str):
            found = field.analyzer.positions(value)
        else:  # pre-tokenised values: Whoosh's own path, which gives the same (word, positions)
            found = {w: fmt.decode_positions(v) for w, _, _, v in fmt.word_values(value, field.analyzer,
                                                                                    mode="index")}
        weights = self._weights.setdefault((fieldname, fieldboost), {})
        singles = self._singles
        add_word = self.buffer.add
        length = 0
        for word, poslist in found.items():
            freq = len(poslist)
            length += freq
            weight = weights.get(freq)
            if weight is None:  # Whoosh sums a boost of 1.0 per token, times the field's, times the document's
                weight = weights[freq] = float(freq) * fmt.field_boost * fieldboost
            if freq == 1:
                key = (fieldname, poslist[0])
                vbytes = singles.get(key)
                if vbytes is None:
                    vbytes = singles[key] = fmt.encode(poslist)
            else:
                vbytes = fmt.encode(poslist)
            add_word(fieldname, word, docnum, weight, vbytes)
        return length

    def _length_column(self, fieldname: str) -> array:
        column = self._lengths.get(fieldname)
        if column is None:
            column = self._lengths[fieldname] = array("B", bytes(self.docnum))
        return column

    def _flush_segment(self) -> None:
        """Write the postings term by term, with each document's field length as the codec reads it back
        (`byte_to_length` of the stored byte), as `FieldWriter.add_postings` does."""
        self.perdocwriter.close()
        fw = self.fieldwriter
        schema = self.schema
        current = None
        lengths: array | None = None
        decoded = [0] + [byte_to_length(b) for b in range(1, 256)]
        for fieldname, tbytes, flat in self.buffer.terms():
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                fw.start_field(fieldname, schema[fieldname])
                current = fieldname
                lengths = self._lengths.get(fieldname)
            fw.start_term(tbytes)
            add = fw.add
            for i in range(0, len(flat), 3):
                docnum = flat[i]
                add(docnum, flat[i + 1], flat[i + 2] or b"", decoded[lengths[docnum]] if lengths is not None else 0)
            fw.finish_term()
        if current is not None:
            fw.finish_field()
        fw.close()

    def _close_segment(self) -> None:
        super()._close_segment()
        self.buffer.cleanup()


def _fast(field: Any) -> bool:
    """Whether a field's postings come from `IndonesianAnalyzer.positions` (every other field goes
    through Whoosh's `field.index`)."""
    return (type(field.format) is Positions and isinstance(field.analyzer, IndonesianAnalyzer)
            and not field.separate_spelling() and not field.vector)


class TermBuffer:
    """Postings grouped by field and term, spilled to sorted runs in a temporary storage when the
    estimate passes `limitmb`. Each term's postings are a flat list [docnum, weight, value, ...] in the
    order they were added."""

    def __init__(self, tempstorage: Any, limitmb: float) -> None:
        self.tempstorage = tempstorage
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.fields: dict[str, dict[Any, list]] = {}  # term keys: str (words) or bytes (Whoosh's tbytes)
        self.runs: list[str] = []

    def add(self, fieldname: str, term: str | bytes, docnum: int, weight: float, vbytes: bytes) -> None:
        """One posting. A field's terms are all words (str) or all Whoosh term bytes: see `_sorted`."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        flat = terms.get(term)
        if flat is None:
            terms[term] = [docnum, weight, vbytes]
            self.size += _TERM_BYTES + _POSTING_BYTES
        else:
            flat += (docnum, weight, vbytes)
            self.size += _POSTING_BYTES

    def maybe_spill(self) -> None:
        if self.size > self.limit:
            self.spill()

    def spill(self) -> None:
        """Write what is buffered as one sorted run and start again."""
        name = f"terms-{len(self.runs)}.run"
        with self.tempstorage.create_file(name).raw_file() as f:
            for record in self._sorted():
                marshal.dump(record, f)
        self.runs.append(name)
        self.fields = {}
        self.size = 0

    def _sorted(self) -> Run:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            keyed = sorted((k.encode("utf-8") if isinstance(k, str) else k, k) for k in terms)
            for tbytes, key in keyed:
                yield fieldname, tbytes, terms[key]

    def _read(self, name: str) -> Run:
        with self.tempstorage.open_file(name).raw_file() as f:
            while True:
                try:
                    yield marshal.load(f)
                except EOFError:
                    return

    def terms(self) -> Run:
        """(field, term bytes, flat postings) of every term, sorted, each term's postings in the order
        added: runs were written in document order, so concatenating them in run order keeps it."""
        if not self.runs:
            yield from self._sorted()
            return
        sources = [self._read(name) for name in self.runs] + [self._sorted()]
        merged = heapq.merge(*sources, key=lambda r: (r[0], r[1]))  # stable: earlier runs first
        pending = None
        for record in merged:
            if pending is not None and record[0] == pending[0] and record[1] == pending[1]:
                pending[2].extend(record[2])
                continue
            if pending is not None:
                yield pending
            pending = record
        if pending is not None:
            yield pending

    def cleanup(self) -> None:
        for name in self.runs:
            try:
                self.tempstorage.delete_file(name)
            except OSError:
                pass
        self.runs = []
        self.fields = {}


