import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import (Blueprint, abort, current_app, flash, make_response, redirect,
                   render_template, request, session, url_for)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from .. import clock
from ..accounts import devices
from ..accounts.models import DeviceKind
from ..accounts.operations import can_use_counter
from ..catalogue import operations as catalogue
from ..catalogue.models import Counter, Queue
from ..errors import DomainError, NotFound
from ..extensions import begin_write, db, keep_page, kept_page, limiter
from ..filters import clock as wall_clock
from ..filters import tz_abbr
from ..validation import parse_id
from . import notices
from . import operations as ops
from ..forms import ConfirmForm
from .forms import CallForm, CheckInForm, KioskTicketForm, TransferForm
from .models import PRIORITY_REASONS, EventKind, Ticket
from .ordering import Policy

bp = Blueprint("queue", __name__)


def _policy():
    return Policy(priority_boost=timedelta(minutes=current_app.config["PRIORITY_BOOST_MINUTES"]))


# --- the kiosk and the citizen's ticket ----------------------------------------------------
#
# Tickets come only from this hall's enrolled kiosk or its staff, during opening hours, under
# a per-device and a per-hall cap counted per ticket issued. Anyone may check a booking in
# within its window with the booking code and the NIK's last 4 digits, throttled per address.

SESSION_TICKETS = "tiket_saya"     # tokens of the tickets this browser checked in (a few)


def _is_kiosk(mpp):
    """This browser is the hall's enrolled kiosk: its pages are the kiosk's (no menu, no way
    out, big touch targets, back to the start by itself)."""
    device = devices.current_device(db.session)
    return device is not None and device.mpp_id == mpp.id and device.kind == DeviceKind.KIOSK


def _may_issue(mpp):
    """This hall's enrolled kiosk, or a member of its staff, may issue tickets here."""
    if _is_kiosk(mpp):
        return True
    return current_user.is_authenticated and current_user.mpp_id == mpp.id


def _issuer_key():
    """The rate-limit key of who asks: the enrolled device, the member of staff, or the address."""
    device = devices.current_device(db.session)
    if device is not None:
        return f"device:{device.id}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


def _hall_key():
    return f"hall:{request.view_args.get('slug', '')}"


def _issued(response):
    return response.status_code == 302


def _device_limit():
    return current_app.config["KIOSK_DEVICE_RATE_LIMIT"]


def _hall_limit():
    return current_app.config["KIOSK_HALL_RATE_LIMIT"]


def _check_in_limit():
    if devices.current_device(db.session) is not None:
        return current_app.config["KIOSK_CHECK_IN_RATE_LIMIT"]
    return current_app.config["CHECK_IN_RATE_LIMIT"]


def _kiosk_form(mpp):
    form = KioskTicketForm(prefix="t")
    form.queue.choices = [SelectChoice(str(q.id), f"{q.letter} · {q.name}") for q in mpp.queues]
    return form


def _kiosk(mpp, form=None, check_in_form=None, refusal=None, check_in_refusal=None,
           status=200):
    may_issue = _may_issue(mpp)
    if may_issue and form is None:
        form = _kiosk_form(mpp)
    context = {"mpp": mpp, "form": form if may_issue else None,
               "check_in": check_in_form or CheckInForm(prefix="c"), "refusal": refusal,
               "check_in_refusal": check_in_refusal}
    if not _is_kiosk(mpp):
        return render_template("queue/kiosk.html", **context), status
    now = clock.now()
    words = " ".join(request.args.get("cari", "").split())[:60]
    lines = catalogue.lines_today(db.session, mpp, now, str(get_locale()))
    shown = [line for line in lines if _serves(line, words)] if words else lines
    return render_template(
        "queue/kiosk_device.html", **context, lines=shown, words=words,
        closed=None if any(line.open_now for line in lines) else _closed_message(mpp, now),
        zone=tz_abbr(mpp.timezone)), status


def _serves(line, words):
    """The line serves what the citizen typed: every word in its name or a service's name."""
    text = " ".join([line.queue.name, *line.services]).casefold()
    return all(word in text for word in words.casefold().split())


def _closed_message(mpp, now):
    day = catalogue.hall_day(db.session, mpp, now, str(get_locale()))
    if not day.status.is_open:
        return _l("MPP tutup hari ini. Nomor antrean diambil pada hari dan jam buka.")
    hours = ", ".join(f"{wall_clock(o)}–{wall_clock(c)}" for o, c in day.status.spans)
    return _l("MPP sedang tutup. Nomor antrean dapat diambil pada jam buka hari ini: "
              "%(hours)s %(zone)s.", hours=hours, zone=tz_abbr(mpp.timezone))


