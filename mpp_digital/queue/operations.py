"""What the hall's queues do: number tickets, check bookings in, call, serve and transfer.

Numbers come from one counter row per (queue, day), incremented in the ticket's own
transaction; a ticket is claimed by a counter with a guarded UPDATE, so two counters never call
the same one. Every transition is a TicketEvent, and every staff action is audited.
"""
import secrets
import statistics
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from num2words import num2words
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..accounts.operations import audit
from ..booking.models import Appointment, AppointmentStatus, Slot, Visit
from ..booking.operations import normalise_code, same_last4
from ..clock import local_day, utc
from ..catalogue import versioning
from ..catalogue.models import Counter, Mpp, Offering, Province, Queue, Region, counter_queue
from ..catalogue.operations import HALL_HEADER, HallHeader, QueueRow, with_header
from ..errors import DomainError, NotFound
from ..extensions import read_committed, remembered, upsert
from ..filters import long_date
from .models import (EventKind, HallQueueVersion, Ticket, TicketEvent, TicketNumber,
                     TicketStatus)
from .ordering import Policy, Waiting, order


class QueueRefused(DomainError):
    status = 409


class CheckInRefused(DomainError):
    status = 409


def _event(session, ticket, kind, now, user=None, counter=None, queue_id=None, note=None):
    session.add(TicketEvent(ticket_id=ticket.id, kind=kind, at=utc(now),
                            user_id=user.id if user else None,
                            counter_id=counter.id if counter else None, queue_id=queue_id,
                            note=note))
    bump_hall(session, queue_id=ticket.queue_id)


def bump_hall(session, queue_id=None, mpp_id=None, rating=False):
    """The hall (of a queue, or by id) changed what its board and ticket pages show (with
    `rating`, a rating: its IKM page too): one upsert, in the caller's transaction, so that no
    poll can see the change without the new version or the new version without the change."""
    hall = select(Queue.mpp_id).where(Queue.id == queue_id).scalar_subquery() \
        if mpp_id is None else mpp_id
    rated = int(rating)
    statement = upsert(session, HallQueueVersion).values(mpp_id=hall, version=1, ratings=rated)
    session.execute(statement.on_conflict_do_update(
        index_elements=["mpp_id"], set_={"version": HallQueueVersion.version + 1,
                                         "ratings": HallQueueVersion.ratings + rated}))


_HALL_VERSION = (
    select(Mpp.id.label("mpp_id"), Province.timezone,
           func.coalesce(HallQueueVersion.version, 0).label("version"),
           func.coalesce(HallQueueVersion.ratings, 0).label("ratings"))
    .join(Mpp.region).join(Region.province)
    .outerjoin(HallQueueVersion, HallQueueVersion.mpp_id == Mpp.id)
    .where(Mpp.slug == bindparam("slug")))

_TICKET_VERSION = (
    select(Ticket.id.label("ticket_id"),
           func.coalesce(HallQueueVersion.version, 0).label("version"))
    .join(Queue, Queue.id == Ticket.queue_id)
    .outerjoin(HallQueueVersion, HallQueueVersion.mpp_id == Queue.mpp_id)
    .where(Ticket.token == bindparam("token")))


# … and the catalogue's version in the same read, for a public page's ETag.
_HALL_AND_CATALOGUE_VERSION = _HALL_VERSION.add_columns(versioning.CURRENT)


def hall_version(slug, with_catalogue=False):
    """(mpp_id, timezone, version, ratings) of a hall by slug in one indexed read of what is
    committed, outside the request's transaction (extensions.read_committed); None for an
    unknown hall.
    `with_catalogue` adds catalogue_version (None before the catalogue's first change)."""
    return read_committed(_HALL_AND_CATALOGUE_VERSION if with_catalogue else _HALL_VERSION,
                          slug=slug)


