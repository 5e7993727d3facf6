"""Replication pages through the real app on a fixture catalogue of real files: "fits my regency" (ranking,
reasons, toggles, the region's own innovations apart, the cookie), the network (statuses, merged trails) and
the statistics (equal to the search facets); the `replicated_from` mapping form and its validation."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kb.content import load_catalogue
from tests.conftest import published_app, write_award, write_innovation
from tests.test_validation import BASE

SOURCE = {"title": "Berita replikasi", "url": "https://example.org/replikasi", "date": "2022-03"}


def write_catalogue(root: Path) -> Path:
    """Originals across East Java, Yogyakarta and Papua, replicas that document themselves, and every status."""
    write_award(root, "sinovik", "Kompetisi Inovasi Pelayanan Publik (KIPP)")
    write_innovation(root, "klinik-desa", title="Klinik Desa Gresik", region="Kabupaten Gresik", region_code="35.25",
                     agency="Dinas PMD Kabupaten Gresik", sectors=["pemberdayaan-masyarakat-desa"], year=2017,
                     status="berlanjut", awards=[{"name": "sinovik", "year": 2019}],
                     replications=[
                         {"region": "Kabupaten Lamongan", "region_code": "35.24", "year": 2020,
                          "innovation": "klinik-lamongan"},
                         {"region": "Kabupaten Tuban", "region_code": "35.23", "year": 2021, "status": "direncanakan",
                          "mechanism": ["kunjungan-studi"]},
                         {"region": "Kabupaten Banyuwangi", "region_code": "35.10", "year": 2022, "status": "uji-coba",
                          "source": SOURCE},
                         {"region": "Kabupaten Jember", "region_code": "35.09", "year": 2019, "status": "berhenti",
                          "source": SOURCE}])
    write_innovation(root, "klinik-lamongan", title="Klinik Desa Lamongan", region="Kabupaten Lamongan",
                     region_code="35.24", agency="Dinas PMD Kabupaten Lamongan", sectors=["pemberdayaan-masyarakat-desa"],
                     year=2020, replicated_from={"innovation": "klinik-desa", "status": "berjalan",
                                                 "mechanism": ["pendampingan-teknis"], "source": SOURCE})
    write_innovation(root, "klinik-sidoarjo", title="Klinik Desa Sidoarjo", region="Kabupaten Sidoarjo",
                     region_code="35.15", agency="Dinas PMD Kabupaten Sidoarjo", sectors=["pemberdayaan-masyarakat-desa"],
                     year=2021, replicated_from="klinik-desa")
    write_innovation(root, "surabaya-daring", title="Surabaya Daring", region="Kota Surabaya", region_code="35.78",
                     agency="Diskominfo Kota Surabaya", sectors=["komunikasi-informatika"], year=2019, digital=True,
                     cost={"band": "rendah"}, complexity="rendah")
    write_innovation(root, "program-jatim", title="Program Jatim", region="Provinsi Jawa Timur", region_code="35",
                     sectors=["sosial"], year=2015)
    write_innovation(root, "sleman-sehat", title="Sleman Sehat", region="Kabupaten Sleman", region_code="34.04",
                     agency="Dinas Kesehatan Kabupaten Sleman", sectors=["kesehatan"], year=2018, digital=False)
    write_innovation(root, "jayapura-sehat", title="Jayapura Sehat", region="Kabupaten Jayapura", region_code="91.03",
                     agency="Dinas Kesehatan Kabupaten Jayapura", sectors=["kesehatan"], year=2018)
    write_innovation(root, "banyuwangi-sendiri", title="Inovasi Banyuwangi", region="Kabupaten Banyuwangi",
                     region_code="35.10", agency="Pemkab Banyuwangi", sectors=["kesehatan"], year=2016)
    return root


@pytest.fixture(scope="module")
def rep_app(tmp_path_factory):
    base = tmp_path_factory.mktemp("replication")
    app = published_app(write_catalogue(base / "content"), base / "index")
    yield app
    app.extensions["kb.generations"].close()


@pytest.fixture
def rep(rep_app):
    return rep_app.test_client()


@pytest.fixture(scope="module")
def spec(rep_app):
    return rep_app.test_client().get("/api/openapi.json").get_json()


def check(spec, name: str, payload) -> None:  # noqa: ANN001
    errors = sorted(Draft202012Validator({**spec, "$ref": f"#/components/schemas/{name}"}).iter_errors(payload), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def recommend(client, query: str, spec=None) -> dict:  # noqa: ANN001
    resp = client.get(f"/api/v1/recommendations?{query}&per_page=100")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    data = resp.get_json()
    if spec is not None:
        check(spec, "Recommendations", data)
    return data


def order(data: dict) -> list[str]:
    return [r["slug"] for r in data["results"]]


def reasons(data: dict, slug: str) -> list[str]:
    return next(r["reasons"] for r in data["results"] if r["slug"] == slug)


# -- "fits my regency" ----------------------------------------------------------------------------------------
def test_region_own_and_running_innovations_are_apart_not_ranked(rep, spec):
    data = recommend(rep, "region=35.10", spec)
    assert data["region"]["name"] == "Kabupaten Banyuwangi" and data["region"]["kind"] == "kabupaten"
    assert data["region"]["population"] == 1791789 and data["region"]["province"]["code"] == "35"
    here = {h["slug"]: (h["relation"], h["status"]) for h in data["here"]}
    assert here == {"banyuwangi-sendiri": ("origin", None), "klinik-desa": ("replica", "uji-coba")}
    assert not set(here) & set(order(data))
    assert data["total"] == len(data["results"]) == 6  # every other write-up is ranked: none hidden


def test_ranking_prefers_similar_nearby_regions_and_says_why(rep):
    data = recommend(rep, "region=35.10")
    ranked = order(data)
    # Similar-sized East Java regencies first; the small, distant Papuan regency after the Javanese ones.
    assert ranked.index("klinik-lamongan") < ranked.index("sleman-sehat") < ranked.index("jayapura-sehat")
    assert ranked.index("klinik-sidoarjo") < ranked.index("jayapura-sehat")
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    lamongan = reasons(data, "klinik-lamongan")
    assert "Kabupaten dengan jumlah penduduk serupa (1,4 juta vs 1,8 juta)" in lamongan
    assert "Dari provinsi yang sama (Jawa Timur)" in lamongan and "Sama-sama kabupaten" in lamongan
    assert "Dari kawasan yang sama (Jawa)" in reasons(data, "sleman-sehat")
    assert "Jumlah penduduk jauh berbeda (204 ribu vs 1,8 juta)" in reasons(data, "jayapura-sehat")
    assert "Program tingkat provinsi" in reasons(data, "program-jatim")
    surabaya = reasons(data, "surabaya-daring")
    assert {"Biaya rendah", "Mudah direplikasi (kompleksitas rendah)", "Digital: butuh layanan daring",
            "Berasal dari kota; cocokkan skalanya"} <= set(surabaya)


def test_reasons_count_replications_by_status_and_name_plans_here(rep):
    data = recommend(rep, "region=35.23")  # Tuban: a study visit to Klinik Desa is planned there
    klinik = reasons(data, "klinik-desa")
    assert "Sudah direncanakan di daerah Anda (belum berjalan)" in klinik
    # Lamongan (running), Banyuwangi (pilot) and Sidoarjo (no status) are regencies of the same province.
    assert "Sudah direplikasi oleh 3 kabupaten/kota di provinsi Anda" in klinik
    assert {"Berjalan di 1 daerah replika", "Diuji coba di 1 daerah lain", "Replikasi berhenti di 1 daerah",
            "Direplikasi di 1 daerah lain (status belum tercatat)", "Masih berjalan di daerah asal",
            "Penghargaan: Kompetisi Inovasi Pelayanan Publik (KIPP) 2019"} <= set(klinik)
    assert not any("Direncanakan di" in r for r in klinik)  # the plan is here, not elsewhere
    assert klinik.index("Sudah direplikasi oleh 3 kabupaten/kota di provinsi Anda") < \
        klinik.index("Replikasi berhenti di 1 daerah")  # reasons for come before reasons against
    english = rep.get("/api/v1/recommendations?region=35.23&lang=en&per_page=100").get_json()
    assert "Already planned in your region (not running yet)" in reasons(english, "klinik-desa")
    assert "Running in 1 replicating region" in reasons(english, "klinik-desa")


def test_weights_and_preferences_change_the_order_never_the_set(rep):
    default = order(recommend(rep, "region=35.10"))
    cheap = order(recommend(rep, "region=35.10&size=0&nearby=0&proven=0&awards=0&cost=3"))
    assert cheap[0] == "surabaya-daring" != default[0]
    assert sorted(cheap) == sorted(default)
    health = order(recommend(rep, "region=35.10&sector=kesehatan&size=0&nearby=0&proven=0&awards=0&cost=0"))
    assert set(health[:2]) == {"sleman-sehat", "jayapura-sehat"} and sorted(health) == sorted(default)
    digital = order(recommend(rep, "region=35.10&digital=ya&size=0&nearby=0&proven=0&awards=0&cost=0"))
    assert digital[0] == "surabaya-daring"
    offline = recommend(rep, "region=35.10&digital=tidak&size=0&nearby=0&proven=0&awards=0&cost=0")
    assert order(offline)[0] == "sleman-sehat" and "Tanpa layanan daring" in reasons(offline, "sleman-sehat")
    silent = recommend(rep, "region=35.10&size=0")
    assert not any("penduduk" in r for r in reasons(silent, "klinik-lamongan"))  # a factor set to 0 says nothing
    assert silent["weights"]["size"] == 0


@pytest.mark.parametrize(("query", "status"), [
    ("region=99.99", 404), ("region=35.99", 404), ("region=36.10", 404), ("", 400), ("region=", 400),
    ("region=abc", 400), ("region=35.1", 400), ("region=35.10.01", 400), ("region=35.10&size=4", 400),
    ("region=35.10&size=x", 400), ("region=35.10&digital=mungkin", 400), ("region=35.10&sector=tidak-ada", 400),
    ("region=35.10&page=0", 400), ("region=35.10&per_page=101", 400)])
def test_bad_or_unknown_regions_are_clean_4xx(rep, spec, query, status):
    resp = rep.get(f"/api/v1/recommendations?{query}")
    assert resp.status_code == status and resp.is_json
    check(spec, "Error", resp.get_json())


def test_region_page_ranks_shows_reasons_and_remembers_the_region(rep):
    resp = rep.get("/untuk/35.10")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "untuk=35.10" in resp.headers["Set-Cookie"]
    here = html[html.index('id="here-h"'): html.index('class="tune"')]
    assert "Inovasi Banyuwangi" in here and "Klinik Desa Gresik" in here and "Uji coba" in here
    ranked = html[html.index('id="rank-h"'):]
    assert "Inovasi Banyuwangi" not in ranked and "Klinik Desa Gresik" not in ranked
    assert ranked.index("Klinik Desa Lamongan") < ranked.index("Jayapura Sehat")
    assert "Kabupaten dengan jumlah penduduk serupa (1,4 juta vs 1,8 juta)" in ranked
    assert "1.791.789 jiwa" in html and "Kepmendagri" in html  # the figures and their source
    picker = rep.get("/untuk").get_data(as_text=True)  # the test client sends the cookie back
    assert 'Daerah Anda: <a href="/untuk/35.10">Kabupaten Banyuwangi</a>' in picker
    english = rep.get("/untuk/35.10?lang=en&cost=3&sector=kesehatan").get_data(as_text=True)
    assert "Regency with a similar population (1.4 million vs 1.8 million)" in english
    assert 'value="kesehatan" checked' in english and "<details class=\"tune\" open>" in english
    assert rep.get("/untuk/99.99").status_code == 404
    assert rep.get("/untuk/35.10?size=9").status_code == 400


def test_picker_finds_regions_by_name_code_or_choice(rep):
    one = rep.get("/untuk?wilayah=banyuwangi")
    assert one.status_code == 303 and one.headers["Location"].endswith("/untuk/35.10")
    assert rep.get("/untuk?wilayah=Kota+Malang+(35.73)").headers["Location"].endswith("/untuk/35.73")
    assert rep.get("/untuk?wilayah=35").headers["Location"].endswith("/untuk/35")
    both = rep.get("/untuk?wilayah=malang").get_data(as_text=True)
    found = both[both.index('id="found-h"'): both.index('id="all-h"')]
    assert "Kabupaten Malang" in found and "Kota Malang" in found
    none = rep.get("/untuk?wilayah=atlantis").get_data(as_text=True)
    assert "Tidak ada daerah dengan nama itu" in none
    every = rep.get("/untuk").get_data(as_text=True)
    assert every.count('<option value="') == 552 and "/untuk/91.03" in every  # all provinces, regencies, cities


# -- the network ------------------------------------------------------------------------------------------------
class Rows(HTMLParser):
    """The cells of the replication table, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.inside = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag == "table" and "replications" in (dict(attrs).get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell = []

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "table":
            self.inside = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):  # noqa: ANN001
        if self.cell is not None:
            self.cell.append(data + " ")


