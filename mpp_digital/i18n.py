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


def _safe_next(target):
    """Only a path on this site: never a redirect elsewhere."""
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in target:
        return "/"
    return target


@bp.get("/bahasa/<code>")
def switch(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(_safe_next(request.args.get("next")))
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
