"""Processes for the multi-process search tests (forked from the suite's process server)."""
import time

from mpp_digital import create_app
from mpp_digital.catalogue.import_export import import_rows
from mpp_digital.extensions import begin_write, db
from mpp_digital.search import get_index
from mpp_digital.search.operations import SearchRequest, search

from ..conftest import BASE_CONFIG


def _app(database_url, index_dir):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                       "SEARCH_INDEX_DIR": index_dir})


def row(writer, number):
    return {"mpp": "kota-kediri", "agency": "dpmptsp", "service": f"uji-w{writer}n{number}",
            "name": f"Layanan uji penulis {writer} nomor {number}", "category": "perizinan",
            "requirements": ["KTP-el"], "procedure": ["Datang ke loket"], "duration_value": 1,
            "duration_unit": "days", "fee": 0, "product": "Surat", "legal_basis": ["Perda"],
            "online_mode": "visit_only", "keywords": f"w{writer}n{number}"}


def wait_for(check, timeout=60):
    """Poll until `check()` holds; False when the deadline passes first."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def write_services(database_url, index_dir, writer, count, searched, results):
    """Add `count` services one commit at a time; each commit updates the shared index.

    The writer starts once the searcher has searched, and writes its last service only after
    the searcher has searched again: the searches and the writes overlap whatever the timing.
    """
    app = _app(database_url, index_dir)
    errors = []
    if not wait_for(lambda: searched.value >= 1):
        errors.append("the searcher never searched")
    seen = searched.value
    with app.app_context():
        for number in range(count):
            if number == count - 1 and not wait_for(lambda: searched.value > seen):
                errors.append("the searcher stopped searching while the writers wrote")
            try:
                begin_write(db.session)
                import_rows(db.session, [(f"w{writer}", row(writer, number))])
                db.session.commit()
            except Exception as exc:           # reported to the test, which fails on any
                db.session.rollback()
                errors.append(repr(exc))
        db.engine.dispose()
    results.put((writer, errors))


def keep_searching(database_url, index_dir, stop, searched, results):
    """Search until told to stop; report failures and answers that did not come from the index."""
    app = _app(database_url, index_dir)
    failures = []
    with app.app_context():
        while not stop.is_set():
            try:
                outcome = search(get_index(), db.session, SearchRequest("paspor ktp uji penulis"))
                if not outcome.from_index or not outcome.hits:
                    failures.append(f"from_index={outcome.from_index} hits={len(outcome.hits)}")
            except Exception as exc:
                failures.append(repr(exc))
            db.session.remove()
            with searched.get_lock():
                searched.value += 1
        db.engine.dispose()
    results.put(("searcher", failures))