def ticket_version(token):
    """(ticket_id, version) of a ticket's hall by the ticket's token in one indexed read of what
    is committed (as hall_version)."""
    return read_committed(_TICKET_VERSION, token=token)


CounterRef = namedtuple("CounterRef", "number")


class TicketView(NamedTuple):
    """A ticket as its polled page shows it (the attributes it reads of a Ticket, under the
    same names), with its line, counter and hall."""
    id: int
    token: str
    number: int
    day: date
    status: TicketStatus
    surveyed: bool
    appointment_id: int | None
    queue_id: int
    letter: str                 # of the line that gave the number
    queue: QueueRow
    counter: CounterRef | None
    mpp: HallHeader

    @property
    def display(self):
        return f"{self.letter}-{self.number:03d}"


_issued = aliased(Queue)
_TICKET_VIEW = (
    with_header(
        select(Ticket.id, Ticket.token, Ticket.number, Ticket.day, Ticket.status,
               Ticket.surveyed, Ticket.appointment_id, Ticket.queue_id, _issued.letter,
               Queue.letter, Queue.name, Counter.number, *HALL_HEADER)
        .join(_issued, _issued.id == Ticket.issued_queue_id)
        .join(Queue, Queue.id == Ticket.queue_id).join(Mpp, Mpp.id == Queue.mpp_id))
    .outerjoin(Counter, Counter.id == Ticket.counter_id)
    .where(Ticket.token == bindparam("token")))


def ticket_view(token):
    """The TicketView of a token in one read of what is committed (extensions.read_committed):
    the ticket page opens no transaction. NotFound as ticket_by_token()."""
    row = read_committed(_TICKET_VIEW, token=token)
    if row is None:
        raise NotFound(_l("Tiket tidak ditemukan."))
    return TicketView(*row[:9], QueueRow(row[7], row[9], row[10]),
                      None if row[11] is None else CounterRef(row[11]), HallHeader(*row[12:]))


def _staff(session, user, now, action, ticket, counter=None, after=None):
    audit(session, user, now, action, ticket.id,
          after={"counter": counter.number if counter else None, **(after or {})},
          mpp_id=user.mpp_id)


# --- numbers and tickets -------------------------------------------------------------------

def next_number(session, queue_id, day):
    """The next number of a queue's day, in the caller's transaction: no gaps, no duplicates."""
    statement = (upsert(session, TicketNumber).values(queue_id=queue_id, day=day, last=1)
                 .on_conflict_do_update(index_elements=["queue_id", "day"],
                                        set_={"last": TicketNumber.last + 1})
                 .returning(TicketNumber.last))
    return session.execute(statement).scalar_one()


def issue_ticket(session, queue, now, priority=False, appointment=None, due_at=None,
                 priority_reason=None):
    """A ticket in `queue` for today (the MPP's day); a `priority_reason` (PRIORITY_REASONS)
    gives priority and tells the clerk why."""
    day = local_day(queue.mpp, now)
    ticket = Ticket(issued_queue_id=queue.id, queue_id=queue.id, day=day,
                    number=next_number(session, queue.id, day),
                    priority=priority or priority_reason is not None,
                    priority_reason=priority_reason,
                    appointment_id=appointment.id if appointment else None, due_at=due_at,
                    arrived_at=utc(now), token=secrets.token_urlsafe(18))
    session.add(ticket)
    session.flush()
    _event(session, ticket, EventKind.ISSUED, now)
    return ticket


def check_in_refused(before_minutes, after_minutes):
    """The one answer to every refused check-in: it tells nobody whether a code exists."""
    return CheckInRefused(_l(
        "Check-in tidak dapat dilakukan. Periksa kode janji dan 4 angka terakhir NIK. Check-in "
        "dibuka %(before)d menit sebelum jadwal sampai %(after)d menit sesudahnya; di luar itu, "
        "atau bila janji sudah diproses, ambil nomor antrean biasa di MPP.",
        before=before_minutes, after=after_minutes))


