"""Several processes, one index: writers wait for each other and readers never see a half index."""
import pytest

from mpp_digital import clock, create_app
from mpp_digital.catalogue.import_export import import_rows
from mpp_digital.extensions import db
from mpp_digital.search import get_index
from mpp_digital.search.operations import SearchRequest, search

from ..conftest import BASE_CONFIG
from ..races import PROCESSES
from . import workers


def _slugs(app, text, index=None):
    with app.app_context():
        outcome = search(index or get_index(app), db.session, SearchRequest(text, limit=50))
        db.session.remove()
        return outcome.from_index, [hit.service.slug for hit in outcome.hits]


def _first_from_index(app, text):
    from_index, found = _slugs(app, text)
    return found[0] if from_index and found else None


@pytest.mark.slow
def test_two_processes_write_while_a_third_searches(app, index):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    folder = str(index.folder)
    stop, searched, results = PROCESSES.Event(), PROCESSES.Value("i", 0), PROCESSES.Queue()
    searcher = PROCESSES.Process(target=workers.keep_searching,
                                 args=(url, folder, stop, searched, results))
    writers = [PROCESSES.Process(target=workers.write_services,
                                 args=(url, folder, writer, 8, searched, results))
               for writer in (1, 2)]
    for process in (searcher, *writers):
        process.start()
    reports = dict(results.get(timeout=120) for _ in writers)
    stop.set()
    reports.update([results.get(timeout=60)])
    for process in (searcher, *writers):
        process.join(timeout=30)
    assert reports == {1: [], 2: [], "searcher": []}
    assert searched.value >= 2                  # and some of them while the writers wrote
    for writer in (1, 2):
        for number in range(8):
            assert _slugs(app, f"w{writer}n{number}")[1][:1] == [f"uji-w{writer}n{number}"]


def test_a_change_through_one_machine_is_found_on_another(app, index, tmp_path):
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI":
                        app.config["SQLALCHEMY_DATABASE_URI"],
                        "SEARCH_INDEX_DIR": str(tmp_path / "other-machine")})
    with other.app_context():
        get_index(other).rebuild(db.session)
        db.session.remove()
    assert _slugs(other, "w7n1")[1] == []
    with app.app_context():                               # "machine A" changes the catalogue
        import_rows(db.session, [("a", workers.row(7, 1))])
        db.session.commit()
    assert _slugs(app, "w7n1")[1][:1] == ["uji-w7n1"]     # A's own index, after the commit
    # B looks at the change feed at most once a second: it finds the service soon after.
    assert workers.wait_for(lambda: _first_from_index(other, "w7n1") == "uji-w7n1", timeout=10)
    with other.app_context():
        db.engine.dispose()


def test_a_change_committed_late_with_an_earlier_id_is_still_applied(app, index):
    """Two transactions: the one with the lower change id commits after the other was applied."""
    from mpp_digital.search.models import CatalogueChange
    from mpp_digital.catalogue.models import Service
    from sqlalchemy import select

    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.slug == "paspor-biasa"))
        service_id = service.id
        # Renaming without the feed, as if the change row was still uncommitted elsewhere…
        db.session.execute(Service.__table__.update().where(Service.id == service_id)
                           .values(name="Paspor biasa terlambat"))
        db.session.commit()
        latest = db.session.scalar(select(CatalogueChange.id).order_by(
            CatalogueChange.id.desc()).limit(1)) or 0
        # …then a later change is applied first…
        db.session.add(CatalogueChange(id=latest + 2, service_id=service_id + 1,
                                       changed_at=clock.utc(clock.now())))
        db.session.commit()
        get_index(app).sync(db.session)
        # …and only now the earlier id arrives.
        db.session.add(CatalogueChange(id=latest + 1, service_id=service_id,
                                       changed_at=clock.utc(clock.now())))
        db.session.commit()
        db.session.remove()
    assert _slugs(app, "terlambat")[1][:1] == ["paspor-biasa"]
