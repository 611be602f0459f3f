"""Search at national scale: our search against a plain SQL LIKE search and SQLite FTS5.

Builds a catalogue with an MPP in each of the 514 kabupaten/kota and about 100 offerings each
(most of them the same national services, some local), then runs tests/search/queries.csv
through each engine and prints latency, throughput and top-3 success. Times are measured, not
asserted; run it on a quiet machine:

    .venv/bin/python -m bench.search [--rounds 5] [--seed 7]
"""
import argparse
import csv
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path


from sqlalchemy import func, insert, select, update

from mpp_digital import create_app
from mpp_digital.catalogue.demo import demo_rows
from mpp_digital.catalogue.models import (Agency, Mpp, Offering, Region, Service)
from mpp_digital.catalogue.import_export import import_rows
from mpp_digital.catalogue.operations import load_regions
from mpp_digital.extensions import begin_write, db
from mpp_digital.search import get_index
from mpp_digital.search.analysis import words
from mpp_digital.search.operations import SearchRequest, search

ROOT = Path(__file__).resolve().parent.parent

QUERIES = ROOT / "tests" / "search" / "queries.csv"

# Synthetic national services: permits and letters that share words with the real ones, so
# that ranking has to work ("izin", "usaha", "perpanjangan", "surat", "kartu" …).
ACTIONS = ["Penerbitan", "Perpanjangan", "Perubahan", "Pencabutan", "Legalisasi",
           "Rekomendasi", "Pendaftaran", "Penggantian"]
OBJECTS = ["izin usaha mikro kecil", "izin praktik perawat", "izin praktik apoteker",
           "izin praktik dokter", "tanda daftar gudang", "izin trayek angkutan",
           "rekomendasi teknis jalan", "persetujuan lingkungan", "surat keterangan usaha",
           "izin usaha toko swalayan", "sertifikat laik fungsi", "izin operasional sekolah",
           "kartu pencari kerja", "surat keterangan tidak mampu", "izin tempat penjualan obat",
           "izin pemakaman", "izin usaha perikanan", "tanda daftar usaha pariwisata",
           "surat izin penelitian kesehatan", "izin klinik pratama", "kartu tani",
           "izin penyelenggaraan keramaian", "izin usaha jasa konstruksi",
           "surat keterangan domisili usaha", "persetujuan bangunan gedung"]
LOCAL = ["Retribusi pasar {r}", "Izin pemanfaatan ruang milik jalan {r}",
         "Rekomendasi air tanah {r}", "Izin usaha pariwisata lokal {r}",
         "Pelayanan terpadu UMKM {r}", "Pendaftaran koperasi {r}", "Izin kios {r}",
         "Sewa gedung pertemuan {r}"]


