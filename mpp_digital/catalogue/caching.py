"""Public catalogue pages answer conditional requests and come from a rendered-page cache.

A page's ETag is the catalogue's version (versioning.py), the page's language and, for a hall
page, the part of the day it shows ("open now" flips at each opening and closing time, and the
date at midnight in the hall's zone). A client that holds it gets 304; anyone else gets the
page from the cache under that same key, rendered once per version, language and part of the
day. Nothing is invalidated: a change makes a new version, and the old keys age out.

Never cached or shared: pages for a signed-in member of staff, a response that sets a cookie
(a CSRF token in a form, a flashed message read), anything but a 200. The language comes from
a cookie, so shared caches are told `Vary: Cookie`; residents who never switched language send
no cookie at all, and those are the pages a proxy can share.
"""
from bisect import bisect_right
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from .. import clock
from ..extensions import db, keep_page, kept_page, remembered
from . import operations, versioning


def _local_now(version, slug):
    zone = remembered("hall-zones", (version, slug),
                      lambda: clock.zone(operations.get_hall(db.session, slug)))
    return clock.now().astimezone(zone)


def _day_part(version, slug):
    """Which part of its day a hall is in: its local date and how many of today's opening and
    closing times have passed (loaded once per catalogue version, hall and day)."""
    local = _local_now(version, slug)

    def times():
        hall = operations.get_hall(db.session, slug, hours=True)
        today = operations.hall_day(db.session, hall, clock.now(), "id")
        return sorted(t for span in today.status.spans for t in span)
    passed = bisect_right(remembered("hall-day-parts", (version, slug, local.date()), times),
                          local.time().replace(tzinfo=None))
    return f"{local.date().isoformat()}.{passed}"


def _hall_date(version, slug):
    return _local_now(version, slug).date().isoformat()


def public_page(time_part=None, versions=None):
    """A public page with an ETag and the page cache; `time_part(version, slug)` adds what of
    the clock the page shows (see _day_part and _hall_date). A page whose part is read from
    the database gives `versions(slug)` instead: (the catalogue's version, the part), read in
    one statement."""
    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            if current_user.is_authenticated:
                g.pop("catalogue_version", None)     # page_version() reads it afresh
                response = make_response(view(**kwargs))
                response.headers["Cache-Control"] = "private, no-cache"
                return response
            if versions is not None:
                version, part = versions(kwargs["slug"])
            else:
                version = versioning.current()
                part = None if time_part is None else time_part(version, kwargs["slug"])
            g.catalogue_version = version
            parts = [f"c{version}", str(get_locale())] + ([] if part is None else [part])
            etag = "-".join(parts)
            if request.if_none_match.contains_weak(etag):   # a gzipping proxy weakens it
                response = make_response("", 304)
            else:
                response = _rendered(f"{request.full_path}|{etag}", view, kwargs)
            if personal(response):
                response.headers["Cache-Control"] = "private, no-cache"
            elif response.status_code in (200, 304):
                response.set_etag(etag)
                response.headers["Cache-Control"] = (
                    f"public, max-age={current_app.config['PUBLIC_MAX_AGE']}, "
                    "stale-while-revalidate="
                    f"{current_app.config['PUBLIC_STALE_WHILE_REVALIDATE']}")
                response.vary.add("Cookie")
            return response
        return wrapped
    return decorator


def page_version():
    """The catalogue's version the public page being rendered is for: read once by
    public_page (read here for a member of staff, whose pages are not kept)."""
    version = g.get("catalogue_version")
    return versioning.current() if version is None else version


def _rendered(key, view, kwargs):
    body = kept_page(key)
    if body is not None:
        response = make_response(body)
        response.mimetype = "text/html"
        return response
    response = make_response(view(**kwargs))
    if response.status_code == 200 and not personal(response) \
            and response.mimetype == "text/html":
        keep_page(key, response.get_data())
    return response


def personal(response):
    """The answer is one person's: it read a flashed message or stored a token in the session,
    or it sets a cookie. Never kept or shared."""
    return session.modified or bool(response.headers.get("Set-Cookie"))


hall_page = public_page(_day_part)
hall_dated_page = public_page(_hall_date)
national_page = public_page()
