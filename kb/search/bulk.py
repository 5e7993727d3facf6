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

Writing the segment (after the last document) was the other third of a build, one process working while
the helper sat idle: each term's postings are encoded in a few list operations (`encode_postings`, the
codec's own format), the term table is filled without asking the file for its position, and with a helper
the largest field (`APART_FIELDS`: the body) is spilled to runs of its own and encoded there meanwhile.

The segment holds what `SegmentWriter` writes: the same codec's terms, postings, weights, positions,
lengths, block statistics and stored fields (tests/test_bulk_writer.py compares the two posting by
posting). The bytes differ in two ways readers do not see: small blocks are stored uncompressed
(`COMPRESS_FROM`), and the body's postings sit after the other fields' in the postings file. This leans
on Whoosh 2.7's writer internals (`perdocwriter`, `fieldwriter`, `_flush_segment`); the version is pinned
in requirements.txt.
"""
from __future__ import annotations

import heapq
import pickle
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths as _ROW_LENGTHS
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.formats import Positions
from whoosh.system import pack_int, pack_long, pack_ushort
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
_TERMINFO = W3TermInfo._struct  # flags, total weight, doc freq, min/max length bytes, max weight, first/last id
# Encoded by the helper process while the building process encodes the rest: at 10 000 realistic write-ups
# the body holds 53 % of the postings and 29 % of the blocks, and the helper is done first (with the
# background section too, 71 % and 46 %, the build waited ~4 s for it).
APART_FIELDS = ("body",)
_APART_POSTINGS = "apart.pst"
_APART_ROWS = "apart.rows"
_ROWS_BATCH = 10_000
COMPRESS_FROM = 128  # bytes of a block's pickle below which it is stored uncompressed (zlib saved 4 % there)


def helper_fields(schema: Any) -> list[str]:
    """The fields whose postings a build may make elsewhere (kb.publish.prepare, in a helper process) and
    pass in with the document as `_postings`: the ranked text fields that need Sastrawi."""
    return [name for name, field in schema.items() if _positions_field(field) and field.analyzer.stemming]


class BulkWriter(SegmentWriter):
    """A `SegmentWriter` for adding documents to a new, empty index (no updates, deletions or merges:
    there is nothing to update, and Whoosh's merge policy, finding no segment, merges nothing).

    A document may come with `_postings`: {field: postings} of `helper_fields`, made by
    `ahead.field_postings` elsewhere (the same postings this writer would make). `helper`: the build's helper
    process (kb.publish.prepare), which then encodes the `APART_FIELDS` while this process writes the rest."""

    def __init__(self, ix: Any, limitmb: float = 64, helper: ahead.Helper | None = None) -> None:
        super().__init__(ix, limitmb=1)  # Whoosh's own pool stays empty
        self.helper = helper
        # With a helper, the largest field is spilled apart and encoded there at the end while this process
        # encodes the others; that needs the runs in a folder the helper can read.
        apart = frozenset(APART_FIELDS) & set(self.schema.names())
        folder = getattr(self._tempstorage, "folder", None)
        self.buffer = TermBuffer(self._tempstorage, limitmb, apart if helper is not None and folder else frozenset())
        if self.segments:
            self.cancel()
            raise ValueError("BulkWriter writes a new index only; this one already has documents")
        self._lengths: dict[str, array] = {}  # field -> length byte per document, as the codec stores it
        self._weights: dict[tuple[str, float], _Weights] = {}
        self._singles: dict[int, bytes] = {}  # the encoding of each lone position: one object per position
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
                out[name] = ahead.field_postings(self.schema[name].analyzer, value)
            elif value is not None:  # pre-tokenised: Whoosh's own path, which gives the same postings
                fmt = self.schema[name].format
                out[name] = ahead.pack_postings([(w, f, v) for w, f, _, v in fmt.word_values(
                    value, self.schema[name].analyzer, mode="index")])
        return out

    def _add_postings(self, fieldname: str, field: Any, postings: ahead.Postings, docnum: int,
                      fieldboost: float) -> int:
        """One ranked text field's postings into the buffer; returns the field's length."""
        weights = self._weights.get((fieldname, fieldboost))  # `fieldboost`: the document's, for this field
        if weights is None:
            weights = self._weights[fieldname, fieldboost] = _Weights(field.format.field_boost, fieldboost)
        return self.buffer.add_field(fieldname, docnum, postings, weights, self._singles)

    def _length_column(self, fieldname: str) -> array:
        column = self._lengths.get(fieldname)
        if column is None:
            column = self._lengths[fieldname] = array("B", bytes(self.docnum))
        return column

    def _flush_segment(self) -> None:
        """Write the postings term by term, with each document's field length as the codec reads it back
        (`byte_to_length` of the stored byte), as `FieldWriter.add_postings` does.

        The fields kept apart (`APART_FIELDS`) are encoded by the helper process meanwhile, from their runs,
        into a file of postings and a file of term rows; this process encodes the others, then appends the
        helper's postings and writes the term table in key order. Where a term's postings sit in the
        postings file does not matter to readers: its row says where."""
        self.perdocwriter.close()
        fw = self.fieldwriter
        codec = fw._codec
        if codec._inlinelimit > 1:  # W3Codec's default is 1: no term's postings are ever inlined
            raise ValueError("BulkWriter writes no inlined postings (inlinelimit > 1)")
        schema = self.schema
        limit, compression = codec._blocklimit, codec._compression
        buffer = self.buffer
        apart_job = None
        if buffer.apart:
            buffer.spill_apart()
            folder = Path(self._tempstorage.folder)
            apart_postings, apart_rows = str(folder / _APART_POSTINGS), str(folder / _APART_ROWS)
            apart_job = ([str(folder / name) for name in buffer.apart_runs],
                         {name: self._field_facts(name, as_bytes=True) for name in sorted(buffer.apart)},
                         limit, compression, apart_postings, apart_rows)
            if self.helper is not None:
                self.helper.send("encode", 0, [apart_job])
        postfile = fw._postfile
        own_base = postfile.tell()
        with tempfile.TemporaryFile() as own_rows:
            encode_runs(buffer.terms(), {name: self._field_facts(name) for name in schema.names()
                                         if schema[name].indexed},
                        limit, compression, postfile, own_rows)
            rows = [_rows(own_rows, own_base)]
            if apart_job is not None:
                if self.helper is None or self.helper.result("encode", 0, patience=None) is None:
                    encoder()(apart_job)  # no helper, or it failed: the same work here
                apart_base = postfile.tell()
                with open(apart_postings, "rb") as f:
                    while chunk := f.read(1 << 20):
                        postfile.write(chunk)
                rows.append(_rows_file(apart_rows, apart_base))
            terms = TermTable(fw._tindex)
            current = None
            prefix = b""
            for fieldname, tbytes, info, offset, length in heapq.merge(*rows, key=itemgetter(0)):
                if fieldname != current:
                    if current is not None:
                        fw.finish_field()
                    fw.start_field(fieldname, schema[fieldname])
                    current = fieldname
                    prefix = pack_ushort(fw._fieldid)
                terms.add(prefix + tbytes, info + pack_long(offset) + pack_int(length))
            if current is not None:
                fw.finish_field()
        fw.close()

    def _field_facts(self, fieldname: str, as_bytes: bool = False) -> tuple[int | None, Any]:
        """What encoding a field's postings needs besides them: its values' fixed size, and each document's
        length byte (None for a field without lengths)."""
        lengths = self._lengths.get(fieldname)
        if lengths is not None and as_bytes:
            lengths = lengths.tobytes()
        return self.schema[fieldname].format.fixed_value_size(), lengths

    def _close_segment(self) -> None:
        super()._close_segment()
        self.buffer.cleanup()


def encode_runs(terms: Run, fields: dict[str, tuple[int | None, Any]], limit: int, compression: int,
                postings: BinaryIO, rows: BinaryIO) -> int:
    """Encode every term of `terms` (sorted) into `postings`, and write its term row (field, term bytes,
    term info up to the extent, offset from where this started writing, length) to `rows`, in pickled lists.
    `fields`: `BulkWriter._field_facts` by field name. Returns the number of bytes written to `postings`."""
    decoded = [0] + [byte_to_length(b) for b in range(1, 256)]
    offset = 0
    batch: list[tuple[str, bytes, bytes, int, int]] = []
    current = None
    fixed_size: int | None = None
    lengths: Any = None
    for fieldname, tbytes, flat in terms:
        if fieldname != current:
            current = fieldname
            fixed_size, lengths = fields[fieldname]
        docnums = flat[0::3]
        data, info = encode_postings(docnums, flat[1::3], flat[2::3],
                                     [decoded[lengths[d]] for d in docnums] if lengths is not None else None,
                                     fixed_size, limit, compression)
        postings.write(data)
        batch.append((fieldname, tbytes, info, offset, len(data)))
        offset += len(data)
        if len(batch) == _ROWS_BATCH:
            pickle.dump(batch, rows, pickle.HIGHEST_PROTOCOL)
            batch = []
    if batch:
        pickle.dump(batch, rows, pickle.HIGHEST_PROTOCOL)
    return offset


def _rows(f: BinaryIO, base: int) -> Iterator[tuple[str, bytes, bytes, int, int]]:
    """The term rows `encode_runs` wrote to `f`, their offsets moved by `base`."""
    f.seek(0)
    while True:
        try:
            batch = pickle.load(f)
        except EOFError:
            return
        for fieldname, tbytes, info, offset, length in batch:
            yield fieldname, tbytes, info, offset + base, length


def _rows_file(path: str, base: int) -> Iterator[tuple[str, bytes, bytes, int, int]]:
    with open(path, "rb") as f:
        yield from _rows(f, base)


def encoder(setup: Any = None) -> Callable[[tuple], int]:  # noqa: ARG001 - the helper's job signature
    """The helper's job (and its stand-in here): encode the fields kept apart from their runs into a postings
    file and a rows file; returns the postings' size."""
    def encode(job: tuple) -> int:
        run_paths, fields, limit, compression, postings_path, rows_path = job
        with open(postings_path, "wb") as postings, open(rows_path, "wb") as rows:
            return encode_runs(merge_runs([read_run(Path(p)) for p in run_paths]), fields, limit, compression,
                               postings, rows)
    return encode


def encode_postings(docnums: list[int], weights: list[float], values: list[bytes], lengths: list[int] | None,
                    fixed_size: int | None, limit: int, compression: int) -> tuple[bytes, bytes]:
    """One term's postings as `W3PostingsWriter` writes them (its header, then blocks of `limit` postings:
    length, pickled block info, zlib-compressed pickle of ids, weights and values), and its `W3TermInfo`
    bytes up to the extent, with the same statistics computed in the same order (float sums included).

    Writing a segment was mostly this per-term bookkeeping: Whoosh's writer makes a term info object, a
    block object per block and a method call per posting; here a term is a few list slices. One difference:
    a block whose pickle is shorter than `COMPRESS_FROM` bytes is stored uncompressed (its info says so, and
    readers decompress only blocks marked compressed), as Whoosh's own writer means to do below 20 bytes
    (a bug there compresses every block): most terms are rare, and starting a zlib stream for each of
    their few postings took more time than the rest of writing the segment, for no smaller file."""
    out = [WHOOSH3_HEADER_MAGIC]
    total = 0  # as W3TermInfo.add_block: each block's sum of its float32 weights, added in order
    minlength: int | None = None
    maxlength = 0
    maxweight: float = 0
    count = len(docnums)
    for start in range(0, count, limit):
        end = start + limit
        ids = docnums[start:end]
        block_weights = array("f", weights[start:end])
        total += sum(block_weights)
        heaviest = max(weights[start:end])
        block_max = heaviest if heaviest > 0 else 0
        block_min: int | None = None
        block_maxlength = 0
        if lengths is not None:
            present = [n for n in lengths[start:end] if n]
            if present:
                block_min, block_maxlength = min(present), max(present)
        if block_min is not None:
            minlength = block_min if minlength is None else min(minlength, block_min)
        maxlength = max(maxlength, block_maxlength)
        maxweight = max(maxweight, block_max)
        if all(w == 1.0 for w in block_weights):
            mini_weights: Any = None
        elif all(w == block_weights[0] for w in block_weights):
            mini_weights = block_weights[0]
        else:
            mini_weights = tuple(block_weights)
        present_values = [v for v in values[start:end] if v]
        if fixed_size is None or fixed_size < 0:
            mini_values: Any = tuple(present_values)
        elif fixed_size == 0:
            mini_values = None
        else:
            mini_values = b"".join(present_values)
        previous = 0
        deltas = []
        for n in ids:
            deltas.append(n - previous)
            previous = n
        databytes = pickle.dumps((tuple(deltas), mini_weights, mini_values), 2)
        comp = compression if len(databytes) >= COMPRESS_FROM else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        infobytes = pickle.dumps((len(ids), ids[-1], block_max, comp, length_to_byte(block_min),
                                  length_to_byte(block_maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        out += (pack_int(-blocklength if end >= count else blocklength), infobytes, databytes)
    info = _TERMINFO.pack(False, total, count, 0 if minlength is None else length_to_byte(minlength),
                          length_to_byte(maxlength), maxweight, docnums[0], docnums[-1])
    return b"".join(out), info


class TermTable:
    """Adds rows to a segment's term table as `OrderedHashWriter.add` does (the same file, index and hash
    buckets), keeping the file position itself: `add` asks the file for it twice per term, a system call
    each, which was a tenth of writing a segment."""

    def __init__(self, tindex: OrderedHashWriter) -> None:
        self.tindex = tindex
        self.position = tindex.dbfile.tell()
        self.lastkey = tindex.lastkey

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        tindex = self.tindex
        position = self.position
        tindex.index.append(position)
        row = _ROW_LENGTHS.pack(len(key), len(value)) + key + value
        tindex.dbfile.write(row)
        h = tindex.hashfn(key)
        tindex.buckets[h & 255].append((h, position))
        self.position = position + len(row)
        self.lastkey = tindex.lastkey = key


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
    order they were added. The postings of the fields in `apart` are spilled to runs of their own
    (`apart_runs`), for another process to read."""

    def __init__(self, tempstorage: Any, limitmb: float, apart: frozenset[str] = frozenset()) -> None:
        self.tempstorage = tempstorage
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.fields: dict[str, dict[Any, list]] = {}  # term keys: str (words) or bytes (Whoosh's tbytes)
        self.runs: list[str] = []
        self.apart = apart
        self.apart_runs: list[str] = []

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
                  singles: dict[int, bytes]) -> int:
        """One document's postings of a ranked text field (`add` written out for each: this loop runs for
        every posting of a build); returns the field's length. The encoding of a lone position is one
        object per position (`singles`), shared by every posting that has it: they are most postings."""
        words, freqs, lone, repeated = postings
        if not freqs:
            return 0
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        new = 0
        next_lone = next_repeated = 0
        for term, freq in zip(words.split("\n"), freqs):
            if freq == 1:
                position = lone[next_lone]
                next_lone += 1
                vbytes = singles.get(position)
                if vbytes is None:
                    vbytes = singles[position] = ahead.encode_single(position)
            else:
                vbytes = repeated[next_repeated]
                next_repeated += 1
            flat = terms.get(term)
            if flat is None:
                terms[term] = [docnum, weights[freq], vbytes]
                new += 1
            else:
                flat += (docnum, weights[freq], vbytes)
        self.size += len(freqs) * _POSTING_BYTES + new * _TERM_BYTES
        return sum(freqs)

    def maybe_spill(self) -> None:
        if self.size > self.limit:
            self.spill()

    def spill(self) -> None:
        """Write what is buffered as one sorted run (and one of the fields kept apart) and start again."""
        name = f"terms-{len(self.runs)}.run"
        with self.tempstorage.create_file(name).raw_file() as f:
            _write_run(f, self._sorted(lambda fieldname: fieldname not in self.apart))
        self.runs.append(name)
        if self.apart:
            self._spill_apart(f"terms-{len(self.runs) - 1}.apart.run")
        self.fields = {}
        self.size = 0

    def spill_apart(self) -> None:
        """Write what is buffered of the fields kept apart as a run of their own (before the segment is
        written: the other process reads them from runs only)."""
        self._spill_apart(f"terms-{len(self.apart_runs)}.apart-last.run")
        for fieldname in self.apart:
            self.fields.pop(fieldname, None)

    def _spill_apart(self, name: str) -> None:
        if any(fieldname in self.apart for fieldname in self.fields):
            with self.tempstorage.create_file(name).raw_file() as f:
                _write_run(f, self._sorted(lambda fieldname: fieldname in self.apart))
            self.apart_runs.append(name)

    def _sorted(self, which: Callable[[str], bool] = lambda fieldname: True) -> Run:
        for fieldname in sorted(self.fields):
            if not which(fieldname):
                continue
            terms = self.fields[fieldname]
            keyed = sorted((k.encode("utf-8") if isinstance(k, str) else k, k) for k in terms)
            for tbytes, key in keyed:
                yield fieldname, tbytes, terms[key]

    def terms(self) -> Run:
        """(field, term bytes, flat postings) of every term not kept apart, sorted, each term's postings in
        the order added: runs were written in document order, so concatenating them in run order keeps it."""
        memory = self._sorted(lambda fieldname: fieldname not in self.apart)
        if not self.runs:
            return memory
        return merge_runs([self._read(name) for name in self.runs] + [memory])

    def _read(self, name: str) -> Run:
        with self.tempstorage.open_file(name).raw_file() as f:
            yield from _read_records(f)

    def cleanup(self) -> None:
        for name in self.runs + self.apart_runs + [_APART_POSTINGS, _APART_ROWS]:
            try:
                self.tempstorage.delete_file(name)
            except OSError:
                pass
        self.runs = []
        self.apart_runs = []
        self.fields = {}


def _write_run(f: BinaryIO, records: Run) -> None:
    # pickle, not marshal: framed records read back in large chunks, several times faster
    pickler = pickle.Pickler(f, pickle.HIGHEST_PROTOCOL)
    for record in records:
        pickler.dump(record)
        pickler.clear_memo()


def _read_records(f: BinaryIO) -> Run:
    while True:  # an unpickler per record: one kept for the run would remember every record
        try:
            yield pickle.load(f)
        except EOFError:
            return


def read_run(path: Path) -> Run:
    """The records of a run file, in order."""
    with open(path, "rb") as f:
        yield from _read_records(f)


def merge_runs(sources: list[Run]) -> Run:
    """Sorted runs merged into one: a term in several runs has its postings concatenated in run order."""
    # Records compare by field, then term, then postings: a term in several runs comes first from the
    # run with the lowest document number, i.e. the earlier run.
    pending = None
    for record in heapq.merge(*sources):
        if pending is not None and record[0] == pending[0] and record[1] == pending[1]:
            pending[2].extend(record[2])
            continue
        if pending is not None:
            yield pending
        pending = record
    if pending is not None:
        yield pending