def check_in(session, mpp, code, last4, now, before=timedelta(minutes=30),
             after=timedelta(minutes=10)):
    """Turn a booking into a ticket within its check-in window: (ticket, created).

    The booking code and the NIK's last 4 digits must match. A booking already checked in
    returns its ticket with created=False: the caller hands it only to whoever made it. Every
    refusal is the same CheckInRefused.
    """
    refused = check_in_refused(int(before.total_seconds() // 60),
                               int(after.total_seconds() // 60))
    appointment = session.scalar(
        select(Appointment).join(Appointment.offering)
        .where(Appointment.code == normalise_code(code), Offering.mpp_id == mpp.id)
        .options(selectinload(Appointment.slot), selectinload(Appointment.offering)))
    if appointment is None:
        visit = session.scalar(select(Visit).where(Visit.code == normalise_code(code),
                                                   Visit.mpp_id == mpp.id))
        if visit is not None and same_last4(visit.nik_last4, last4):
            return _check_in_visit(session, visit, now, before, after, refused)
        raise refused
    if not same_last4(appointment.nik_last4, last4):
        raise refused
    if appointment.status == AppointmentStatus.CHECKED_IN:
        ticket = session.scalar(select(Ticket).where(Ticket.appointment_id == appointment.id))
        if ticket is None:
            raise refused
        return ticket, False
    starts = appointment.slot.starts_at.replace(tzinfo=timezone.utc)
    if appointment.status == AppointmentStatus.ACTIVE:
        _on_its_day(mpp, starts, now, before)
    if appointment.status != AppointmentStatus.ACTIVE or \
            not starts - before <= now <= starts + after:
        raise refused
    ticket = _step_ticket(session, appointment, now)
    if ticket is None:
        raise refused
    return ticket, True


def _on_its_day(mpp, starts, now, before):
    """A booking brought on another day is told its date (its code and the NIK's last 4
    digits matched: this is its holder), not "too early"."""
    day = local_day(mpp, starts)
    if day != local_day(mpp, now):
        raise CheckInRefused(_l(
            "Janji ini untuk %(day)s, bukan hari ini. Check-in dibuka pada hari itu, mulai "
            "%(minutes)d menit sebelum jadwal.", day=long_date(day),
            minutes=int(before.total_seconds() // 60)))


def _step_ticket(session, appointment, now):
    """Check a booking in (a guarded UPDATE of its status) and give it its ticket, due at its
    slot's start; None when it was no longer active or its service has no line."""
    queue = appointment.offering.queue
    if queue is None:
        return None
    claimed = session.execute(
        update(Appointment).where(Appointment.id == appointment.id,
                                  Appointment.status == AppointmentStatus.ACTIVE)
        .values(status=AppointmentStatus.CHECKED_IN)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return None
    session.refresh(appointment)
    return issue_ticket(session, queue, now, appointment=appointment,
                        due_at=appointment.slot.starts_at)


def _steps(session, visit_id):
    """A visit's steps in time order, with what a check-in and the ticket page use."""
    return session.scalars(
        select(Appointment).join(Appointment.slot).where(Appointment.visit_id == visit_id)
        .options(selectinload(Appointment.slot), selectinload(Appointment.service),
                 selectinload(Appointment.offering).selectinload(Offering.queue))
        .order_by(Slot.starts_at)).all()


def _check_in_visit(session, visit, now, before, after, refused):
    """A visit checks in once, within its first active step's window: that step gets its
    ticket; the later ones get theirs when the step before finishes or their time comes
    (next_step, due_steps). Checked in already: the latest step's ticket, created=False."""
    steps = _steps(session, visit.id)
    started = [step for step in steps if step.status == AppointmentStatus.CHECKED_IN]
    if started:
        ticket = session.scalar(select(Ticket).where(Ticket.appointment_id == started[-1].id))
        if ticket is None:
            raise refused
        return ticket, False
    waiting = [step for step in steps if step.status == AppointmentStatus.ACTIVE]
    if not waiting:
        raise refused
    starts = waiting[0].slot.starts_at.replace(tzinfo=timezone.utc)
    _on_its_day(visit.mpp, starts, now, before)
    if not starts - before <= now <= starts + after:
        raise refused
    ticket = _step_ticket(session, waiting[0], now)
    if ticket is None:
        raise refused
    return ticket, True


def next_step(session, ticket, now):
    """The visit's next step gets its ticket once this step's ticket is finished (if it has
    not already, at its time): returns it, or None."""
    if ticket.appointment_id is None:
        return None
    step = session.get(Appointment, ticket.appointment_id)
    if step is None or step.visit_id is None:
        return None
    later = [s for s in _steps(session, step.visit_id)
             if s.status == AppointmentStatus.ACTIVE and s.slot.starts_at > step.slot.starts_at]
    return _step_ticket(session, later[0], now) if later else None


def due_steps(session, now, before=timedelta(minutes=30)):
    """Issue the tickets of the steps of checked-in visits whose check-in window has opened;
    returns how many (run every minute by `flask booking waitlist`)."""
    started = select(Appointment.visit_id).where(
        Appointment.visit_id.is_not(None), Appointment.status == AppointmentStatus.CHECKED_IN)
    due = session.scalars(
        select(Appointment).join(Appointment.slot)
        .where(Appointment.visit_id.in_(started),
               Appointment.status == AppointmentStatus.ACTIVE,
               Slot.starts_at <= utc(now + before), Slot.ends_at > utc(now))
        .options(selectinload(Appointment.offering).selectinload(Offering.queue))).all()
    return sum(1 for step in due if _step_ticket(session, step, now) is not None)


def visit_plan(session, ticket):
    """[(step, its ticket or None)] of the visit this ticket is a step of, in order; or []."""
    if ticket.appointment_id is None:
        return []
    visit_id = session.scalar(select(Appointment.visit_id)
                              .where(Appointment.id == ticket.appointment_id))
    if visit_id is None:
        return []
    steps = _steps(session, visit_id)
    tickets = {t.appointment_id: t for t in session.scalars(
        select(Ticket).where(Ticket.appointment_id.in_([s.id for s in steps])))}
    return [(step, tickets.get(step.id)) for step in steps]


def ticket_by_token(session, token):
    """The ticket with its lines, hall and counter, in one statement (the page is polled)."""
    ticket = session.scalar(select(Ticket).where(Ticket.token == token).options(
        joinedload(Ticket.issued_queue), joinedload(Ticket.queue).joinedload(Queue.mpp),
        joinedload(Ticket.counter)))
    if ticket is None:
        raise NotFound(_l("Tiket tidak ditemukan."))
    return ticket


# --- the waiting line ----------------------------------------------------------------------

def _waiting_in(queue_ids, day):
    return (Ticket.queue_id.in_(queue_ids), Ticket.day == day,
            Ticket.status == TicketStatus.WAITING)


def waiting(session, queue_ids, day):
    return session.scalars(select(Ticket).where(*_waiting_in(queue_ids, day))
                           .options(selectinload(Ticket.issued_queue))).all()


def in_order(tickets, now, policy=Policy()):
    by_id = {t.id: t for t in tickets}
    plain = [Waiting(t.id, t.arrived_at, t.priority, t.due_at) for t in tickets]
    return [by_id[w.id] for w in order(plain, utc(now), policy)]


def current_ticket(session, counter):
    """The ticket called to or served at this counter, if any."""
    return session.scalar(select(Ticket).where(
        Ticket.counter_id == counter.id,
        Ticket.status.in_([TicketStatus.CALLED, TicketStatus.SERVING])))


def _claim(session, ticket_id, counter):
    """The guarded claim: only a ticket still waiting can be called, by one counter."""
    return session.execute(
        update(Ticket).where(Ticket.id == ticket_id, Ticket.status == TicketStatus.WAITING)
        .values(status=TicketStatus.CALLED, counter_id=counter.id)
        .execution_options(synchronize_session=False)).rowcount == 1


def _ready(session, counter):
    if not counter.is_open:
        raise QueueRefused(_l("Buka loket dulu."))
    busy = current_ticket(session, counter)
    if busy is not None:
        raise QueueRefused(_l("Selesaikan tiket %(ticket)s dulu.", ticket=busy.display))


def call_next(session, counter, user, now, policy=Policy()):
    """Call the next ticket of this counter's queues; None when nobody is waiting."""
    _ready(session, counter)
    queue_ids = [q.id for q in counter.queues]
    for ticket in in_order(waiting(session, queue_ids, local_day(counter.mpp, now)), now,
                           policy):
        if _claim(session, ticket.id, counter):
            session.refresh(ticket)
            _event(session, ticket, EventKind.CALLED, now, user, counter)
            _staff(session, user, now, "ticket.call", ticket, counter)
            return ticket
    return None


def call_ticket(session, ticket, counter, user, now):
    """Call a particular waiting ticket ("call this one")."""
    _ready(session, counter)
    if ticket.queue_id not in {q.id for q in counter.queues} or not _claim(session, ticket.id,
                                                                          counter):
        raise QueueRefused(_l("Tiket itu tidak sedang menunggu di antrean loket ini."))
    session.refresh(ticket)
    _event(session, ticket, EventKind.CALLED, now, user, counter)
    _staff(session, user, now, "ticket.call", ticket, counter)
    return ticket


def _move(session, ticket, counter, allowed, values):
    result = session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.counter_id == counter.id,
                             Ticket.status.in_(allowed))
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise QueueRefused(_l("Tiket ini tidak sedang di loket Anda."))
    session.refresh(ticket)


def recall(session, ticket, counter, user, now, max_recalls=3):
    """Call again; after `max_recalls` recalls the visitor counts as not present."""
    if ticket.recalls + 1 >= max_recalls:
        return mark_no_show(session, ticket, counter, user, now)
    _move(session, ticket, counter, [TicketStatus.CALLED], {"recalls": Ticket.recalls + 1})
    _event(session, ticket, EventKind.RECALLED, now, user, counter)
    _staff(session, user, now, "ticket.recall", ticket, counter)
    return ticket


def start_service(session, ticket, counter, user, now):
    _move(session, ticket, counter, [TicketStatus.CALLED], {"status": TicketStatus.SERVING})
    _event(session, ticket, EventKind.STARTED, now, user, counter)
    _staff(session, user, now, "ticket.start", ticket, counter)


def finish(session, ticket, counter, user, now):
    """The visitor is served; a visit's next step gets its ticket now, if it has none yet."""
    _move(session, ticket, counter, [TicketStatus.CALLED, TicketStatus.SERVING],
          {"status": TicketStatus.DONE})
    _event(session, ticket, EventKind.FINISHED, now, user, counter)
    _staff(session, user, now, "ticket.finish", ticket, counter)
    return next_step(session, ticket, now)


def mark_no_show(session, ticket, counter, user, now):
    _move(session, ticket, counter, [TicketStatus.CALLED], {"status": TicketStatus.NO_SHOW})
    _event(session, ticket, EventKind.NO_SHOW, now, user, counter)
    _staff(session, user, now, "ticket.no_show", ticket, counter)
    return ticket


def transfer(session, ticket, counter, target, user, now, note=None):
    """Send the visitor to another queue of the same MPP, keeping their arrival time; the
    `note` is shown to the clerk who calls them next."""
    if target.mpp_id != counter.mpp_id or target.id == ticket.queue_id:
        raise QueueRefused(_l("Pilih antrean lain di MPP ini."))
    _move(session, ticket, counter, [TicketStatus.CALLED, TicketStatus.SERVING],
          {"status": TicketStatus.WAITING, "queue_id": target.id, "counter_id": None,
           "recalls": 0})
    _event(session, ticket, EventKind.TRANSFERRED, now, user, counter, queue_id=target.id,
           note=note or None)
    _staff(session, user, now, "ticket.transfer", ticket, counter, {"to_queue": target.letter})


# --- what the clerk sees of a ticket ------------------------------------------------------

def transfers(session, ticket_ids):
    """{ticket id: [its TRANSFERRED events, oldest first]} with the counter each came from
    and the line it went to: the console shows them with their notes."""
    found = {}
    if not ticket_ids:
        return found
    for event in session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id.in_(ticket_ids),
                                      TicketEvent.kind == EventKind.TRANSFERRED)
            .order_by(TicketEvent.id)
            .options(selectinload(TicketEvent.counter), selectinload(TicketEvent.target))):
        found.setdefault(event.ticket_id, []).append(event)
    return found


@dataclass(frozen=True)
class Brief:
    """What the clerk needs to know of the ticket at the counter."""
    service: str | None          # a booking's service
    name: str | None             # a booking's name
    waited: timedelta            # from arrival (kept across transfers) to its latest call


def brief(session, ticket):
    appointment = session.scalar(
        select(Appointment).where(Appointment.id == ticket.appointment_id)
        .options(joinedload(Appointment.service))) if ticket.appointment_id else None
    called = session.scalar(select(func.max(TicketEvent.at)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.CALLED))
    return Brief(service=appointment.service.name if appointment else None,
                 name=appointment.name if appointment else None,
                 waited=max((called or ticket.arrived_at) - ticket.arrived_at, timedelta(0)))


# --- undo: a clerk's last action, for a short time ----------------------------------------

UNDOABLE = {EventKind.CALLED, EventKind.STARTED, EventKind.FINISHED, EventKind.NO_SHOW,
            EventKind.TRANSFERRED}


def undoable(session, counter, user, now, window):
    """The last event this clerk made at this counter, if it may still be undone: within
    `window` (a timedelta), of a kind UNDOABLE, and still the ticket's last event (nobody has
    acted on the ticket since, at this counter or another)."""
    event = session.scalar(select(TicketEvent).where(TicketEvent.counter_id == counter.id)
                           .order_by(TicketEvent.id.desc()).limit(1)
                           .options(joinedload(TicketEvent.ticket)))
    if (event is None or event.user_id != user.id or event.kind not in UNDOABLE
            or event.at < utc(now) - window):
        return None
    last = session.scalar(select(func.max(TicketEvent.id))
                          .where(TicketEvent.ticket_id == event.ticket_id))
    return event if last == event.id else None


def _state_before(session, event):
    """(status, queue id) of the ticket just before `event`."""
    ticket = event.ticket
    if event.kind == EventKind.CALLED:
        return TicketStatus.WAITING, ticket.queue_id
    if event.kind == EventKind.STARTED:
        return TicketStatus.CALLED, ticket.queue_id
    started = session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.STARTED,
        TicketEvent.id > select(func.max(TicketEvent.id)).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.CALLED,
            TicketEvent.id < event.id).scalar_subquery()))
    status = TicketStatus.SERVING if started else TicketStatus.CALLED
    if event.kind != EventKind.TRANSFERRED:
        return status, ticket.queue_id
    earlier = session.scalar(select(TicketEvent.queue_id).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.TRANSFERRED,
        TicketEvent.id < event.id).order_by(TicketEvent.id.desc()).limit(1))
    return status, earlier or ticket.issued_queue_id


