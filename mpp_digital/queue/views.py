import hashlib
import json
from datetime import datetime, timedelta, timezone

from flask import (Blueprint, abort, current_app, flash, make_response, redirect,
                   render_template, request, url_for)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from ..accounts.operations import can_use_counter
from ..catalogue import operations as catalogue
from ..catalogue.models import Counter, Queue
from ..errors import DomainError
from ..extensions import begin_write, db
from . import operations as ops
from .forms import ActionForm, CallForm, CheckInForm, KioskTicketForm, TransferForm
from .models import Ticket
from .ordering import Policy

bp = Blueprint("queue", __name__)


def _now():
    return datetime.now(timezone.utc)


def _policy():
    return Policy(priority_boost=timedelta(minutes=current_app.config["PRIORITY_BOOST_MINUTES"]))


# --- the kiosk and the citizen's ticket ----------------------------------------------------

def _kiosk_form(mpp):
    form = KioskTicketForm(prefix="t")
    form.queue.choices = [SelectChoice(str(q.id), f"{q.letter} · {q.name}") for q in mpp.queues]
    return form


def _kiosk(mpp, form, check_in_form, refusal=None, status=200):
    return render_template("queue/kiosk.html", mpp=mpp, form=form, check_in=check_in_form,
                           refusal=refusal), status


@bp.get("/mpp/<slug>/kiosk")
def kiosk(slug):
    mpp = catalogue.get_mpp(slug)
    return _kiosk(mpp, _kiosk_form(mpp), CheckInForm(prefix="c"))


@bp.post("/mpp/<slug>/kiosk/ambil")
def take_ticket(slug):
    begin_write(db.session)
    mpp = catalogue.get_mpp(slug)
    form = _kiosk_form(mpp)
    if not form.validate_on_submit():
        return _kiosk(mpp, form, CheckInForm(prefix="c"), status=422)
    queue = db.session.get(Queue, int(form.queue.data))
    ticket = ops.issue_ticket(db.session, queue, _now(), priority=form.priority.data)
    token = ticket.token
    db.session.commit()
    return redirect(url_for(".ticket_print", token=token))


@bp.post("/mpp/<slug>/kiosk/check-in")
def check_in(slug):
    begin_write(db.session)
    mpp = catalogue.get_mpp(slug)
    form = CheckInForm(prefix="c")
    if not form.validate_on_submit():
        return _kiosk(mpp, _kiosk_form(mpp), form, status=422)
    config = current_app.config
    try:
        ticket = ops.check_in(db.session, mpp, form.code.data, _now(),
                              timedelta(minutes=config["CHECK_IN_BEFORE_MINUTES"]),
                              timedelta(minutes=config["CHECK_IN_AFTER_MINUTES"]))
    except DomainError as exc:
        db.session.rollback()
        return _kiosk(mpp, _kiosk_form(mpp), form, refusal=exc.message, status=409)
    token = ticket.token
    db.session.commit()
    return redirect(url_for(".ticket_print", token=token))


@bp.get("/tiket/<token>/cetak")
def ticket_print(token):
    ticket = ops.ticket_by_token(db.session, token)
    return render_template("queue/ticket_print.html", ticket=ticket, mpp=ticket.queue.mpp,
                           status_url=url_for(".ticket_status", token=token, _external=True))


@bp.get("/tiket/<token>")
def ticket_status(token):
    ticket = ops.ticket_by_token(db.session, token)
    return render_template("queue/status.html", ticket=ticket, mpp=ticket.queue.mpp,
                           state=ops.ticket_status(db.session, ticket, _now(), _policy()),
                           still=request.args.get("diam") == "1")


# --- the board -----------------------------------------------------------------------------

@bp.get("/mpp/<slug>/layar")
def board(slug):
    mpp = catalogue.get_mpp(slug)
    return render_template("queue/board.html", mpp=mpp, board=ops.board(db.session, mpp,
                                                                         _now()))


@bp.get("/mpp/<slug>/layar.json")
def board_json(slug):
    mpp = catalogue.get_mpp(slug)
    body = json.dumps(ops.board(db.session, mpp, _now()), separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        response = make_response("", 304)
    else:
        response = make_response(body)
        response.mimetype = "application/json"
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


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
    elif current_user.role == "mpp_manager":
        counters = db.session.scalars(select(Counter).where(
            Counter.mpp_id == current_user.mpp_id).order_by(Counter.number)).all()
    else:
        counters = current_user.counters
    return render_template("queue/staff_home.html", counters=counters, form=ActionForm())


@bp.get("/staf/loket/<int:counter_id>")
@login_required
def console(counter_id):
    counter = _counter(counter_id)
    now = _now()
    line = ops.in_order(ops.waiting(db.session, [q.id for q in counter.queues],
                                    ops.local_day(counter.mpp, now)), now, _policy())
    transfer = TransferForm()
    transfer.queue.choices = [SelectChoice(str(q.id), f"{q.letter} · {q.name}")
                              for q in counter.mpp.queues]
    return render_template("queue/console.html", counter=counter, mpp=counter.mpp,
                           current=ops.current_ticket(db.session, counter), line=line,
                           form=ActionForm(), call_form=CallForm(), transfer=transfer)


ACTIONS = {"buka", "jeda", "berikutnya", "panggil", "ulang", "mulai", "selesai",
           "tidak-hadir", "alihkan"}


@bp.post("/staf/loket/<int:counter_id>/<action>")
@login_required
def act(counter_id, action):
    if action not in ACTIONS:
        abort(404)
    begin_write(db.session)
    counter = _counter(counter_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        _do(action, counter, _now())
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
        if ops.call_next(db.session, counter, user, now, _policy()) is None:
            raise ops.QueueRefused(_l("Tidak ada yang menunggu."))
        return None
    if action == "panggil":
        ticket = _ticket_of(counter, request.form.get("ticket", ""))
        return ops.call_ticket(db.session, ticket, counter, user, now)
    ticket = ops.current_ticket(db.session, counter)
    if ticket is None:
        raise ops.QueueRefused(_l("Belum ada tiket di loket ini."))
    if action == "ulang":
        return ops.recall(db.session, ticket, counter, user, now,
                          current_app.config["QUEUE_MAX_RECALLS"])
    if action == "mulai":
        return ops.start_service(db.session, ticket, counter, user, now)
    if action == "selesai":
        return ops.finish(db.session, ticket, counter, user, now)
    if action == "tidak-hadir":
        return ops.mark_no_show(db.session, ticket, counter, user, now)
    target = _queue_of(counter, request.form.get("queue", ""))
    return ops.transfer(db.session, ticket, counter, target, user, now)


def _ticket_of(counter, raw):
    ticket = db.session.get(Ticket, int(raw)) if raw.isdigit() else None
    if ticket is None or ticket.queue.mpp_id != counter.mpp_id:
        abort(404)
    return ticket


def _queue_of(counter, raw):
    queue = db.session.get(Queue, int(raw)) if raw.isdigit() else None
    if queue is None or queue.mpp_id != counter.mpp_id:
        abort(404)
    return queue
