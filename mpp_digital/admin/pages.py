"""How a back-office page answers a form, written once.

A POST takes the write lock before it reads (`writes`), loads what it changes, lets the form
check the shape and the operation the rules, and then either commits and redirects with a
message or rolls back and draws the page again with the reason on the field (422).
"""
from functools import wraps

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import clock
from ..errors import DomainError
from ..extensions import begin_write, db
from ..forms import ConfirmForm


def writes(view):
    """A POST begins its write before it loads anything (see extensions.begin_write)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST":
            begin_write(db.session)
        return view(*args, **kwargs)
    return wrapped


def submit(form, redraw, operation, message, endpoint, field=None, **values):
    """Run `operation(actor, now)` if the form is valid and commit; else redraw with 422.

    A rule the operation refuses (a DomainError) is shown as an error of the field it names,
    or of `field`, and nothing is written. A value of the redirect that is a function is given
    the operation's result (e.g. `offering_id=lambda offering: offering.id`).
    """
    if form.validate_on_submit():
        try:
            result = operation(current_user, clock.now())
        except DomainError as refused:
            db.session.rollback()
            target = getattr(refused, "field", None) or field
            if target:
                form[target].errors.append(refused.message)
            else:
                flash(refused.message, "error")
        else:
            return done(message, endpoint, **{
                name: value(result) if callable(value) else value
                for name, value in values.items()})
    return redraw(form), 422


def confirmed(operation, message, endpoint, **values):
    """A button with no fields (remove, deactivate): CSRF-checked, then the operation."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operation(current_user, clock.now())
    return done(message, endpoint, **values)


def done(message, endpoint, category="success", **values):
    db.session.commit()
    flash(message, category)
    return redirect(url_for(endpoint, **values))
