"""The daily rollup: reports added up from it equal the reports from the raw ticket events
(counts exactly, percentiles rounded up to their whole minute), whatever part of the period
is rolled up; report pages catch up by themselves; history written into rolled days is
counted again; `flask reports rollup` backfills and rebuilds."""
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from mpp_digital.catalogue.models import Mpp
from mpp_digital.extensions import db
from mpp_digital.queue import operations as queue_ops
from mpp_digital.reports import history, rollup
from mpp_digital.reports import operations as ops
from mpp_digital.reports.models import LineDay, RolledUp

from ..factories import mpp, queue
from .raw import percentile, to_minute

FIRST, LAST = date(2027, 1, 1), date(2027, 2, 28)
# 1 March 2027, 10.00 WIB: yesterday (28 February) is the last complete day.
NOW = datetime(2027, 3, 1, 3, tzinfo=timezone.utc)


def raw(visits):
    """(visits, booked, no-shows, wait p50/p90, service p50/p90) straight from raw times."""
    waits = [v.wait for v in visits if v.wait is not None]
    services = [v.service for v in visits if v.service is not None]
    return (len(visits), sum(v.booked for v in visits), sum(v.no_show for v in visits),
            *(to_minute(percentile(values, p)) for values in (waits, services)
              for p in (50, 90)))


def shown(summary):
    return (summary.visits, summary.booked, summary.no_shows, summary.wait_p50,
            summary.wait_p90, summary.service_p50, summary.service_p90)


def groups(visits, key):
    out = {}
    for visit in visits:
        out.setdefault(key(visit), []).append(visit)
    return {k: raw(v) for k, v in sorted(out.items())}


@pytest.fixture
def two_halls(app):
    """Two generated months at Kota Kediri (WIB) and Kota Mataram (WITA)."""
    app.config["CLOCK"] = NOW
    with app.app_context():
        for slug, seed in (("kota-kediri", 1), ("kota-mataram", 2)):
            history.generate(db.session, mpp(slug), FIRST, LAST, random.Random(seed),
                             per_day=60)
        db.session.commit()
        return [mpp("kota-kediri").id, mpp("kota-mataram").id]


def everything(hall_id):
    hall = db.session.get(Mpp, hall_id)
    report = ops.hall_report(db.session, hall, FIRST, LAST)
    lines, _ = ops.best_times(db.session, hall, date(2027, 3, 1))
    return {
        "total": shown(report.total),
        "by_day": {k: shown(s) for k, s in report.by_day.items()},
        "by_queue": {q.id: shown(s) for q, s in report.by_queue},
        "by_hour": {k: shown(s) for k, s in report.by_hour.items()},
        "national": {k: shown(s) for k, s in
                     ops.national_report(db.session, FIRST, LAST).items()},
        "best": {line.queue.id: (line.best, line.median_wait) for line in lines},
    }


def test_every_report_section_from_the_rollup_equals_the_raw_events(app, two_halls):
    with app.app_context():
        kediri = two_halls[0]
        seen = list(rollup.visits(db.session, FIRST, LAST))
        mine = [v for v in seen if v.mpp_id == kediri]
        live = everything(kediri)
        assert db.session.scalar(select(func.count()).select_from(LineDay)) == 0
        # The raw events, summarised without the rollup, are the reference …
        assert live["total"] == raw(mine)
        assert live["by_day"] == groups(mine, lambda v: v.day)
        assert live["by_queue"] == groups(mine, lambda v: v.queue_id)
        assert live["by_hour"] == groups(mine, lambda v: v.hour)
        assert live["national"] == groups(seen, lambda v: v.mpp_id)
        assert len(live["national"]) == 2 and live["best"]
        # … and every section is the same once the days are rolled up, wholly or in part.
        assert rollup.catch_up(db.session, NOW) > 0
        db.session.commit()
        assert set(db.session.execute(select(RolledUp.mpp_id, RolledUp.through))) >= {
            (kediri, date(2027, 2, 28))}
        assert everything(kediri) == live
        rollup.forget(db.session, kediri, date(2027, 2, 1))
        assert everything(kediri) == live
        rollup.roll_up(db.session, FIRST, date(2027, 1, 20), [kediri])
        assert everything(kediri) == live


def test_times_are_rounded_up_to_the_minute_and_never_down(app):
    """The control for the rollup's one approximation: a wait of 5 min 01 s is shown as 6
    minutes, one of exactly 5 minutes as 5."""
    from mpp_digital.reports.stats import Tally
    tally = Tally().count(False, False, 301, 300).count(True, True, 0, None)
    summary = tally.summary()
    assert (summary.wait_p50, summary.wait_p90) == (0, 360)
    assert (summary.service_p50, summary.visits, summary.booked, summary.no_shows) == (
        300, 2, 1, 1)


