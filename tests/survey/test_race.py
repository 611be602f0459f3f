"""One response per ticket, however many submissions arrive at once."""
import pytest
from sqlalchemy import func, select

from mpp_digital.extensions import begin_write, db
from mpp_digital.queue.operations import ticket_by_token
from mpp_digital.survey.operations import submit
from mpp_digital.survey.models import SurveyDay, SurveyResponse

from ..races import race
from .race import rate, rate_own
from .test_survey import finished_ticket

pytestmark = pytest.mark.slow

CLIENTS = 12


def _responses(app):
    with app.app_context():
        return db.session.scalar(select(func.count(SurveyResponse.id)))


def test_simultaneous_submissions_give_one_response(app):
    token = finished_ticket(app)
    results = race(app, rate, [(token, False)] * CLIENTS, processes=CLIENTS)
    assert results.count("ok") == 1 and results.count("refused") == len(results) - 1, results
    assert _responses(app) == 1


def test_control_checking_then_inserting_gives_several(app):
    token = finished_ticket(app)
    results = race(app, rate, [(token, True)] * CLIENTS, processes=CLIENTS)
    assert results.count("ok") > 1, results          # the race is real
    assert _responses(app) == results.count("ok")


def _counted(app):
    with app.app_context():
        return db.session.scalar(select(func.sum(SurveyDay.respondents)))


def test_simultaneous_responses_of_one_day_are_all_counted(app):
    tokens = [finished_ticket(app) for _ in range(CLIENTS)]
    results = race(app, rate_own, [(token, False) for token in tokens], processes=CLIENTS)
    assert results == ["ok"] * CLIENTS, results
    assert _responses(app) == _counted(app) == CLIENTS


def test_control_reading_then_writing_the_sums_loses_responses(app):
    # The day's sums exist before the race (one earlier rating), so every careless client
    # writes back the sums it read: without that row they would all INSERT it, and all but
    # one would fail on its key rather than lose an update (a CI run on PostgreSQL did so).
    earlier = finished_ticket(app)
    with app.app_context():
        begin_write(db.session)
        submit(db.session, ticket_by_token(db.session, earlier), (4,) * 9)
        db.session.commit()
    tokens = [finished_ticket(app) for _ in range(CLIENTS)]
    results = race(app, rate_own, [(token, True) for token in tokens], processes=CLIENTS)
    assert results.count("ok") > 1, results
    assert _counted(app) < _responses(app) == results.count("ok") + 1   # the race is real
