"""Which language a page is in: Bahasa Indonesia unless the visitor chose English."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, has_request_context, redirect, request
from flask_babel import get_locale, get_translations

bp = Blueprint("i18n", __name__)


def select_locale():
    if not has_request_context():                 # CLI and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# A page asks for its language hundreds of times (each time, fee and service name it shows)
# and for a translation at every _(): Flask-Babel answers each through several context-local
# lookups. These two read the locale where Flask-Babel keeps it for the context (so that
# force_locale, which replaces it, is obeyed); translations() keeps its catalogue beside it.

def _babel_state():
    """Flask-Babel's namespace for this app context, or None outside one."""
    try:
        return getattr(g._get_current_object(), "_flask_babel", None)
    except RuntimeError:
        return None


def language():
    """The language of what is being rendered, "id" or "en": str(flask_babel.get_locale()),
    worked out once per context and locale (Babel builds the string at every str())."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return str(get_locale())
    kept = getattr(state, "mpp_language", None)
    if kept is None or kept[0] is not locale:
        kept = state.mpp_language = (locale, str(locale))
    return kept[1]


def translations():
    """flask_babel.get_translations(), looked up once per context and locale."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()
    kept = getattr(state, "mpp_translations", None)
    if kept is None or kept[0] is not locale:
        kept = state.mpp_translations = (locale, get_translations())
    return kept[1]


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
    """After Babel.init_app: templates translate through translations()."""
    app.register_blueprint(bp)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)

    @app.context_processor
    def language():
        current = select_locale()
        other = "en" if current == "id" else "id"
        return {"current_language": current, "other_language": other}

    @app.after_request
    def vary_on_language(response):
        response.vary.add("Cookie")
        return response
