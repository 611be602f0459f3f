from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import begin_write, db, limiter, login_manager
from . import operations as ops
from .forms import LoginForm

bp = Blueprint("accounts", __name__, url_prefix="/staf")


@login_manager.user_loader
def _load(cookie_id):
    return ops.load_user(db.session, cookie_id)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_key():
    """Throttle per account (whoever tries it) as well as per address."""
    return "login:" + ops.normalise_email(request.form.get("email"))


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_key)
def login():
    form = LoginForm()
    refusal = None
    if form.validate_on_submit():
        user = ops.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            refusal = _("Email atau kata sandi salah.")
        else:
            session.clear()                   # a new session on login
            login_user(user)
            return redirect(url_for("queue.staff_home"))
    return render_template("accounts/login.html", form=form, refusal=refusal), \
        401 if refusal else 200


@bp.post("/keluar")
@login_required
def logout():
    begin_write(db.session)
    ops.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for(".login"))
