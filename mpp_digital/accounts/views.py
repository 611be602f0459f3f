from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from .. import clock
from ..errors import DomainError
from ..extensions import begin_write, db, limiter, login_manager
from . import devices, login_limits
from . import operations as ops
from .forms import EnrolDeviceForm, LoginForm

bp = Blueprint("accounts", __name__, url_prefix="/staf")


@login_manager.user_loader
def _load(cookie_id):
    return ops.load_user(db.session, cookie_id)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response):
    return response.status_code == 401


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def login():
    form = LoginForm()
    refusal, status, headers = None, 200, {}
    if form.validate_on_submit():
        email, address = ops.normalise_email(form.email.data), get_remote_address()
        wait = login_limits.wait_seconds(email, address)
        if wait:
            refusal, status = _("Terlalu banyak percobaan masuk yang gagal untuk akun ini dari "
                                "perangkat ini. Coba lagi dalam %(minutes)d menit, atau minta "
                                "pengelola mengatur ulang kata sandi.",
                                minutes=max(1, round(wait / 60))), 429
            headers["Retry-After"] = str(wait)
        elif (user := ops.authenticate(db.session, email, form.password.data)) is None:
            login_limits.failed(email, address)
            refusal, status = _("Email atau kata sandi salah."), 401
        else:
            session.clear()                   # a new session on login
            login_user(user)
            return redirect(url_for("queue.staff_home"))
    return render_template("accounts/login.html", form=form, refusal=refusal), status, headers


@bp.post("/keluar")
@login_required
def logout():
    begin_write(db.session)
    ops.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for(".login"))


def _enrol_limit():
    return current_app.config["DEVICE_ENROL_RATE_LIMIT"]


@bp.route("/perangkat", methods=["GET", "POST"])
@limiter.limit(_enrol_limit, methods=["POST"])
def enrol_device():
    form = EnrolDeviceForm()
    refusal, status = None, 200
    if form.validate_on_submit():
        begin_write(db.session)
        try:
            device, cookie = devices.claim_enrolment(db.session, form.code.data, clock.now())
        except DomainError as exc:
            db.session.rollback()
            refusal, status = exc.message, 409
        else:
            slug = device.mpp.slug
            db.session.commit()
            return devices.remember(redirect(url_for("queue.kiosk", slug=slug)), cookie)
    elif form.errors:
        status = 422
    return render_template("accounts/enrol_device.html", form=form, refusal=refusal,
                           device=devices.current_device(db.session)), status
