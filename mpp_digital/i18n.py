"""Which language a page is in: Bahasa Indonesia unless the visitor chose English."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, has_request_context, redirect, request

bp = Blueprint("i18n", __name__)


def select_locale():
    if not has_request_context():                 # CLI and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target):
    """Only a path on this site: never a redirect elsewhere.

    Judged on what the browser will follow, not on what was sent: Werkzeug collapses leading
    slashes ("////evil.example" becomes "//evil.example", a host), and browsers read a
    backslash as a slash and drop tabs and newlines, so any of those refuses the target.
    """
    target = target or "/"
    if any(ch in target for ch in "\\\t\r\n") or not target.isprintable():
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.get("/bahasa/<code>")
def switch(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(current_app.config["LANGUAGE_COOKIE"], code, max_age=365 * 24 * 3600,
                        samesite="Lax", httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def language():
        current = select_locale()
        other = "en" if current == "id" else "id"
        return {"current_language": current, "other_language": other}

    @app.after_request
    def vary_on_language(response):
        response.vary.add("Cookie")
        return response