def test_network_lists_every_replication_with_its_status(rep):
    html = rep.get("/replikasi").get_data(as_text=True)
    parser = Rows()
    parser.feed(html)
    rows = [r for r in parser.rows if r]
    by_region = {row[1].split(" ")[1]: row for row in rows}  # "Kabupaten Lamongan ..." -> "Lamongan"
    assert len(rows) == 5  # four entries of the original, plus Sidoarjo's own write-up (Lamongan's is merged)
    assert by_region["Lamongan"][3] == "Berjalan"  # status from the replica's write-up
    assert "Pendampingan teknis" in by_region["Lamongan"][1] and "Klinik Desa Lamongan" in by_region["Lamongan"][1]
    assert by_region["Tuban"][3] == "Direncanakan"  # a study visit: never shown as running
    assert by_region["Banyuwangi"][3] == "Uji coba" and by_region["Jember"][3] == "Berhenti"
    assert by_region["Sidoarjo"][3] == "Status belum tercatat" and by_region["Sidoarjo"][4] == "tulisan replika"
    assert "Berita replikasi" in by_region["Banyuwangi"][4]
    picture = html[html.index('<svg class="chart network"'): html.index("</svg>", html.index('class="chart network"'))]
    assert picture.count('<path class="edge') == 5
    assert picture.count('class="edge st-berjalan"') == 1 and 'st-direncanakan" d=' in picture
    assert 'stroke-dasharray="2 3"' in picture  # a plan is drawn dotted
    assert "5 replikasi terdokumentasi: 1 inovasi ditiru di 5 daerah." in html
    provinces = html[html.index('id="prov-h"'): html.index('id="sector-h"')]
    assert re.search(r"Jawa Timur</a> <span class=\"count\">5<", provinces)