def _line_closed(line, mpp):
    """Why this line gives no number now, and when it will again today."""
    name = f"{line.queue.letter} · {line.queue.name}"
    if line.opens_at is not None:
        return _l("Antrean %(line)s sedang tutup. Nomor diambil lagi mulai pukul %(time)s "
                  "%(zone)s.", line=name, time=wall_clock(line.opens_at),
                  zone=tz_abbr(mpp.timezone))
    return _l("Antrean %(line)s sudah tutup hari ini.", line=name)


@bp.get("/mpp/<slug>/kiosk")
def kiosk(slug):
    return _kiosk(catalogue.get_hall(db.session, slug))


@bp.post("/mpp/<slug>/kiosk/ambil")
@limiter.limit(_hall_limit, key_func=_hall_key, deduct_when=_issued)
@limiter.limit(_device_limit, key_func=_issuer_key, deduct_when=_issued)
def take_ticket(slug):
    mpp = catalogue.get_hall(db.session, slug)
    if not _may_issue(mpp):
        return _kiosk(mpp, status=403)          # decided before the write lock is taken
    begin_write(db.session)
    form = _kiosk_form(mpp)
    if not form.validate_on_submit():
        return _kiosk(mpp, form, status=422)
    now = clock.now()
    if not catalogue.hall_day(db.session, mpp, now, str(get_locale())).open_now:
        return _kiosk(mpp, form, refusal=_closed_message(mpp, now), status=409)
    queue = db.session.get(Queue, parse_id(form.queue.data))
    line = next(line for line in catalogue.lines_today(db.session, mpp, now, str(get_locale()))
                if line.queue.id == queue.id)
    if not line.open_now:
        return _kiosk(mpp, form, refusal=_line_closed(line, mpp), status=409)
    ticket = ops.issue_ticket(db.session, queue, now, priority_reason=form.priority.data or None)
    if form.parsed_phone:
        ticket.phone, ticket.phone_channel = form.parsed_phone, form.phone_channel.data
        ticket.language = str(get_locale())
        notices.issued(db.session, ticket, now, _policy())
    token = ticket.token
    db.session.commit()
    return redirect(url_for(".ticket_print", token=token))


@bp.post("/mpp/<slug>/kiosk/check-in")
@limiter.limit(_check_in_limit, key_func=_issuer_key)
def check_in(slug):
    begin_write(db.session)
    mpp = catalogue.get_hall(db.session, slug)
    form = CheckInForm(prefix="c")
    if not form.validate_on_submit():
        return _kiosk(mpp, check_in_form=form, status=422)
    config = current_app.config
    mine = session.get(SESSION_TICKETS, [])
    try:
        ticket, created = ops.check_in(
            db.session, mpp, form.code.data, form.last4.data, clock.now(),
            timedelta(minutes=config["CHECK_IN_BEFORE_MINUTES"]),
            timedelta(minutes=config["CHECK_IN_AFTER_MINUTES"]))
        if not created and ticket.token not in mine:
            raise ops.check_in_refused(config["CHECK_IN_BEFORE_MINUTES"],
                                       config["CHECK_IN_AFTER_MINUTES"])
    except DomainError as exc:
        db.session.rollback()
        return _kiosk(mpp, check_in_form=form, check_in_refusal=exc.message, status=409)
    token = ticket.token
    db.session.commit()
    session[SESSION_TICKETS] = ([token] + [t for t in mine if t != token])[:5]
    return redirect(url_for(".ticket_print", token=token))


@bp.get("/tiket/<token>/cetak")
def ticket_print(token):
    ticket = ops.ticket_by_token(db.session, token)
    mpp = ticket.queue.mpp
    return render_template("queue/ticket_print.html", ticket=ticket, mpp=mpp,
                           status_url=url_for(".ticket_status", token=token, _external=True),
                           kiosk=_is_kiosk(mpp),
                           ahead=ops.ahead_of(db.session, ticket, clock.now(), _policy()))


# The ticket page and the board are polled (every 20 s by each waiting phone, every few seconds
# by each hall's TV). Their ETags carry the hall's queue version, bumped with every ticket
# event and every change of its lines and counters, so an unchanged hall answers 304 after one
# indexed read, before anything else is loaded.

