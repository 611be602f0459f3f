"""Who may reach the back office: managers their own hall (any other answers 404, so that no
page tells a manager which other halls exist), national admins every hall and the national
catalogue, clerks nothing (403)."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..accounts import operations as accounts
from ..catalogue import operations as catalogue
from ..errors import NotFound
from ..extensions import db


def staff_only(view):
    """Managers and national admins; a clerk is refused (403)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.is_clerk:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def national_only(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_national_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def hall(slug):
    """The hall, if this user manages it: 404 for any other, so that no page tells a manager
    which other halls exist."""
    try:
        mpp = catalogue.get_mpp(db.session, slug)    # with its offerings, services and hours
    except NotFound:
        abort(404)                             # the same page as for a hall not theirs
    if not accounts.can_see_mpp(current_user, mpp.id):
        abort(404)
    return mpp