# -- statistics -------------------------------------------------------------------------------------------------
def test_stats_equal_the_search_facets(rep, spec):
    stats = rep.get("/api/v1/stats").get_json()
    check(spec, "Stats", stats)
    search = rep.get("/api/v1/search?per_page=1").get_json()
    assert stats["total"] == search["total"] == 8
    for name in ("sector", "province", "year", "award"):
        mine = {row["value"]: row["count"] for row in stats[f"by_{name}"]}
        facet = {row["value"]: row["count"] for row in search["facets"][name]}
        assert mine == facet, name
        labels = {row["value"]: row["label"] for row in stats[f"by_{name}"]}
        assert labels == {row["value"]: row["label"] for row in search["facets"][name]}
    assert [row["value"] for row in stats["by_year"]] == sorted(row["value"] for row in stats["by_year"])
    reps = stats["replications"]
    assert reps["total"] == 5
    assert {row["value"]: row["count"] for row in reps["by_status"]} == {
        "direncanakan": 1, "uji-coba": 1, "berjalan": 1, "berhenti": 1, "tidak-diketahui": 1}
    assert {row["year"]: row["count"] for row in reps["by_year"]} == {2019: 1, 2020: 1, 2021: 2, 2022: 1}


def test_statistics_page_has_charts_and_tables(rep):
    html = rep.get("/statistik").get_data(as_text=True)
    assert html.count('<svg class="chart') == 5  # sector, province, year, award, replications per year
    assert html.count("<table") == 5 and 'aria-hidden="true"' in html
    sector_table = html[html.index('id="sector"'): html.index('id="province"')]
    assert re.search(r"<td>Pemberdayaan Masyarakat dan Desa</td><td>3</td>", sector_table)
    english = rep.get("/statistik?lang=en").get_data(as_text=True)
    assert "Replications per year" in english and "Status not recorded" in english


