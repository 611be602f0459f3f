"""The back office's start page and audit log; each area is a blueprint of its own, nested
here under /staf/kelola (endpoints `admin.<area>.<action>`)."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import AuditLog, User
from ..catalogue.models import Mpp
from ..extensions import db
from . import (api_clients, counters, devices, hall, life_events, misfits, national, offerings,
               staff, standards)
from .access import hall as visible_hall
from .access import staff_only

bp = Blueprint("admin", __name__, url_prefix="/staf/kelola")
for area in (hall, offerings, counters, staff, misfits, devices, national, standards,
             life_events, api_clients):
    bp.register_blueprint(area.bp)


@bp.get("/")
@staff_only
def index():
    if current_user.is_manager:
        return redirect(url_for(".hall.index", slug=current_user.mpp.slug))
    halls = db.session.scalars(select(Mpp).order_by(Mpp.name)).all()
    return render_template("admin/index.html", halls=halls)


@bp.get("/audit")
@staff_only
def audit_log():
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(200)
    slug = request.args.get("mpp")
    if current_user.is_manager:
        if slug and slug != current_user.mpp.slug:
            abort(404)
        query = query.where(AuditLog.mpp_id == current_user.mpp_id)
    elif slug:
        query = query.where(AuditLog.mpp_id == visible_hall(slug).id)
    entries = db.session.scalars(query).all()
    names = dict(db.session.execute(select(User.id, User.email).where(
        User.id.in_({e.user_id for e in entries if e.user_id}))).all())
    return render_template("admin/audit.html", entries=entries, names=names)
