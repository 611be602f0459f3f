"""A hall's enrolled devices (kiosks): a manager adds one and gets its one-time code, sees
which are enrolled, and revokes them."""
from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..accounts import devices
from ..accounts.models import Device
from ..extensions import db
from ..forms import ConfirmForm
from . import forms
from .access import hall, staff_only
from .pages import confirmed, writes

bp = Blueprint("devices", __name__)


def _page(mpp, form=None, code=None, status=200):
    listed = db.session.scalars(select(Device).where(Device.mpp_id == mpp.id)
                                .order_by(Device.revoked_at.is_not(None), Device.name)).all()
    return render_template("admin/devices.html", mpp=mpp, devices=listed,
                           form=form or forms.DeviceForm(), action=ConfirmForm(),
                           code=code, now=clock.utc(clock.now())), status


@bp.get("/mpp/<slug>/perangkat")
@staff_only
def index(slug):
    return _page(hall(slug))


@bp.post("/mpp/<slug>/perangkat")
@staff_only
@writes
def add(slug):
    """Not `pages.submit`: the one-time code is shown once, on this page."""
    mpp = hall(slug)
    form = forms.DeviceForm()
    if not form.validate_on_submit():
        return _page(mpp, form=form, status=422)
    device, code = devices.add_device(db.session, mpp, form.name.data, "kiosk",
                                      current_user, clock.now())
    db.session.commit()
    return _page(mpp, code=(device, code))


@bp.post("/mpp/<slug>/perangkat/<int:device_id>/cabut")
@staff_only
@writes
def revoke(slug, device_id):
    mpp = hall(slug)
    device = db.session.get(Device, device_id)
    if device is None or device.mpp_id != mpp.id:
        abort(404)
    return confirmed(lambda actor, now: devices.revoke_device(db.session, device, actor, now),
                     _l("%(name)s dicabut: perangkat itu tidak lagi dapat mengeluarkan nomor "
                        "antrean.", name=device.name), ".index", slug=slug)