# -- the replicated_from mapping -------------------------------------------------------------------------------
def test_replicated_from_mapping_is_served(rep, spec):
    data = rep.get("/api/v1/innovations/klinik-lamongan").get_json()
    check(spec, "Innovation", data)
    assert data["replicated_from"] == "klinik-desa"
    assert data["replicated_from_details"]["status"] == "berjalan"
    assert data["replicated_from_details"]["mechanism"] == ["pendampingan-teknis"]
    plain = rep.get("/api/v1/innovations/klinik-sidoarjo").get_json()
    assert plain["replicated_from"] == "klinik-desa" and "replicated_from_details" not in plain
    assert rep.get("/api/v1/innovations/klinik-desa").get_json()["replication_count"] == 4  # five documented, one only planned (Tuban): not counted




@pytest.mark.parametrize(("extra", "line", "field", "message", "error"), [
    ("replicated_from:\n  innovation: baik\n  status: jalan\n", 13, "replicated_from.status",
     "'jalan' is not an allowed value", True),
    ("replicated_from: [baik]\n", 11, "replicated_from",
     "expected the innovation alone or a mapping of fields with innovation:, got a list", True),
    ("replicated_from:\n  status: berjalan\n", 11, "replicated_from.innovation", "required field is missing", True),
    ("replicated_from:\n  innovation: tidak-ada\n", 12, "replicated_from",
     "'tidak-ada' is not the slug of any innovation", True),
    ("replicated_from:\n  innovation: baik\n  mechanism: [telepati]\n", 13, "replicated_from.mechanism[1]",
     "'telepati' is not an allowed value", True),
    ("replicated_from:\n  innovation: baik\n  status: berjalan\n", 13, "replicated_from.status",
     "'berjalan' needs a source that says so", False),
    ("replications:\n  - region: Kota Malang\n    status: uji-coba\n", 13, "replications[1].status",
     "'uji-coba' needs a source that says so", False),
])
def test_replication_facts_are_validated_with_lines(tmp_path, extra, line, field, message, error):
    root = tmp_path / "content"
    write_innovation(root, "baik")
    path = root / "innovations" / "rumah-layak.md"
    path.write_text(f"---\n{BASE}{extra}---\n## Latar Belakang\n", encoding="utf-8")
    cat = load_catalogue(root)
    found = [str(i) for i in (cat.errors if error else cat.warnings)
             if str(i).startswith(f"{path}:{line}: {field}: ") and message in str(i)]
    assert found, [str(i) for i in cat.issues]
    assert ("rumah-layak" in cat.innovations) is not error


