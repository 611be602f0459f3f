"""Degrade, don't die: the read-only switch and a database that does not answer.

- `MPP_READ_ONLY=1`: every write (any method but GET/HEAD/OPTIONS) answers 503 with a page
  that says what to do; reading goes on.
- The database unreachable: a catalogue, search or service page this process has served
  before is served again from its copy, with a notice; anything else — booking, tickets,
  staff — answers 503 with a clear message and no traceback.

The copies are per process and bounded (LRU): a page nobody has opened since the process
started cannot be served during an outage, and says so.
"""
import threading
from collections import OrderedDict

from flask import g, make_response, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import OperationalError

from ..errors import route
from ..extensions import db

READS = {"GET", "HEAD", "OPTIONS"}
# Pages that may be served from a copy: the public catalogue and search.
COPYABLE = ("catalogue.", "search.")
COPIES = 500


class PageCopies:
    def __init__(self, size=COPIES):
        self.size = size
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key, body):
        with self._lock:
            self._pages[key] = body
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def get(self, key):
        with self._lock:
            return self._pages.get(key)


def _key():
    return (request.full_path, str(g.get("language") or request.cookies.get("bahasa", "id")))


def _copyable():
    return request.method == "GET" and (request.endpoint or "").startswith(COPYABLE)


def _unavailable(title, message):
    if request.path.startswith("/api/"):
        return {"code": 503, "status": "Service Unavailable", "message": message}, 503
    response = make_response(render_template("errors/error.html", status=503, title=title,
                                             message=message), 503)
    response.headers["Retry-After"] = "120"
    return response


def init_app(app):
    copies = app.extensions["mpp_page_copies"] = PageCopies()

    @app.before_request
    def read_only():
        if app.config["READ_ONLY"] and request.method not in READS:
            return _unavailable(
                _("Sedang pemeliharaan"),
                _("Sistem sedang dalam pemeliharaan: halaman dapat dibaca, tetapi pemesanan, "
                  "tiket dan perubahan data ditunda. Silakan coba lagi beberapa saat lagi, "
                  "atau datang langsung ke MPP."))

    @app.after_request
    def keep_copy(response):
        if _copyable() and response.status_code == 200 and response.mimetype == "text/html":
            copies.put(_key(), response.get_data())
        return response

    @app.errorhandler(OperationalError)       # what the drivers raise when they cannot connect
    def database_away(exc):
        app.logger.error("database unreachable on %s %s", request.method, route())
        try:
            db.session.rollback()
        except Exception:
            pass
        body = copies.get(_key()) if _copyable() else None
        if body is not None:
            notice = Markup('<div class="notice" role="status"><p>{}</p></div>').format(
                _("Sedang ada gangguan sistem. Halaman ini salinan terakhir yang tersimpan; "
                  "pemesanan dan antrean daring sementara tidak tersedia."))
            text = body.decode("utf-8").replace('<main id="main">',
                                                '<main id="main">' + str(notice), 1)
            response = make_response(text, 200)
            response.headers["X-MPP-Degraded"] = "copy"
            return response
        return _unavailable(
            _("Layanan sementara terganggu"),
            _("Sistem sedang mengalami gangguan. Pemesanan, tiket dan halaman staf sementara "
              "tidak tersedia. Silakan coba lagi beberapa menit lagi, atau datang langsung ke "
              "MPP."))