def undo(session, counter, user, now, window):
    """Undo the clerk's last action at this counter (undoable()): the ticket goes back to
    where it was, the event is deleted (the figures count what really happened) and the undo
    is audited with what it undid. Refused once the window has passed or anyone has acted
    on the ticket since."""
    event = undoable(session, counter, user, now, window)
    if event is None:
        raise QueueRefused(_l("Tidak ada tindakan yang masih bisa diurungkan."))
    ticket = event.ticket
    status, queue_id = _state_before(session, event)
    if event.kind == EventKind.CALLED:
        values = {"status": status, "counter_id": None}
    else:
        values = {"status": status, "counter_id": counter.id, "queue_id": queue_id}
    if status != TicketStatus.WAITING:                   # back at the counter: is it free?
        busy = current_ticket(session, counter)
        if busy is not None and busy.id != ticket.id:
            raise QueueRefused(_l("Selesaikan tiket %(ticket)s dulu.", ticket=busy.display))
    now_status = {EventKind.CALLED: TicketStatus.CALLED, EventKind.STARTED: TicketStatus.SERVING,
                  EventKind.FINISHED: TicketStatus.DONE, EventKind.NO_SHOW: TicketStatus.NO_SHOW,
                  EventKind.TRANSFERRED: TicketStatus.WAITING}[event.kind]
    moved = session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status == now_status)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise QueueRefused(_l("Tidak ada tindakan yang masih bisa diurungkan."))
    kind = event.kind
    session.delete(event)
    session.flush()
    session.refresh(ticket)
    bump_hall(session, queue_id=ticket.queue_id)
    _staff(session, user, now, "ticket.undo", ticket, counter, {"undone": kind.value})
    return ticket, kind