def _revalidated(etag, cache_control, build):
    """304 when the client holds `etag`, else the response `build()` makes; both carry it."""
    # Weak comparison, as RFC 9110 has it for If-None-Match: a proxy that compresses the answer
    # sends the ETag back weakened (W/"…").
    response = make_response("", 304) if request.if_none_match.contains_weak(etag) else build()
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return response


@bp.get("/tiket/<token>")
def ticket_status(token):
    found = ops.ticket_version(token)
    if found is None:
        raise NotFound(_l("Tiket tidak ditemukan."))
    now = clock.now()
    still = request.args.get("diam") == "1"
    # The wait estimate moves with the clock too: a new ETag at least every minute.
    etag = f"t{found.ticket_id}-{found.version}-{get_locale()}-{int(still)}-" \
           f"{int(now.timestamp() // 60)}"

    def page():
        ticket = ops.ticket_view(token)
        return make_response(render_template(
            "queue/status.html", ticket=ticket, mpp=ticket.mpp, still=still,
            state=ops.ticket_status(db.session, ticket, now, _policy(),
                                    version=found.version),
            plan=ops.visit_plan(db.session, ticket),
            local=lambda naive: clock.to_local(ticket.mpp, naive)))
    return _revalidated(etag, "private, no-cache", page)


# --- the board -----------------------------------------------------------------------------

@bp.get("/mpp/<slug>/layar")
def board(slug):
    mpp = catalogue.get_hall(db.session, slug)
    return render_template("queue/board.html", mpp=mpp, board=ops.board(
        db.session, mpp.id, clock.local_day(mpp, clock.now())))


# A hall's feed changes with every call; one version is polled for minutes at most.
BOARD_KEPT_SECONDS = 600


@bp.get("/mpp/<slug>/layar.json")
def board_json(slug):
    hall = ops.hall_version(slug)
    if hall is None:
        raise NotFound(_l("MPP tidak ditemukan."))
    day = clock.now().astimezone(ZoneInfo(hall.timezone)).date()
    etag = f"b{hall.mpp_id}-{hall.version}-{day.isoformat()}"

    def feed():
        # What the feed says is fixed by its ETag (the hall, its queue version, its day), so
        # every screen of the hall that polls after a change gets the one built first, from
        # the page cache (shared by the workers and machines when that is Redis).
        body = kept_page(f"board|{etag}")
        if body is None:
            body = json.dumps(ops.board(db.session, hall.mpp_id, day), separators=(",", ":"))
            keep_page(f"board|{etag}", body, timeout=BOARD_KEPT_SECONDS)
        response = make_response(body)
        response.mimetype = "application/json"
        return response
    return _revalidated(etag, "no-cache", feed)


# --- the clerk's console -------------------------------------------------------------------

def _counter(counter_id):
    """The counter, if this member of staff may act there; 404 otherwise (no existence oracle)."""
    counter = db.session.get(Counter, counter_id)
    if counter is None or not can_use_counter(current_user, counter):
        abort(404)
    return counter


@bp.get("/staf")
@login_required
def staff_home():
    if current_user.mpp_id is None:
        counters = []
    elif current_user.is_manager:
        counters = db.session.scalars(select(Counter).where(
            Counter.mpp_id == current_user.mpp_id).order_by(Counter.number)).all()
    else:
        counters = current_user.counters
    return render_template("queue/staff_home.html", counters=counters, form=ConfirmForm())


@bp.get("/staf/loket/<int:counter_id>")
@login_required
def console(counter_id):
    counter = _counter(counter_id)
    now = clock.now()
    state = _console_state(counter, now)
    confirm = request.args.get("konfirmasi") == "tidak-hadir" and state["current"] is not None \
        and state["current"].status.value == "called"
    return render_template("queue/console.html", **state, form=ConfirmForm(),
                           transfer=_transfer_form(counter, state["current"]),
                           confirm_no_show=confirm)


@bp.get("/staf/loket/<int:counter_id>/antrean")
@login_required
def console_line(counter_id):
    """The console's waiting line, polled by console.js: 304 after one indexed read while
    the hall's queues are unchanged (and the minute, for the waiting times, is the same)."""
    counter = _counter(counter_id)
    hall = ops.hall_version(counter.mpp.slug)
    now = clock.now()
    etag = f"c{counter.id}-{hall.version}-{get_locale()}-{int(now.timestamp() // 60)}"
    return _revalidated(etag, "no-store", lambda: make_response(render_template(
        "queue/_line.html", **_console_state(counter, now), form=ConfirmForm())))


