"""MPP Digital: one Flask application for the catalogues, bookings and queues of many MPPs."""
import logging
import secrets
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None, instance_path=None):
    """Build the app: defaults → instance/config.py → MPP_* environment → test_config."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_object("mpp_digital.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("MPP")
    if test_config:
        app.config.from_mapping(test_config)
    _settle_config(app)

    from . import cli, errors, filters, i18n, ops, search
    from .extensions import api, babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    api.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    errors.init_app(app, api)
    filters.init_app(app)
    i18n.init_app(app)
    cli.init_app(app)
    search.init_app(app)
    ops.init_app(app)

    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .booking.views import bp as booking_bp
    from .catalogue.views import bp as catalogue_bp
    from .queue.views import bp as queue_bp
    from .reports.views import bp as reports_bp
    from .survey.views import bp as survey_bp

    app.register_blueprint(catalogue_bp)
    app.register_blueprint(booking_bp)
    app.register_blueprint(queue_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(accounts_bp)
    api.register_blueprint(api_bp)
    csrf.exempt(api_bp)   # read-only JSON; write endpoints will authenticate differently
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
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{Path(app.instance_path) / 'mpp.sqlite3'}"
        app.config["SQLALCHEMY_DATABASE_URI"] = url
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
