"""Security headers through Flask-Talisman: a CSP with no inline script or style, no framing,
HSTS and secure cookies when the site runs behind TLS (production)."""
from flask import request
from flask_talisman import Talisman

talisman = Talisman()

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app):
    production = app.config["ENV_NAME"] == "production"
    talisman.init_app(
        app, content_security_policy=CSP, frame_options="DENY",
        force_https=production and app.config["FORCE_HTTPS"],
        strict_transport_security=production, session_cookie_secure=production,
        session_cookie_http_only=True, referrer_policy="same-origin")
    if production:
        app.config["SESSION_COOKIE_SECURE"] = True      # read by every cookie the app sets
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"   # URLs built outside a request

    @app.after_request
    def staff_pages_are_not_kept(response):
        """Staff pages show citizens' names, comments and the audit log: no cache keeps them."""
        if request.path == "/staf" or request.path.startswith("/staf/"):
            response.headers["Cache-Control"] = "no-store"
        return response
