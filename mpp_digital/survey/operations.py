"""Taking a citizen's rating of a finished visit, and the IKM of a hall, line or service."""
from collections import namedtuple
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from ..booking.models import Appointment
from ..catalogue.models import Agency, Offering, Service
from ..errors import DomainError
from ..extensions import committed_connection, upsert
from ..queue.models import Ticket, TicketStatus
from ..queue.operations import bump_hall
from . import ikm
from .models import ANSWER_COLUMNS, SurveyDay, SurveyResponse


class SurveyRefused(DomainError):
    status = 409


def services_of(session, ticket):
    """The services a visitor of this ticket's line may have received, by name."""
    return session.scalars(
        select(Service).join(Offering, Offering.service_id == Service.id)
        .where(Offering.queue_id == ticket.queue_id).order_by(Service.name)).all()


def service_of_booking(session, ticket):
    """The booked service, when the ticket came from a booking."""
    if ticket.appointment_id is None:
        return None
    return session.scalar(select(Appointment.service_id)
                          .where(Appointment.id == ticket.appointment_id))


def may_rate(ticket):
    return ticket.status == TicketStatus.DONE and not ticket.surveyed


def submit(session, ticket, answers, service_id=None, comment=""):
    """Record one response for a finished ticket; a second one is refused. Flushes only.

    The ticket is marked by one guarded UPDATE whose row count decides, as a seat is taken:
    two submissions of the same form at the same moment give one response.
    """
    answers = tuple(answers)
    if len(answers) != ikm.ELEMENTS or any(a not in (1, 2, 3, 4) for a in answers):
        raise SurveyRefused(_l("Jawab kesembilan pertanyaan dengan salah satu pilihan."))
    if ticket.status != TicketStatus.DONE:
        raise SurveyRefused(_l("Survei dapat diisi setelah layanan Anda selesai."))
    if service_id is not None and service_id not in {s.id for s in services_of(session, ticket)}:
        raise SurveyRefused(_l("Pilih layanan dari daftar."))
    marked = session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status == TicketStatus.DONE,
                             Ticket.surveyed.is_(False))
        .values(surveyed=True).execution_options(synchronize_session=False))
    if marked.rowcount != 1:
        raise SurveyRefused(_l("Survei untuk tiket ini sudah diisi. Terima kasih."))
    response = SurveyResponse(mpp_id=ticket.queue.mpp_id, queue_id=ticket.queue_id,
                              service_id=service_id, day=ticket.day,
                              comment=(comment or "").strip()[:500],
                              **dict(zip(ANSWER_COLUMNS, answers)))
    session.add(response)
    _count_in_day(session, response)
    # The ticket page thanks for the rating, and the IKM page counts it.
    bump_hall(session, mpp_id=ticket.queue.mpp_id, rating=True)
    session.flush()
    return response


def _count_in_day(session, response):
    """Add one response to its day's sums (one atomic upsert: two responses at once both
    count)."""
    statement = upsert(session, SurveyDay)
    session.execute(statement.on_conflict_do_update(
        index_elements=[SurveyDay.mpp_id, SurveyDay.day, SurveyDay.service_key],
        set_={c: getattr(SurveyDay, c) + getattr(statement.excluded, c)
              for c in ("respondents", *ANSWER_COLUMNS)}),
        {"mpp_id": response.mpp_id, "day": response.day,
         "service_key": response.service_id or 0, "respondents": 1,
         **{c: getattr(response, c) for c in ANSWER_COLUMNS}})


def recount_days(session, mpp_id, first, last):
    """Sum the hall's responses of [first, last] again (after responses were written in
    bulk)."""
    session.execute(delete(SurveyDay).where(SurveyDay.mpp_id == mpp_id,
                                            SurveyDay.day.between(first, last)))
    service_key = func.coalesce(SurveyResponse.service_id, 0)
    sums = (select(SurveyResponse.mpp_id, SurveyResponse.day, service_key, func.count(),
                   *(func.sum(getattr(SurveyResponse, c)) for c in ANSWER_COLUMNS))
            .where(SurveyResponse.mpp_id == mpp_id, SurveyResponse.day.between(first, last))
            .group_by(SurveyResponse.mpp_id, SurveyResponse.day, service_key))
    session.execute(insert(SurveyDay).from_select(
        ["mpp_id", "day", "service_key", "respondents", *ANSWER_COLUMNS], sums))
    bump_hall(session, mpp_id=mpp_id, rating=True)       # its IKM page shows other sums


# --- the index -----------------------------------------------------------------------------

# Read from survey_day, the responses summed per hall, day and service: a year's index adds up
# a few hundred rows instead of every response.

def _totals_query(*group_by):
    return select(*group_by, func.sum(SurveyDay.respondents),
                  *(func.sum(getattr(SurveyDay, c)) for c in ANSWER_COLUMNS))


