"""The API's partners, kept by national admins: register one (its key is shown once), see
which halls each may book at, revoke a key."""
from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from .. import clock
from ..accounts import api_clients
from ..accounts.models import ApiClient
from ..catalogue.models import Mpp
from ..errors import DomainError
from ..extensions import db
from ..forms import ConfirmForm
from . import forms
from .access import national_only
from .pages import confirmed, writes

bp = Blueprint("api_clients", __name__)


def _form():
    form = forms.ApiClientForm()
    form.mpps.choices = [SelectChoice(m.slug, m.name) for m in
                         db.session.scalars(select(Mpp).order_by(Mpp.name))]
    return form


def _page(form=None, created=None, status=200):
    clients = db.session.scalars(select(ApiClient).order_by(ApiClient.revoked_at.is_not(None),
                                                            ApiClient.name)).all()
    return render_template("admin/api_clients.html", clients=clients, form=form or _form(),
                           action=ConfirmForm(), created=created), status


@bp.get("/klien-api")
@national_only
def index():
    return _page()


@bp.post("/klien-api")
@national_only
@writes
def add():
    """Not `pages.submit`: the new key is shown once, on this page, never in a redirect."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=422)
    halls = db.session.scalars(select(Mpp).where(Mpp.slug.in_(form.mpps.data or []))).all()
    try:
        client, key = api_clients.create_api_client(
            db.session, form.name.data, halls, form.all_mpps.data, form.rate_limit.data,
            current_user, clock.now())
    except DomainError as exc:
        db.session.rollback()
        form.name.errors.append(exc.message)
        return _page(form, status=422)
    db.session.commit()
    return _page(created=(client, key))


@bp.post("/klien-api/<int:client_id>/cabut")
@national_only
@writes
def revoke(client_id):
    client = db.session.get(ApiClient, client_id) or abort(404)
    return confirmed(lambda actor, now: api_clients.revoke_api_client(db.session, client,
                                                                      actor, now),
                     _l("Kunci %(name)s dicabut.", name=client.name), ".index")
