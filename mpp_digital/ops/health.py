"""/healthz: the process answers. /readyz: it can serve — database reachable, schema at the
newest migration, search index usable. For a load balancer; no details a visitor could use."""
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import text

from ..extensions import db
from .security import talisman

bp = Blueprint("ops", __name__)


# Probes come from the load balancer over plain HTTP: no redirect to HTTPS for them.
@bp.get("/healthz")
@talisman(force_https=False)
def healthz():
    return {"status": "ok"}


def _schema_current():
    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == set(script.get_heads())


def checks():
    from ..search import get_index
    result = {}
    try:
        db.session.execute(text("SELECT 1"))
        result["database"] = "ok"
        result["migrations"] = "ok" if _schema_current() else "behind"
    except Exception:              # the reason goes to the log, not to the prober
        current_app.logger.warning("readyz: database unreachable", exc_info=True)
        result["database"] = result["migrations"] = "unreachable"
    finally:
        db.session.rollback()
    try:
        get_index().open()
        result["search_index"] = "ok"
    except Exception:
        result["search_index"] = "unusable"
        get_index().rebuild_soon()
    return result


@bp.get("/readyz")
@talisman(force_https=False)
def readyz():
    result = checks()
    ready = all(value == "ok" for value in result.values())
    return {"status": "ready" if ready else "not ready", "checks": result}, 200 if ready else 503
