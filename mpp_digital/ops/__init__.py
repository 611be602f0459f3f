"""Running the app in production: health checks, request logs, security headers, the
read-only switch and degraded service when the database is away, backups and invariants."""


def init_app(app):
    from . import degrade, health, logs, security
    security.init_app(app)
    logs.init_app(app)
    degrade.init_app(app)
    app.register_blueprint(health.bp)
    from .cli import ops_cli
    app.cli.add_command(ops_cli)
