import csv
import io
import json

import pytest
from sqlalchemy import func, select

from mpp_digital.catalogue.models import Agency, Offering, Service
from mpp_digital.extensions import db

HEADER = ("mpp,agency,agency_name,agency_short_name,service,name,category,requirements,procedure,"
          "duration_value,duration_unit,fee,product,legal_basis,online_mode,online_url,queue,"
          "bookable,daily_quota,hours\n")

GOOD_ROWS = [
    # a new local agency and service
    'kota-kediri,dishub,Dinas Perhubungan,Dishub,uji-kir,Uji berkala kendaraan (KIR),kendaraan,'
    '"Buku uji lama\nSTNK asli\nKTP-el","Daftar di loket\nUji kendaraan\nAmbil buku uji",'
    '1,days,87000,Buku uji dan kartu uji,Perda Kota Kediri tentang retribusi,visit_only,,K,'
    'false,40,2 08:00-12:00; 4 08:00-12:00',
    # an existing national service, now also at Kota Mataram with a quota
    'kota-mataram,kesbangpol,,,rekomendasi-penelitian,Rekomendasi izin penelitian,umum,'
    '"Surat pengantar dari perguruan tinggi atau lembaga\nProposal penelitian\n'
    'Fotokopi KTP-el peneliti","Serahkan berkas di loket Kesbangpol\nVerifikasi\n'
    'Surat rekomendasi diterbitkan",3,days,0,Surat rekomendasi penelitian,'
    'Permendagri 3/2018 tentang Penerbitan Surat Keterangan Penelitian,visit_only,,,,,',
]


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Agency, Service, Offering))


def _counts_in(app):
    with app.app_context():
        return _counts()


def test_a_good_csv_adds_agencies_services_and_offerings(app, runner, tmp_path):
    before = _counts_in(app)
    path = _write(tmp_path, "kediri.csv", HEADER + "\n".join(GOOD_ROWS) + "\n")
    result = runner.invoke(args=["catalogue", "import", path])
    assert result.exit_code == 0, result.output
    assert "2 baris: 1 layanan MPP baru" in result.output
    assert _counts_in(app) == (before[0] + 1, before[1] + 1, before[2] + 1)
    page = app.test_client().get("/mpp/kota-kediri/layanan/uji-kir").get_data(as_text=True)
    assert "Rp87.000" in page and "<li>Buku uji lama</li>" in page
    assert '<th scope="row">Selasa, Kamis</th>' in page and "08.00–12.00" in page


def test_importing_the_same_file_twice_changes_nothing(app, runner, tmp_path):
    path = _write(tmp_path, "kediri.csv", HEADER + "\n".join(GOOD_ROWS) + "\n")
    runner.invoke(args=["catalogue", "import", path])
    after_first = _counts_in(app)
    second = runner.invoke(args=["catalogue", "import", path])
    assert second.exit_code == 0
    assert "0 layanan MPP baru, 0 diperbarui, 2 tetap; 0 standar layanan baru, 0 diperbarui; " \
           "0 instansi baru" in second.output
    assert _counts_in(app) == after_first


def test_a_bad_row_is_reported_by_number_and_nothing_is_imported(app, runner, tmp_path):
    before = _counts_in(app)
    bad = GOOD_ROWS[0].replace(",87000,", ",-5,").replace("uji-kir", "uji-kir-2")
    path = _write(tmp_path, "bad.csv", HEADER + "\n".join([GOOD_ROWS[0], bad]) + "\n")
    result = runner.invoke(args=["catalogue", "import", path])
    assert result.exit_code == 1
    assert "baris 3: fee:" in result.output      # the header is row 1, as in a spreadsheet
    assert "Tidak ada yang diimpor" in result.output
    assert _counts_in(app) == before


@pytest.mark.parametrize("change, message", [
    (lambda r: r.replace("kota-kediri,", "kota-atlantis,", 1), "mpp: MPP 'kota-atlantis' tidak dikenal"),
    (lambda r: r.replace(",kendaraan,", ",hiburan,"), "category:"),
    (lambda r: r.replace(",1,days,", ",1,fortnights,"), "duration_unit:"),
    (lambda r: r.replace(",1,days,", ",satu,days,"), "duration_value:"),
    (lambda r: r.replace(",visit_only,,K,", ",online,,K,"), "online_url:"),
    (lambda r: r.replace("2 08:00-12:00; 4", "Selasa 08:00-12:00; 4"), "hours: Tidak terbaca"),
    (lambda r: r.replace(",K,", ",k1,"), "queue:"),
    (lambda r: r.replace(",uji-kir,", ",Uji KIR,"), "service:"),
    (lambda r: r.replace("dishub,Dinas Perhubungan,Dishub", "dishub,,"), "agency: instansi 'dishub'"),
])
def test_each_kind_of_bad_row_says_what_is_wrong(app, runner, tmp_path, change, message):
    path = _write(tmp_path, "bad.csv", HEADER + change(GOOD_ROWS[0]) + "\n")
    before = _counts_in(app)
    result = runner.invoke(args=["catalogue", "import", path])
    assert result.exit_code == 1
    assert f"baris 2: {message}" in result.output
    assert _counts_in(app) == before