def test_replicated_from_mapping_keeps_its_facts(tmp_path):
    root = write_catalogue(tmp_path / "content")
    cat = load_catalogue(root)
    assert not cat.errors, cat.errors
    replica = cat.innovations["klinik-lamongan"]
    assert replica.replicated_from == "klinik-desa"
    assert replica.replicated_from_details.status == "berjalan"
    assert cat.replication_count(cat.innovations["klinik-desa"]) == 4  # the planned Tuban entry is not a replication yet


def test_network_table_is_paged(rep, monkeypatch):
    from kb.web import replications

    monkeypatch.setattr(replications, "TABLE_PAGE", 2)
    seen = []
    for page, rows in ((1, 2), (2, 2), (3, 1)):
        html = rep.get(f"/replikasi?page={page}").get_data(as_text=True)
        parser = Rows()
        parser.feed(html)
        cells = [r for r in parser.rows if r]
        assert f"Halaman {page} dari 3" in html and len(cells) == rows
        picture = html[html.index('class="chart network"'):]
        assert picture[: picture.index("</svg>")].count('<path class="edge') == 5  # always every replication
        seen += [(r[0], r[1]) for r in cells]
    assert len(set(seen)) == 5
    assert rep.get("/replikasi?page=4").status_code == 404
    assert rep.get("/replikasi?page=abc").status_code == 400


