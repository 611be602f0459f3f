"""MPP Digital: one Flask application for the catalogues, bookings and queues of many MPPs."""
import logging
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask


def site_root():
    """The folder holding templates/ and static/.

    In a checkout (and an editable install) they sit beside the package; a wheel installs them
    as data files under <prefix>/share/mpp-digital/ (see setup.cfg).
    """
    for candidate in (Path(__file__).resolve().parent.parent,
                      Path(sys.prefix) / "share" / "mpp-digital"):
        if (candidate / "templates").is_dir() and (candidate / "static").is_dir():
            return candidate
    raise RuntimeError("MPP Digital cannot find its templates/ and static/ folders: install "
                       "it from a wheel or a checkout.")


def create_app(test_config=None, instance_path=None):
    """Build the app: defaults → instance/config.py → MPP_* environment → test_config."""
    root = site_root()
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True,
                template_folder=str(root / "templates"), static_folder=str(root / "static"))
    app.config.from_object("mpp_digital.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("MPP")
    if test_config:
        app.config.from_mapping(test_config)
    _settle_config(app)

    from . import cli, errors, filters, i18n, notify, ops, search, throttle
    from .extensions import (api, babel, cache, csrf, db, limiter, login_manager, migrate,
                             ping_idle_connections)

    db.init_app(app)
    with app.app_context():
        ping_idle_connections(db.engine)
    migrate.init_app(app, db)
    csrf.init_app(app)
    cache.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    api.init_app(app)
    limiter.init_app(app)
    throttle.init_app(app)
    login_manager.init_app(app)
    errors.init_app(app, api)
    filters.init_app(app)
    i18n.init_app(app)
    cli.init_app(app)
    search.init_app(app)
    notify.init_app(app)
    ops.init_app(app)

    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .booking.views import bp as booking_bp
    from .booking.visit_views import bp as visits_bp
    from .catalogue.views import bp as catalogue_bp
    from .pwa import bp as pwa_bp
    from .queue.views import bp as queue_bp
    from .reports.views import bp as reports_bp
    from .survey.views import bp as survey_bp

    app.register_blueprint(catalogue_bp)
    app.register_blueprint(booking_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(queue_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(accounts_bp)
    api.register_blueprint(api_bp)
    # The API takes no cookies: reads are public, and booking needs a partner's bearer key.
    csrf.exempt(api_bp)
    api.spec.components.security_scheme(
        "partnerKey", {"type": "http", "scheme": "bearer",
                       "description": "the key of an API client, made by a national admin "
                                      "(back office or `flask api-clients create`)"})
    return app


class InsecureConfiguration(RuntimeError):
    """Production without real secrets: the app refuses to start."""


def _settle_config(app):
    production = app.config["ENV_NAME"] == "production"
    if production:
        missing = [k for k in ("SECRET_KEY", "NIK_HMAC_KEY")
                   if len(str(app.config.get(k) or "")) < 32]
        if missing:
            raise InsecureConfiguration(
                f"MPP_ENV_NAME=production needs {' and '.join(missing)} of at least 32 "
                "characters (MPP_SECRET_KEY, MPP_NIK_HMAC_KEY or instance/config.py).")
    if production and not app.config.get("SERVER_NAME"):
        raise InsecureConfiguration(
            "MPP_ENV_NAME=production needs MPP_SERVER_NAME (the site's host, e.g. "
            "mpp.example.go.id): links in QR codes, e-mails and the API are built from it, "
            "never from the Host header a client sends.")
    _settle_hosts(app)
    if production and str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory:"):
        logging.getLogger(__name__).warning(
            "Rate limits are counted per process (memory://): with several workers or "
            "machines set MPP_RATELIMIT_STORAGE_URI=redis://… so that they share them.")
    if app.config["LOG_JSON"] is None:
        app.config["LOG_JSON"] = production
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        url = app.config["DATABASE_URL"]
        if not url:
            Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
            url = f"sqlite:///{Path(app.instance_path) / 'mpp.sqlite3'}"
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    _private_sqlite(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("NIK_HMAC_KEY"):
        logging.getLogger(__name__).warning(
            "No NIK_HMAC_KEY in instance/config.py: per-NIK booking limits reset with each "
            "process. `flask --app mpp_digital init` writes one.")
        app.config["NIK_HMAC_KEY"] = secrets.token_urlsafe(32)
    if not app.config.get("SECRET_KEY"):
        # Without `flask init` there is no persistent key: sessions last one process.
        logging.getLogger(__name__).warning(
            "No SECRET_KEY in instance/config.py: sessions will not outlive this process. "
            "`flask --app mpp_digital init` writes one.")
        app.config["SECRET_KEY"] = secrets.token_urlsafe(32)


def _settle_hosts(app):
    """With a SERVER_NAME, only its host (and MPP_TRUSTED_HOSTS) may be named by a request:
    another Host header gets 400, and absolute URLs always use SERVER_NAME."""
    hosts = app.config.get("TRUSTED_HOSTS") or []
    if isinstance(hosts, str):
        hosts = [h.strip() for h in hosts.split(",") if h.strip()]
    if app.config.get("SERVER_NAME"):
        own = urlsplit(f"//{app.config['SERVER_NAME']}").hostname      # without the port
        hosts = [own, *(h for h in hosts if h != own)]
    app.config["TRUSTED_HOSTS"] = hosts or None


def _private_sqlite(url):
    """The SQLite file holds bookings: readable by its owner only (0600), WAL files too."""
    from .ops.backup import NotSqlite, make_private, sqlite_path
    try:
        make_private(sqlite_path(url))
    except NotSqlite:
        return
    except OSError as exc:
        logging.getLogger(__name__).warning("Could not make the database owner-only: %s", exc)