def test_the_same_service_described_two_ways_in_one_file_is_refused(app, runner, tmp_path):
    other = GOOD_ROWS[0].replace("kota-kediri", "kota-mataram").replace("87000", "90000")
    path = _write(tmp_path, "two.csv", HEADER + GOOD_ROWS[0] + "\n" + other + "\n")
    result = runner.invoke(args=["catalogue", "import", path])
    assert result.exit_code == 1
    assert "baris 3: service: 'uji-kir' dijelaskan berbeda dengan baris 2" in result.output


def test_a_duplicate_offering_row_is_refused(app, runner, tmp_path):
    path = _write(tmp_path, "dup.csv", HEADER + GOOD_ROWS[0] + "\n" + GOOD_ROWS[0] + "\n")
    result = runner.invoke(args=["catalogue", "import", path])
    assert "baris 3: service: 'uji-kir' untuk MPP ini sudah ada di baris 2" in result.output


def test_unknown_columns_are_refused(app, runner, tmp_path):
    path = _write(tmp_path, "x.csv", HEADER.replace("hours\n", "jam\n") + GOOD_ROWS[0] + "\n")
    result = runner.invoke(args=["catalogue", "import", path])
    assert result.exit_code == 1 and "jam: Unknown field" in result.output


def test_a_spreadsheet_saved_with_semicolons_and_a_bom_imports(app, runner, tmp_path):
    rows = list(csv.reader(io.StringIO(HEADER + GOOD_ROWS[0] + "\n")))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_json_import_reports_items_and_is_idempotent(app, runner, tmp_path):
    rows = [{"mpp": "kota-kediri", "agency": "kesbangpol", "service": "rekomendasi-penelitian",
             "name": "Rekomendasi izin penelitian", "category": "umum",
             "requirements": ["Surat pengantar dari perguruan tinggi atau lembaga",
                              "Proposal penelitian", "Fotokopi KTP-el peneliti"],
             "procedure": ["Serahkan berkas di loket Kesbangpol", "Verifikasi",
                           "Surat rekomendasi diterbitkan"],
             "duration_value": 3, "duration_unit": "days", "fee": 0,
             "product": "Surat rekomendasi penelitian",
             "legal_basis": ["Permendagri 3/2018 tentang Penerbitan Surat Keterangan Penelitian"],
             "online_mode": "visit_only", "queue": "L"}]
    path = _write(tmp_path, "k.json", json.dumps(rows))
    first = runner.invoke(args=["catalogue", "import", path])
    assert first.exit_code == 0 and "1 layanan MPP baru, 0 diperbarui, 0 tetap" in first.output
    again = runner.invoke(args=["catalogue", "import", path])
    assert "0 layanan MPP baru, 0 diperbarui, 1 tetap" in again.output
    bad = _write(tmp_path, "bad.json", json.dumps(rows + [{**rows[0], "fee": "gratis"}, "x"]))
    result = runner.invoke(args=["catalogue", "import", bad])
    assert "item 2: fee: Not a valid integer." in result.output
    assert "item 3: _item: Unknown field." in result.output


def test_unreadable_files_are_refused_plainly(app, runner, tmp_path):
    broken = _write(tmp_path, "broken.json", "{not json")
    result = runner.invoke(args=["catalogue", "import", broken])
    assert result.exit_code == 1 and "tidak terbaca" in result.output
    missing = runner.invoke(args=["catalogue", "import", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "none.csv' does not exist" in missing.output


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_imports_back_without_a_change(app, runner, tmp_path, fmt):
    out = tmp_path / f"all.{fmt}"
    result = runner.invoke(args=["catalogue", "export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["catalogue", "import", str(out)])
    assert again.exit_code == 0, again.output
    assert ", 0 diperbarui, 405 tetap; 0 standar layanan baru, 0 diperbarui; 0 instansi" \
        in again.output


def test_export_of_one_mpp_lists_its_offerings_only(app, runner):
    result = runner.invoke(args=["catalogue", "export", "--mpp", "kota-kediri"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["mpp"] for r in rows} == {"kota-kediri"}
    imigrasi = next(r for r in rows if r["service"] == "paspor-biasa")
    assert imigrasi["hours"] == "1-5 08:00-12:00" and imigrasi["daily_quota"] == "50"
    unknown = runner.invoke(args=["catalogue", "export", "--mpp", "atlantis"])
    assert unknown.exit_code == 1 and "MPP 'atlantis' tidak dikenal." in unknown.output