def test_network_picture_keeps_the_most_connected_when_large(tmp_path):
    from kb.replication import Snapshot, network

    snap = Snapshot.build(load_catalogue(write_catalogue(tmp_path / "content")).innovations.values())
    full = network.layout(snap, {})
    assert len(full.edges) == full.total_links == 5 and len(full.nodes) == 6
    small = network.layout(snap, {}, max_nodes=2)
    assert small.total_links == 5 and len(small.edges) == 2  # one original, two of its five regions
    assert all(0 <= n.y <= small.height and 0 <= n.x <= small.width for n in small.nodes)
    counts = network.counts(snap)
    assert dict(counts.by_status)["berjalan"] == 1 and counts.by_sector == [("pemberdayaan-masyarakat-desa", 5)]


def test_plans_are_not_counted_as_replications(tmp_path):
    """`replication_count` (home page "most replicated", API, ranking) leaves out what is only planned, whichever
    side says so: the original's entry, or the replica's own `replicated_from` when the entry states no status."""
    root = tmp_path / "content"
    write_award(root, "sinovik", "Kompetisi Inovasi Pelayanan Publik (KIPP)")
    write_innovation(root, "asal", title="Asal", region="Kabupaten Gresik", region_code="35.25",
                     replications=[{"region": "Kabupaten Tuban", "status": "direncanakan"},
                                   {"region": "Kabupaten Lamongan", "innovation": "rencana-lamongan"},
                                   {"region": "Kabupaten Jember", "status": "berjalan", "source": SOURCE},
                                   {"region": "Kabupaten Kediri"}])
    write_innovation(root, "rencana-lamongan", title="Rencana Lamongan", region="Kabupaten Lamongan",
                     region_code="35.24", replicated_from={"innovation": "asal", "status": "direncanakan"})
    write_innovation(root, "kunjungan-sidoarjo", title="Kunjungan Sidoarjo", region="Kabupaten Sidoarjo",
                     region_code="35.15", replicated_from={"innovation": "asal", "status": "direncanakan"})
    write_innovation(root, "replika-blitar", title="Replika Blitar", region="Kabupaten Blitar", region_code="35.05",
                     replicated_from="asal")
    cat = load_catalogue(root)
    assert not cat.errors, cat.errors
    assert cat.replication_count(cat.innovations["asal"]) == 3  # Jember, Kediri (no status), Blitar's write-up
    app = published_app(root, tmp_path / "index")
    assert app.test_client().get("/api/v1/innovations/asal").get_json()["replication_count"] == 3