def _console_state(counter, now):
    """What the console shows: the ticket at the counter with what the clerk needs to know
    (booking, priority, waiting time, transfers and their notes), the line in calling
    order, and the last action if it may still be undone."""
    line = ops.in_order(ops.waiting(db.session, [q.id for q in counter.queues],
                                    clock.local_day(counter.mpp, now)), now, _policy())
    current = ops.current_ticket(db.session, counter)
    window = timedelta(seconds=current_app.config["QUEUE_UNDO_SECONDS"])
    return {"counter": counter, "mpp": counter.mpp, "current": current, "line": line,
            "moves": ops.transfers(db.session, [t.id for t in line]
                                   + ([current.id] if current else [])),
            "brief": ops.brief(db.session, current) if current else None,
            "undo": ops.undoable(db.session, counter, current_user, now, window),
            "now_utc": clock.utc(now), "reasons": PRIORITY_REASONS, "undo_labels": UNDONE,
            "local_time": lambda naive: clock.to_local(counter.mpp, naive).time()}


def _transfer_form(counter, current=None):
    """The hall's other lines, the first of them chosen (a transfer goes elsewhere)."""
    form = TransferForm()
    form.queue.choices = [SelectChoice(str(q.id), f"{q.letter} · {q.name}")
                          for q in counter.mpp.queues]
    if current is not None and not form.is_submitted():
        others = [q for q in counter.mpp.queues if q.id != current.queue_id]
        if others:
            form.queue.data = str(others[0].id)
    return form


UNDONE = {EventKind.CALLED: _l("panggilan"), EventKind.STARTED: _l("mulai layani"),
          EventKind.FINISHED: _l("selesai"), EventKind.NO_SHOW: _l("tidak hadir"),
          EventKind.TRANSFERRED: _l("pengalihan")}

ACTIONS = {"buka", "jeda", "berikutnya", "panggil", "ulang", "mulai", "selesai",
           "tidak-hadir", "alihkan", "urungkan"}


@bp.post("/staf/loket/<int:counter_id>/<action>")
@login_required
def act(counter_id, action):
    if action not in ACTIONS:
        abort(404)
    begin_write(db.session)
    counter = _counter(counter_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        _do(action, counter, clock.now())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message))
        return redirect(url_for(".console", counter_id=counter_id))
    db.session.commit()
    return redirect(url_for(".console", counter_id=counter_id))


def _do(action, counter, now):
    user = current_user._get_current_object()
    if action in ("buka", "jeda"):
        return ops.set_counter_open(db.session, counter, action == "buka", user, now)
    if action == "berikutnya":
        ticket = ops.call_next(db.session, counter, user, now, _policy())
        if ticket is None:
            raise ops.QueueRefused(_l("Tidak ada yang menunggu."))
        return notices.called(db.session, ticket, counter, now, _policy())
    if action == "panggil":
        form = CallForm()
        if not form.validate():
            abort(400)
        ticket = db.session.get(Ticket, int(form.ticket.data))
        if ticket is None or ticket.queue.mpp_id != counter.mpp_id:
            abort(404)
        ops.call_ticket(db.session, ticket, counter, user, now)
        return notices.called(db.session, ticket, counter, now, _policy())
    if action == "urungkan":
        ticket, kind = ops.undo(db.session, counter, user, now, timedelta(
            seconds=current_app.config["QUEUE_UNDO_SECONDS"]))
        flash(_l("Diurungkan: %(what)s %(ticket)s.", what=UNDONE[kind], ticket=ticket.display))
        return None
    ticket = ops.current_ticket(db.session, counter)
    if ticket is None:
        raise ops.QueueRefused(_l("Belum ada tiket di loket ini."))
    if action == "ulang":
        ops.recall(db.session, ticket, counter, user, now,
                   current_app.config["QUEUE_MAX_RECALLS"])
        if ticket.status == "called":                # called again, not given up
            notices.called(db.session, ticket, counter, now, _policy())
        return None
    if action == "mulai":
        return ops.start_service(db.session, ticket, counter, user, now)
    if action == "selesai":
        return ops.finish(db.session, ticket, counter, user, now)
    if action == "tidak-hadir":
        return ops.mark_no_show(db.session, ticket, counter, user, now)
    form = _transfer_form(counter)
    if not form.validate():
        raise ops.QueueRefused(_l("Catatan paling panjang 200 huruf.") if form.note.errors
                               else _l("Pilih antrean tujuan dari daftar."))
    target = db.session.get(Queue, int(form.queue.data))
    return ops.transfer(db.session, ticket, counter, target, user, now, form.note.data)