def set_counter_open(session, counter, is_open, user, now):
    if not is_open and current_ticket(session, counter) is not None:
        raise QueueRefused(_l("Selesaikan tiket yang sedang dilayani sebelum menutup loket."))
    before = counter.is_open
    counter.is_open = is_open
    audit(session, user, now, "counter.open" if is_open else "counter.pause",
          counter.id, {"is_open": before}, {"is_open": is_open},
          mpp_id=counter.mpp_id)
    bump_hall(session, mpp_id=counter.mpp_id)          # the wait estimates count open counters


# --- what the hall and the citizen see ----------------------------------------------------

def service_seconds(session, queue_id, now, sample=30):
    """Median seconds from call to finish of the queue's recent visits (events only): its last
    `sample` finished tickets of the past 14 days, each from when it was last called.

    Read from the line's own tickets (its index by line and day) and then their events: never
    from every hall's events of the fortnight, which grows with the number of halls."""
    recent = (select(Ticket.id)
              .where(Ticket.queue_id == queue_id, Ticket.status == TicketStatus.DONE,
                     Ticket.day >= (utc(now) - timedelta(days=14)).date())
              .order_by(Ticket.day.desc(), Ticket.id.desc()).limit(sample))
    called, finished = {}, {}
    for ticket_id, kind, at in session.execute(
            select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at)
            .where(TicketEvent.ticket_id.in_(recent.scalar_subquery()),
                   TicketEvent.kind.in_([EventKind.CALLED, EventKind.FINISHED]))):
        latest = called if kind == EventKind.CALLED else finished
        latest[ticket_id] = max(at, latest.get(ticket_id, at))
    durations = [(finished[t] - called[t]).total_seconds() for t in finished
                 if t in called and finished[t] >= called[t]]
    return statistics.median(durations) if durations else None


