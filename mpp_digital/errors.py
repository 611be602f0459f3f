"""Domain errors and the error pages: HTML for people, JSON for /api/."""
import logging

from flask import make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the request; the message can be shown to a citizen."""
    status = 409

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404


def _wants_json():
    return request.path.startswith("/api/")


def _error_page(status, title, message):
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


# Headers an HTTP error carries that its answer must keep: RFC 9110 requires Allow on a 405;
# Retry-After tells a throttled client when to come back.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _with_headers(answer, exc):
    response = make_response(answer)
    for name, value in exc.get_headers():
        if name in KEPT_HEADERS:
            response.headers[name] = value
    return response


def route():
    """The URL rule of this request ("/tiket/<token>"), never its path: paths carry tokens."""
    return request.url_rule.rule if request.url_rule else "(no route)"


def init_app(app, api):
    @app.errorhandler(SecurityError)
    def untrusted_host(exc):
        # No page: URLs cannot be built for a host the site does not answer to.
        return "Bad Request: this site does not answer to that host name.\n", 400, {
            "Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if _wants_json():
            return _with_headers(api.handle_http_exception(exc), exc)
        pages = {
            404: (_("Halaman tidak ditemukan"), _("Halaman yang Anda cari tidak ada. "
                                                 "Periksa alamatnya, atau mulai dari beranda.")),
            405: (_("Permintaan tidak didukung"),
                  _("Permintaan ini tidak dapat dilayani di alamat ini.")),
            400: (_("Permintaan tidak valid"),
                  _("Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi.")),
            429: (_("Terlalu banyak permintaan"),
                  _("Anda mengirim terlalu banyak permintaan dalam waktu singkat. Tunggu "
                    "sebentar, lalu coba lagi.")),
        }
        title, message = pages.get(exc.code, (_("Terjadi kesalahan"),
                                              _("Terjadi kesalahan. Silakan coba lagi nanti.")))
        return _with_headers(_error_page(exc.code, title, message), exc)

    @app.errorhandler(DomainError)
    def domain_error(exc):
        if _wants_json():
            return {"code": exc.status, "status": HTTP_STATUS_CODES[exc.status],
                    "message": str(exc.message)}, exc.status
        title = _("Halaman tidak ditemukan") if exc.status == 404 else _("Tidak dapat diproses")
        return _error_page(exc.status, title, exc.message)

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        log.exception("Unhandled error on %s %s", request.method, route())
        if _wants_json():
            return api.handle_http_exception(InternalServerError())
        return _error_page(500, _("Terjadi kesalahan"),
                           _("Maaf, terjadi kesalahan di sistem kami. Silakan coba lagi nanti."))
