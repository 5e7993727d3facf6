"""Writing many new documents into one new Whoosh segment, faster and in less memory than Whoosh's own
`SegmentWriter` (a full index build).

Profiles of a full build put more of its time in Whoosh's posting pool than in writing the segment:
every posting becomes a tuple, the tuples are sorted (Python comparisons of field name, then term, then
document) each time the pool fills, spilled to a temporary run, and the runs are merged back one posting
at a time through a heap. Here postings are grouped by term as they arrive instead. Documents arrive in
document number order, so each term's postings are already in order: a full buffer is spilled as one
record per term (sorted terms, not sorted postings), and runs are merged term by term. The ranked text
fields are analysed through `IndonesianAnalyzer.positions` (no Token object per word) - those that need
Sastrawi may come analysed already, from a helper process (kb/publish/prepare.py) - and document lengths
come from memory rather than from reading the new segment's length column back for every posting.

The segment is the one `SegmentWriter` writes: the same codec writes the same terms, postings, weights,
positions, lengths and stored fields (tests/test_bulk_writer.py compares the two posting by posting).
This leans on Whoosh 2.7's writer internals (`perdocwriter`, `fieldwriter`, `_flush_segment`); the
version is pinned in requirements.txt.
"""
from __future__ import annotations

import heapq
import pickle
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from kb.search import ahead
from kb.search.analysis import IndonesianAnalyzer

# Resident bytes per posting (three list slots and, for a term occurring more than once, its encoded
# positions: lone positions share one encoding each) and per new term (a dict entry, the key, a list), as
# measured (resident memory just before a spill) on a realistic 10 000-document corpus.
_POSTING_BYTES = 26
_TERM_BYTES = 64
Run = Iterator[tuple[str, bytes, list]]


def helper_fields(schema: Any) -> list[str]:
    """The fields whose postings a build may make elsewhere (kb.publish.prepare, in a helper process) and
    pass in with the document as `_postings`: the ranked text fields that need Sastrawi."""
    return [name for name, field in schema.items() if _positions_field(field) and field.analyzer.stemming]


class BulkWriter(SegmentWriter):
    """A `SegmentWriter` for adding documents to a new, empty index (no updates, deletions or merges:
    there is nothing to update, and Whoosh's merge policy, finding no segment, merges nothing).

    A document may come with `_postings`: {field: postings} of `helper_fields`, made by
    `ahead.field_postings` elsewhere (the same postings this writer would make)."""

    def __init__(self, ix: Any, limitmb: float = 64) -> None:
        super().__init__(ix, limitmb=1)  # Whoosh's own pool stays empty
        self.buffer = TermBuffer(self._tempstorage, limitmb)
        if self.segments:
            self.cancel()
            raise ValueError("BulkWriter writes a new index only; this one already has documents")
        self._lengths: dict[str, array] = {}  # field -> length byte per document, as the codec stores it
        self._weights: dict[tuple[str, float], _Weights] = {}
        self._singles: dict[int, bytes] = {}  # encodings of lone positions made here
        self._interned: dict[bytes, bytes] = {}  # one object per distinct lone-position encoding
        # Fields analysed with `ahead.field_postings`; every other one goes through Whoosh's `field.index`.
        self._fast = [name for name, field in self.schema.items() if _positions_field(field)]

    def add_document(self, **fields: Any) -> None:
        """Index a document."""
        self._check_state()
        self._index(fields)

    def _index(self, fields: dict[str, Any]) -> None:
        """As `SegmentWriter.add_document` (the same steps in the same order), with postings going to the
        term buffer."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_term = self.buffer.add
        analysed = self._analysed_fields(fields)

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
                if fieldname in analysed:
                    length = self._add_postings(fieldname, field, analysed[fieldname], docnum, fieldboost)
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

    def _analysed_fields(self, fields: dict[str, Any]) -> dict[str, ahead.Postings]:
        """The postings of this document's ranked text fields: as given (`_postings`), or made here."""
        given = fields.get("_postings") or {}
        out = {}
        for name in self._fast:
            value = fields.get(name)
            if name in given and isinstance(value, str):
                out[name] = given[name]
            elif isinstance(value, str):
                out[name] = ahead.field_postings(self.schema[name].analyzer, value, self._singles)
            elif value is not None:  # pre-tokenised: Whoosh's own path, which gives the same postings
                fmt = self.schema[name].format
                out[name] = [(w, f, v) for w, f, _, v in fmt.word_values(value, self.schema[name].analyzer,
                                                                           mode="index")]
        return out

    def _add_postings(self, fieldname: str, field: Any, postings: ahead.Postings, docnum: int,
                      fieldboost: float) -> int:
        """One ranked text field's postings into the buffer; returns the field's length."""
        weights = self._weights.get((fieldname, fieldboost))  # `fieldboost`: the document's, for this field
        if weights is None:
            weights = self._weights[fieldname, fieldboost] = _Weights(field.format.field_boost, fieldboost)
        return self.buffer.add_field(fieldname, docnum, postings, weights, self._interned)

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
            docnums = flat[0::3]
            _add_postings_to_blocks(fw._postwriter, docnums, flat[1::3], flat[2::3],
                                    [decoded[lengths[d]] for d in docnums] if lengths is not None else None)
            fw.finish_term()
        if current is not None:
            fw.finish_field()
        fw.close()

    def _close_segment(self) -> None:
        super()._close_segment()
        self.buffer.cleanup()