def open_counters(session, queue_id):
    return session.scalar(select(func.count(Counter.id))
                          .join(counter_queue, counter_queue.c.counter_id == Counter.id)
                          .where(counter_queue.c.queue_id == queue_id, Counter.is_open))


@dataclass(frozen=True)
class LineState:
    """What every waiting ticket of a line is told: the line in calling order (ticket ids), the
    median visit in seconds (None: too few visits yet) and the counters open to it."""
    order: tuple
    per_visit: float | None
    counters: int


def calling_order(session, queue_id, day, now, policy=Policy()):
    """The ids of a line's waiting tickets, in the order they will be called."""
    return tuple(waiting.id for waiting in order([Waiting(*row) for row in session.execute(
        select(Ticket.id, Ticket.arrived_at, Ticket.priority, Ticket.due_at)
        .where(*_waiting_in([queue_id], day)))], utc(now), policy))


def ahead_of(session, ticket, now, policy=Policy()):
    """How many are called before this ticket now (0 once it is no longer waiting)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    order_ = calling_order(session, ticket.queue_id, ticket.day, now, policy)
    return order_.index(ticket.id) if ticket.id in order_ else 0


def line_state(session, queue_id, day, now, policy=Policy(), version=None):
    """The line's state at `now`. Given the hall's queue version (bumped by every ticket event
    and every change of its lines and counters), it is computed once per process for that
    version and minute: when a call changes the hall, every phone waiting in it asks again,
    and they are all told the same."""
    def read():
        return LineState(calling_order(session, queue_id, day, now, policy),
                         service_seconds(session, queue_id, now),
                         open_counters(session, queue_id))
    if version is None:
        return read()
    return remembered("line-states", (queue_id, day, version,
                                      int(utc(now).timestamp() // 60), policy), read)


def ticket_status(session, ticket, now, policy=Policy(), default_service=600, version=None):
    """Position in line and the estimated wait, from recent service times and open counters."""
    if ticket.status != TicketStatus.WAITING:
        return {"position": 0, "wait_minutes": 0}
    state = line_state(session, ticket.queue_id, ticket.day, now, policy, version)
    if ticket.id not in state.order:     # the line was read after a later change than ours
        state = line_state(session, ticket.queue_id, ticket.day, now, policy)
    # Still not in it: called since this request read the ticket; the next poll shows that.
    position = state.order.index(ticket.id) + 1 if ticket.id in state.order else 1
    per_visit = state.per_visit or default_service
    return {"position": position,
            "wait_minutes": round(position * per_visit / max(1, state.counters) / 60)}


def spoken_call(letter, number, counter):
    """What the board says for a call, in Indonesian whatever the screen's language (the
    hall's voice): "Nomor antrean A lima, silakan ke loket satu"."""
    return (f"Nomor antrean {letter} {num2words(number, lang='id')}, "
            f"silakan ke loket {num2words(counter, lang='id')}")