def build_catalogue(app, rng):
    """514 MPPs; each gets the real services of the agencies it hosts, ~50 synthetic national
    services and 8 of its own. Returns the number of services and offerings."""
    with app.app_context():
        db.create_all()
        load_regions(db.session)
        regions = db.session.scalars(select(Region).order_by(Region.code)).all()
        db.session.execute(insert(Mpp), [
            {"region_code": r.code, "slug": r.slug, "name": f"Mal Pelayanan Publik {r.name}",
             "address": f"Jl. Merdeka 1, {r.name}", "phone": "(0000) 000000"}
            for r in regions])
        first_rows = {}
        for row in demo_rows():                    # the 42 real services, each once
            first_rows.setdefault(row["service"], row)
        import_rows(db.session, [(f"demo {i}", r) for i, r in enumerate(first_rows.values())])
        db.session.commit()
        dpmptsp = db.session.scalar(select(Agency.id).where(Agency.slug == "dpmptsp"))
        synthetic = []
        for action in ACTIONS:
            for obj in OBJECTS:
                slug = f"{action} {obj}".lower().replace(" ", "-")
                synthetic.append({
                    "agency_id": dpmptsp, "slug": slug, "name": f"{action} {obj}",
                    "category": "perizinan", "summary": f"{action} {obj} bagi warga dan pelaku usaha.",
                    "requirements": ["KTP-el", "Surat permohonan"], "procedure": ["Datang"],
                    "duration_value": 3, "duration_unit": "days", "fee": 0, "fee_note": "",
                    "product": f"Surat {obj}", "legal_basis": ["Peraturan daerah"],
                    "online_mode": "visit_only", "keywords": ""})
        db.session.execute(insert(Service), synthetic)
        mpps = db.session.execute(select(Mpp.id, Mpp.slug, Region.name)
                                  .join(Mpp.region)).all()
        local = [{"agency_id": dpmptsp, "slug": f"{template.split()[0].lower()}-{i}-{slug}",
                  "name": template.format(r=region), "category": "umum",
                  "summary": "", "requirements": ["KTP-el"], "procedure": ["Datang"],
                  "duration_value": 1, "duration_unit": "days", "fee": 0, "fee_note": "",
                  "product": "Surat", "legal_basis": ["Peraturan daerah"],
                  "online_mode": "visit_only", "keywords": ""}
                 for _, slug, region in mpps for i, template in enumerate(LOCAL)]
        db.session.execute(insert(Service), local)
        by_slug = dict(db.session.execute(select(Service.slug, Service.id)).all())
        agency_of = dict(db.session.execute(select(Service.id, Agency.slug)
                                            .join(Service.agency)).all())
        real_ids = [by_slug[s] for s in first_rows]
        synthetic_ids = [by_slug[s["slug"]] for s in synthetic]
        all_agencies = sorted({agency_of[i] for i in real_ids})
        existing = set(db.session.execute(select(Offering.mpp_id, Offering.service_id)).all())
        offerings = []
        for mpp_id, slug, _ in mpps:
            present = set(rng.sample(all_agencies, rng.randint(8, len(all_agencies))))
            chosen = [i for i in real_ids if agency_of[i] in present]
            chosen += rng.sample(synthetic_ids, 100 - 8 - len(chosen))
            chosen += [by_slug[f"{t.split()[0].lower()}-{i}-{slug}"]
                       for i, t in enumerate(LOCAL)]
            offerings += [{"mpp_id": mpp_id, "service_id": sid, "bookable": False,
                           "slot_minutes": 15, "seats_per_slot": 1, "walkin_share": 20,
                           "horizon_days": 14, "cutoff_minutes": 60, "notes": ""}
                          for sid in chosen if (mpp_id, sid) not in existing]
        db.session.execute(insert(Offering), offerings)
        db.session.commit()
        return (db.session.scalar(select(func.count(Service.id))),
                db.session.scalar(select(func.count(Offering.id))))


class LikeSearch:
    """The plain baseline: services whose name or keywords contain the typed words."""
    name = "SQL LIKE"

    def __init__(self, path):
        self.conn = sqlite3.connect(path)

    def top3(self, text):
        typed = words(text)
        if not typed:
            return []
        hay = "lower(name || ' ' || coalesce(name_en, '') || ' ' || keywords)"
        score = " + ".join(f"({hay} LIKE ?)" for _ in typed)
        rows = self.conn.execute(
            f"SELECT slug FROM service WHERE ({score}) > 0 ORDER BY ({score}) DESC, name LIMIT 3",
            [f"%{w}%" for w in typed] * 2).fetchall()
        return [r[0] for r in rows]


class Fts5Search:
    """SQLite FTS5 with the unicode61 tokenizer over the same fields, ranked by bm25."""
    name = "SQLite FTS5 (unicode61)"

    def __init__(self, path):
        self.conn = sqlite3.connect(path)
        self.conn.executescript("""
            CREATE VIRTUAL TABLE service_fts USING fts5(
                slug UNINDEXED, name, name_en, keywords, agency, body,
                tokenize = 'unicode61 remove_diacritics 2');
            INSERT INTO service_fts
            SELECT s.slug, s.name, coalesce(s.name_en, ''), s.keywords,
                   a.short_name || ' ' || a.name, s.summary || ' ' || s.product
            FROM service s JOIN agency a ON a.id = s.agency_id;
            INSERT INTO service_fts(service_fts) VALUES ('optimize');
        """)

    def top3(self, text):
        typed = words(text)
        if not typed:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in typed)
        rows = self.conn.execute(
            "SELECT slug FROM service_fts WHERE service_fts MATCH ? "
            "ORDER BY bm25(service_fts, 0, 3.0, 2.0, 2.0, 1.0, 0.4) LIMIT 3", [match]).fetchall()
        return [r[0] for r in rows]


