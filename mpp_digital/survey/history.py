"""Survey answers for generated past visits (the demo and the benchmarks)."""
from sqlalchemy import insert, select, update

from ..catalogue.models import Offering, Service
from ..queue.models import Ticket
from .models import ANSWER_COLUMNS, SurveyResponse
from .operations import recount_days


def answer(rng, mood):
    """Nine answers around `mood` (1–4): most people agree with themselves across elements."""
    return [min(4, max(1, round(rng.gauss(mood, 0.6)))) for _ in ANSWER_COLUMNS]


def generate(session, mpp, written, rng, share=0.3, mood=3.3):
    """Responses for about `share` of the finished visits in `written` [(ticket id, visit)];
    those tickets are marked as rated. Returns the number of responses."""
    services = {}
    for queue_id, service_id in session.execute(
            select(Offering.queue_id, Service.id).join(Offering.service)
            .where(Offering.mpp_id == mpp.id, Offering.queue_id.is_not(None))):
        services.setdefault(queue_id, []).append(service_id)
    rows, rated = [], []
    for ticket_id, visit in written:
        if visit.no_show or visit.queue_id not in services or rng.random() >= share:
            continue
        rows.append({"mpp_id": mpp.id, "queue_id": visit.queue_id,
                     "service_id": rng.choice(services[visit.queue_id]), "day": visit.day,
                     "comment": "",
                     **dict(zip(ANSWER_COLUMNS, answer(rng, mood)))})
        rated.append(ticket_id)
    if rows:
        session.execute(insert(SurveyResponse), rows)
        for start in range(0, len(rated), 500):
            session.execute(update(Ticket).where(Ticket.id.in_(rated[start:start + 500]))
                            .values(surveyed=True).execution_options(synchronize_session=False))
        recount_days(session, mpp.id, min(r["day"] for r in rows), max(r["day"] for r in rows))
    return len(rows)