def board(session, mpp_id, day, latest=6):
    """The display: the last `latest` tickets called today, newest call first, each with the
    counter it was called to (whether it is still being served or not: the number stays on
    the screen for whoever just missed it), and how many wait per queue."""
    last_call = func.max(TicketEvent.id).label("call")
    recent = session.execute(
        select(TicketEvent.ticket_id, last_call).join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(Queue.mpp_id == mpp_id, Ticket.day == day,
               TicketEvent.kind.in_([EventKind.CALLED, EventKind.RECALLED]))
        .group_by(TicketEvent.ticket_id).order_by(last_call.desc()).limit(latest)).all()
    calls = {event.id: event for event in session.scalars(
        select(TicketEvent).where(TicketEvent.id.in_([call for _, call in recent]))
        .options(selectinload(TicketEvent.counter), selectinload(TicketEvent.ticket)
                 .selectinload(Ticket.issued_queue)))} if recent else {}
    called = [calls[call] for _, call in recent]
    counts = dict(session.execute(
        select(Ticket.queue_id, func.count(Ticket.id)).join(Ticket.queue)
        .where(Queue.mpp_id == mpp_id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING).group_by(Ticket.queue_id)).all())
    queues = session.scalars(select(Queue).where(Queue.mpp_id == mpp_id)
                             .order_by(Queue.letter)).all()
    return {
        "called": [{"ticket": e.ticket.display, "counter": e.counter.number, "call": e.id,
                    "say": spoken_call(e.ticket.issued_queue.letter, e.ticket.number,
                                       e.counter.number)}
                   for e in called],
        "waiting": [{"queue": q.letter, "name": q.name, "count": counts.get(q.id, 0)}
                    for q in queues],
    }