def _add_postings_to_blocks(pw: Any, docnums: list[int], weights: list[float], values: list[bytes],
                            lengths: list[int] | None) -> None:
    """What `W3PostingsWriter.add_posting` does for each posting of a term, a block at a time: fill the
    block's buffers and statistics, writing it out whenever it holds `_blocklimit` postings (as
    add_posting writes a full block before adding the next posting). Per posting, add_posting's type
    checks and attribute updates were a fifth of writing the segment."""
    limit = pw._blocklimit
    for start in range(0, len(docnums), limit):
        if len(pw._ids) >= limit:
            pw._write_block()
        end = start + limit
        pw._ids.extend(docnums[start:end])
        block_weights = weights[start:end]
        pw._weights.extend(block_weights)
        heaviest = max(block_weights)
        if heaviest > pw._maxweight:
            pw._maxweight = heaviest
        pw._values.extend(v for v in values[start:end] if v)
        if lengths is not None:
            present = [n for n in lengths[start:end] if n]
            if present:
                shortest, longest = min(present), max(present)
                if pw._minlength is None or shortest < pw._minlength:
                    pw._minlength = shortest
                if longest > pw._maxlength:
                    pw._maxlength = longest


class _Weights(dict):
    """Posting weight by term frequency, as Whoosh computes it: a boost of 1.0 per token summed, times
    the field's boost, times the document's."""

    def __init__(self, field_boost: float, document_boost: float) -> None:
        super().__init__()
        self.boosts = (field_boost, document_boost)

    def __missing__(self, freq: int) -> float:
        weight = self[freq] = float(freq) * self.boosts[0] * self.boosts[1]
        return weight


def _positions_field(field: Any) -> bool:
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

    def add_field(self, fieldname: str, docnum: int, postings: ahead.Postings, weights: _Weights,
                  interned: dict[bytes, bytes]) -> int:
        """One document's postings of a ranked text field (`add` written out for each: this loop runs for
        every posting of a build); returns the field's length. Encodings of a lone position are shared
        through `interned`: they are most postings, and the helper's arrive as copies."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        length = 0
        new = 0
        for term, freq, vbytes in postings:
            length += freq
            if freq == 1:
                vbytes = interned.setdefault(vbytes, vbytes)
            flat = terms.get(term)
            if flat is None:
                terms[term] = [docnum, weights[freq], vbytes]
                new += 1
            else:
                flat += (docnum, weights[freq], vbytes)
        self.size += len(postings) * _POSTING_BYTES + new * _TERM_BYTES
        return length

    def maybe_spill(self) -> None:
        if self.size > self.limit:
            self.spill()

    def spill(self) -> None:
        """Write what is buffered as one sorted run and start again."""
        name = f"terms-{len(self.runs)}.run"
        with self.tempstorage.create_file(name).raw_file() as f:
            # pickle, not marshal: framed records read back in large chunks, several times faster
            pickler = pickle.Pickler(f, pickle.HIGHEST_PROTOCOL)
            for record in self._sorted():
                pickler.dump(record)
                pickler.clear_memo()
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
            while True:  # an unpickler per record: one kept for the run would remember every record
                try:
                    yield pickle.load(f)
                except EOFError:
                    return

    def terms(self) -> Run:
        """(field, term bytes, flat postings) of every term, sorted, each term's postings in the order
        added: runs were written in document order, so concatenating them in run order keeps it."""
        if not self.runs:
            yield from self._sorted()
            return
        sources = [self._read(name) for name in self.runs] + [self._sorted()]
        # Records compare by field, then term, then postings: a term in several runs comes first from the
        # run with the lowest document number, i.e. the earlier run.
        merged = heapq.merge(*sources)
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