def _where(query, model=SurveyDay, mpp_id=None, start=None, end=None, service_id=None):
    if mpp_id is not None:
        query = query.where(model.mpp_id == mpp_id)
    if start is not None:
        query = query.where(model.day >= start)
    if end is not None:
        query = query.where(model.day <= end)
    if service_id is not None:
        query = query.where((SurveyDay.service_key if model is SurveyDay
                             else SurveyResponse.service_id) == service_id)
    return query


def index_of(session, **scope):
    """The IKM over responses in scope (mpp_id, start, end, service_id), or None."""
    row = session.execute(_where(_totals_query(), **scope)).one()
    count, totals = int(row[0] or 0), row[1:]
    return ikm.from_totals([int(t or 0) for t in totals], count)


Named = namedtuple("Named", "id name short_name")     # short_name: an agency's, else None


def index_by_hall(session, start, end):
    """{hall id: its Ikm} of every hall with responses from `start` to `end`, in one query."""
    rows = session.execute(_where(_totals_query(SurveyDay.mpp_id), start=start, end=end)
                           .group_by(SurveyDay.mpp_id))
    return {r[0]: ikm.from_totals([int(t) for t in r[2:]], int(r[1])) for r in rows}


def hall_indexes(mpp_id, start, end):
    """(the Ikm, [(Named agency, Ikm)], [(Named service, Ikm)]) of one hall from `start` to
    `end`, by name: one query summed by service with the names joined (on a
    committed_connection: the page opens no transaction), added up here by agency and
    overall. A response naming no service counts in the overall index only."""
    overall, agencies, services = _Sums(), {}, []
    with committed_connection() as connection:
        rows = connection.execute(_HALL_TOTALS,
                                  {"mpp_id": mpp_id, "start": start, "end": end}).all()
    for row in rows:
        sums = _Sums(int(row[5]), [int(t) for t in row[6:]])
        overall.add(sums)
        if row[1] is not None:
            services.append((Named(row[0], row[1], None), sums.index()))
            agencies.setdefault(Named(*row[2:5]), _Sums()).add(sums)
    return (overall.index(),
            sorted(((agency, sums.index()) for agency, sums in agencies.items()),
                   key=lambda pair: pair[0].name),
            sorted(services, key=lambda pair: pair[0].name))


# Built once: constructing the statement again costs more than running it. The days are summed
# by service first and the names joined to those few rows (grouping the days' rows by the
# names too sorted every row by its texts: 2.6 ms of the database's time instead of 0.5).
_BY_SERVICE = (select(SurveyDay.service_key, func.sum(SurveyDay.respondents).label("n"),
                      *(func.sum(getattr(SurveyDay, c)).label(c) for c in ANSWER_COLUMNS))
               .where(SurveyDay.mpp_id == bindparam("mpp_id"),
                      SurveyDay.day.between(bindparam("start"), bindparam("end")))
               .group_by(SurveyDay.service_key).subquery())
_HALL_TOTALS = (select(_BY_SERVICE.c.service_key, Service.name, Agency.id, Agency.name,
                       Agency.short_name, _BY_SERVICE.c.n,
                       *(_BY_SERVICE.c[c] for c in ANSWER_COLUMNS))
                .select_from(_BY_SERVICE)
                .outerjoin(Service, Service.id == _BY_SERVICE.c.service_key)
                .outerjoin(Agency, Agency.id == Service.agency_id))


class _Sums:
    """Respondents and the sum of each element's answers, added up."""

    def __init__(self, respondents=0, totals=(0,) * ikm.ELEMENTS):
        self.respondents, self.totals = respondents, list(totals)

    def add(self, other):
        self.respondents += other.respondents
        self.totals = [a + b for a, b in zip(self.totals, other.totals)]

    def index(self):
        return ikm.from_totals(self.totals, self.respondents)


def latest_index(session, mpp_id, today, days=365):
    """The IKM of the `days` days up to yesterday at one hall (what the public "when to come"
    page shows): complete days only, so that the page is the same all day and can be cached
    for the day. Returns (index, first day, last day)."""
    start = date.fromordinal(today.toordinal() - days)
    end = date.fromordinal(today.toordinal() - 1)
    return index_of(session, mpp_id=mpp_id, start=start, end=end), start, end


def comments(session, limit=50, **scope):
    """The latest responses with a comment, for the hall's staff (never published)."""
    query = (_where(select(SurveyResponse), SurveyResponse, **scope).where(SurveyResponse.comment != "")
             .options(selectinload(SurveyResponse.service)))
    return session.scalars(query.order_by(SurveyResponse.day.desc(), SurveyResponse.id.desc())
                           .limit(limit)).all()
