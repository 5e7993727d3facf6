"""A generation's per-document values and postings read as whole arrays (kb/search/columns.py,
kb/search/scoring.py) equal what Whoosh gives one document at a time, on an index of several segments with
deleted documents."""
from __future__ import annotations

import numpy as np
from whoosh import index as whoosh_index

from kb.publish import publish
from kb.search import bitset, columns, store
from kb.search.facets import FacetTable
from kb.search.schema import FIELD_BOOSTS
from kb.search.scoring import read_postings
from tests.conftest import write_innovation


def test_arrays_equal_whoosh_read_one_document_at_a_time(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    for n in range(3):  # each incremental publish adds a segment and deletes the replaced documents
        write_innovation(content_dir, "klinik-bumdesa", title=f"Klinik BUM Desa {n}", year=2010 + n,
                         summary="Pendampingan " * (n + 1))
        write_innovation(content_dir, f"baru-{n}", title=f"Inovasi Baru {n}", year=2000 + n)
        publish(content_dir, index_dir)
    ix = whoosh_index.open_dir(str(store.current_generation(index_dir)))
    with ix.reader() as reader:
        size = reader.doc_count_all()
        assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
        for name in FIELD_BOOSTS:
            assert columns.lengths(reader, name).tolist() == [reader.doc_field_length(d, name, 0) or 0
                                                              for d in range(size)]
        for name in ("year", "replications"):
            assert columns.numbers(reader, name).tolist() == [int(v or 0) for v in reader.column_reader(name)]
        assert columns.live(reader).tolist() == list(reader.all_doc_ids())
        for name in ("name", "body", "facet"):
            for term in list(reader.lexicon(name))[:40]:
                matcher = reader.postings(name, term)
                expected = []
                while matcher.is_active():
                    expected.append((matcher.id(), matcher.weight()))
                    matcher.next()
                ids, weights = read_postings(reader, name, term.decode())
                assert list(zip(ids.tolist(), weights.tolist())) == expected
        table = FacetTable.from_reader(reader)
        live = bitset.from_ids(reader.all_doc_ids())
        for term in reader.lexicon("facet"):
            name, _, value = term.decode().partition("=")
            assert table.postings[name][value] == bitset.from_ids(reader.postings("facet", term).all_ids()) & live
    ix.close()


def test_bitsets_round_trip():
    ids = [0, 3, 7, 8, 64, 999]
    bits = bitset.from_ids(ids)
    assert bits == sum(1 << i for i in ids)
    assert bitset.to_ids(bits) == ids and bitset.to_array(bits).tolist() == ids
    assert bitset.from_ids([]) == 0 and bitset.to_ids(0) == []
    assert bitset.from_array(np.array(ids), 1000) == bits
