"""The site as an installable web app that opens offline: the manifest, the service worker
(served from the root so that its scope is the whole site; static/js/sw.js) and the page it
shows offline for a page never saved."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, make_response, render_template, url_for
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)


@lru_cache(maxsize=4)
def _worker(static_folder):
    """The worker's script with its release: a hash of itself and the files it keeps, so a
    new stylesheet or script ships a new worker, which replaces the old one's cache."""
    folder = Path(static_folder)
    parts = [folder / "js" / "sw.js", folder / "js" / "app.js", folder / "css" / "site.css"]
    digest = hashlib.sha256(b"".join(part.read_bytes() for part in parts)).hexdigest()[:12]
    return parts[0].read_text(encoding="utf-8").replace("__VERSION__", digest)


@bp.get("/sw.js")
def service_worker():
    response = make_response(_worker(current_app.static_folder))
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"          # a new release is seen at once
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    response = make_response({
        "name": "MPP Digital – Mal Pelayanan Publik",
        "short_name": "MPP Digital",
        "description": _("Layanan, persyaratan, jam buka dan janji di Mal Pelayanan Publik."),
        "lang": "id", "dir": "ltr",
        "start_url": url_for("catalogue.home"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b3d73",
        "icons": [{"src": url_for("static", filename=f"icons/icon-{size}.png"),
                   "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
                  for size in (192, 512)],
    })
    response.headers["Content-Type"] = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/offline")
def offline():
    """What the worker shows for a page not saved on the device; it fills in the list."""
    return render_template("pwa/offline.html")