def test_today_is_counted_live_and_the_page_catches_up_once(app, client, two_halls):
    kediri = two_halls[0]
    with app.app_context():
        line = queue_ops.issue_ticket(db.session, queue(), NOW).issued_queue_id
        db.session.commit()
        today = date(2027, 3, 1)
        assert ops.hall_report(db.session, mpp(), today, today).total.visits == 1
    assert client.get("/mpp/kota-kediri/waktu-tunggu").status_code == 200
    with app.app_context():
        assert db.session.get(RolledUp, kediri).through == date(2027, 2, 28)
        assert db.session.get(RolledUp, two_halls[1]) is None      # only the hall shown
        rows = db.session.scalar(select(func.count()).select_from(LineDay))
        assert rows > 0
        assert rollup.catch_up(db.session, NOW, [kediri]) is None  # nothing due: no write
        # the next day, yesterday's ticket is rolled up too
        assert rollup.catch_up(db.session, NOW + timedelta(days=1), [kediri]) == 1
        db.session.commit()
        assert db.session.get(LineDay, (line, today)).visits == 1


def test_history_written_into_rolled_days_is_counted_again(app, two_halls):
    kediri = two_halls[0]
    with app.app_context():
        rollup.catch_up(db.session, NOW)
        db.session.commit()
        before = ops.hall_report(db.session, mpp(), FIRST, LAST).total.visits
        history.generate(db.session, mpp(), date(2026, 12, 1), date(2026, 12, 31),
                         random.Random(3), per_day=20)
        db.session.commit()
        assert db.session.get(RolledUp, kediri) is None
        report = ops.hall_report(db.session, mpp(), date(2026, 12, 1), LAST)
        assert report.total.visits > before
        rollup.catch_up(db.session, NOW)
        db.session.commit()
        assert ops.hall_report(db.session, mpp(), date(2026, 12, 1), LAST).total == \
            report.total


def test_the_command_backfills_and_rebuilds(app, two_halls):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "rollup", "--mpp", "kota-kediri"])
    assert result.exit_code == 0 and "Rolled up:" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RolledUp)) == 1
    again = runner.invoke(args=["reports", "rollup", "--mpp", "kota-kediri"])
    assert "rolled up already" in again.output
    rebuilt = runner.invoke(args=["reports", "rollup", "--rebuild"])
    assert rebuilt.exit_code == 0 and "Rolled up:" in rebuilt.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RolledUp)) == \
            db.session.scalar(select(func.count()).select_from(Mpp))
    unknown = runner.invoke(args=["reports", "rollup", "--mpp", "atlantis"])
    assert unknown.exit_code != 0 and "atlantis" in unknown.output


def test_the_ikm_from_the_day_sums_equals_the_ikm_of_the_responses(app):
    """Every IKM a page shows (a hall's, each agency's and service's, every hall's), read from
    survey_day, equals the index computed from the single responses."""
    from mpp_digital.catalogue.models import Service
    from mpp_digital.survey import history as survey_history
    from mpp_digital.survey import ikm
    from mpp_digital.survey import operations as survey
    from mpp_digital.survey.models import ANSWER_COLUMNS, SurveyResponse
    with app.app_context():
        for slug, seed in (("kota-kediri", 4), ("kota-mataram", 5)):
            hall = mpp(slug)
            written = history.write(db.session, hall, history.plan(
                db.session, hall, FIRST, LAST, random.Random(seed), per_day=40),
                random.Random(seed))
            survey_history.generate(db.session, hall, written, random.Random(seed))
        # A response that names no service: in the hall's index, in no agency's or service's.
        unnamed = SurveyResponse(mpp_id=mpp().id, queue_id=mpp().queues[0].id, service_id=None,
                                 day=FIRST, **dict(zip(ANSWER_COLUMNS, [1] * 9)))
        db.session.add(unnamed)
        survey._count_in_day(db.session, unnamed)
        db.session.commit()
        responses = db.session.scalars(select(SurveyResponse).where(
            SurveyResponse.day.between(FIRST, date(2027, 1, 31)))).all()
        agency_of = dict(db.session.execute(select(Service.id, Service.agency_id)).all())

        def raw(keep):
            return ikm.from_answers([r.answers for r in responses if keep(r)])

        kediri = mpp().id
        scope = {"start": FIRST, "end": date(2027, 1, 31)}
        assert len(responses) > 400
        assert survey.index_of(db.session, mpp_id=kediri, **scope) == raw(
            lambda r: r.mpp_id == kediri)
        by_mpp = survey.index_by_hall(db.session, **scope)
        assert len(by_mpp) == 2
        for hall_id, index in by_mpp.items():
            assert index == raw(lambda r: r.mpp_id == hall_id)
        # The hall's IKM page reads all three in one query, added up by agency and overall.
        overall, agencies, services = survey.hall_indexes(kediri, **scope)
        assert overall == survey.index_of(db.session, mpp_id=kediri, **scope)
        assert len(agencies) > 1
        for agency, index in agencies:
            assert index == raw(lambda r: r.mpp_id == kediri
                                and agency_of.get(r.service_id) == agency.id)
        assert len(services) > 5
        for service, index in services:
            assert index == raw(lambda r: r.mpp_id == kediri and r.service_id == service.id)
        assert [a.name for a, _ in agencies] == sorted(a.name for a, _ in agencies)


def test_read_only_mode_reads_live_and_writes_nothing(app, client, two_halls):
    app.config["READ_ONLY"] = True
    assert client.get("/mpp/kota-kediri/waktu-tunggu").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RolledUp)) == 0