class OurSearch:
    name = "MPP Digital (Whoosh + Sastrawi)"

    def __init__(self, app):
        self.app = app
        self.index = get_index(app)

    def top3(self, text):
        outcome = search(self.index, db.session, SearchRequest(text, limit=3))
        return [hit.service.slug for hit in outcome.hits]


def _percentiles(latencies):
    latencies = sorted(latencies)
    return (statistics.median(latencies) * 1000,
            latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000)


def measure(engine, cases, rounds):
    """First pass: each query once, as a cold cache sees it, and top-3 success; then rounds."""
    cold, hits = [], 0
    for case in cases:
        t0 = time.perf_counter()
        found = engine.top3(case["query"])
        cold.append(time.perf_counter() - t0)
        hits += case["expected"] in found
    warm = []
    started = time.perf_counter()
    for _ in range(rounds):
        for case in cases:
            t0 = time.perf_counter()
            engine.top3(case["query"])
            warm.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    return {"cold": _percentiles(cold), "warm": _percentiles(warm),
            "qps": len(warm) / elapsed, "top3": hits / len(cases)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the queries")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with QUERIES.open(encoding="utf-8") as fh:
        cases = list(csv.DictReader(fh))
    with tempfile.TemporaryDirectory(prefix="mpp-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                          "SEARCH_INDEX_DIR": str(Path(tmp) / "index")},
                         instance_path=tmp)
        t0 = time.perf_counter()
        services, offerings = build_catalogue(app, rng)
        built = time.perf_counter() - t0
        with app.app_context():
            print(f"catalogue: 514 MPPs, {services} services, {offerings} offerings "
                  f"(built in {built:.1f} s)")
            print(f"queries: {len(cases)} from {QUERIES.relative_to(ROOT)}, "
                  f"{args.rounds} timed rounds each")
            compare(app, path, Path(tmp), cases, args.rounds,
                    "with the demo's keywords (colloquial words curated per service)")
            begin_write(db.session)
            db.session.execute(update(Service).values(keywords=""))
            db.session.commit()
            compare(app, path, Path(tmp), cases, args.rounds,
                    "without keywords, as a spreadsheet import usually arrives")


def compare(app, path, tmp, cases, rounds, title):
    t0 = time.perf_counter()
    get_index(app).rebuild(db.session)
    indexed = time.perf_counter() - t0
    current = tmp / "index" / get_index(app).current_generation()
    size = sum(p.stat().st_size for p in current.iterdir() if p.is_file())
    sqlite3.connect(path).execute("DROP TABLE IF EXISTS service_fts")
    t0 = time.perf_counter()
    fts = Fts5Search(path)
    fts_built = time.perf_counter() - t0
    print(f"\n### {title}\n")
    print(f"our index: {indexed:.1f} s to build, {size / 1e6:.1f} MB; "
          f"FTS5 table: {fts_built:.2f} s\n")
    print(f"| {'engine':<32} | first p50 | first p95 | again p50 | again p95 | "
          f"queries/s | top-3 |")
    print("|" + "|".join("-" * w for w in (34, 11, 11, 11, 11, 11, 7)) + "|")
    for engine in (OurSearch(app), LikeSearch(path), fts):
        r = measure(engine, cases, rounds)
        print(f"| {engine.name:<32} | {r['cold'][0]:6.2f} ms | {r['cold'][1]:6.2f} ms | "
              f"{r['warm'][0]:6.2f} ms | {r['warm'][1]:6.2f} ms | {r['qps']:9.0f} | "
              f"{r['top3']:5.1%} |")
    print("\nfirst: each query's first run (our result cache is empty); again: the same "
          "queries repeated, as popular searches are.")


if __name__ == "__main__":
    main()
