"""Citizens submitting the same ticket's survey at once (run by tests/races.py).

`careless` is the control: it decides from a read taken before the race ("not rated yet"),
as code that checks and then inserts does; it must give more than one response.
"""
from sqlalchemy import select

from mpp_digital.extensions import begin_write, db
from mpp_digital.queue import operations as queue_ops
from mpp_digital.survey import operations as ops
from mpp_digital.survey.models import ANSWER_COLUMNS, SurveyDay, SurveyResponse


def rate(app, token, careless, barrier):
    with app.app_context():
        try:
            seen = queue_ops.ticket_by_token(db.session, token).surveyed
            db.session.rollback()
            barrier.wait(timeout=60)
            begin_write(db.session)
            ticket = queue_ops.ticket_by_token(db.session, token)
            if careless:
                if seen:
                    return "refused"
                db.session.add(SurveyResponse(
                    mpp_id=ticket.queue.mpp_id, queue_id=ticket.queue_id, day=ticket.day,
                    comment="", **dict.fromkeys(ANSWER_COLUMNS, 4)))
                ticket.surveyed = True
            else:
                ops.submit(db.session, ticket, (4,) * 9)
            db.session.commit()
            return "ok"
        except ops.SurveyRefused:
            db.session.rollback()
            return "refused"
        except Exception as exc:
            db.session.rollback()
            return type(exc).__name__
        finally:
            db.session.remove()


def rate_own(app, token, careless, barrier):
    """Citizens rating *different* tickets of one day at once: every response must be counted in
    the day's sums. `careless` is the control: it adds its answer to the sums it read before
    the race, as code that reads, adds and writes back does, and loses the others'."""
    with app.app_context():
        try:
            seen = db.session.scalar(select(SurveyDay.respondents)) or 0
            db.session.rollback()
            barrier.wait(timeout=60)
            begin_write(db.session)
            ticket = queue_ops.ticket_by_token(db.session, token)
            if careless:
                db.session.add(SurveyResponse(
                    mpp_id=ticket.queue.mpp_id, queue_id=ticket.queue_id, day=ticket.day,
                    comment="", **dict.fromkeys(ANSWER_COLUMNS, 4)))
                ticket.surveyed = True
                db.session.merge(SurveyDay(mpp_id=ticket.queue.mpp_id, day=ticket.day,
                                           service_key=0, respondents=seen + 1,
                                           **dict.fromkeys(ANSWER_COLUMNS, 4 * (seen + 1))))
            else:
                ops.submit(db.session, ticket, (4,) * 9)
            db.session.commit()
            return "ok"
        except Exception as exc:
            db.session.rollback()
            return type(exc).__name__
        finally:
            db.session.remove()
