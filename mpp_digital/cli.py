"""Top-level commands: `flask init` prepares a site, optionally with the demo MPPs."""
import secrets
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db


def write_instance_config(instance_path):
    """instance/config.py with fresh secrets, unless it exists. Returns its path."""
    path = Path(instance_path) / "config.py"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "# Written by `flask init`. Keep secret; never commit.\n"
            f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\n"
            f"NIK_HMAC_KEY = {secrets.token_urlsafe(48)!r}\n", encoding="utf-8")
        path.chmod(0o600)
    return path


@click.command("init")
@click.option("--demo", is_flag=True, help="Also load the 12 demo MPPs and their services.")
@with_appcontext
def init_command(demo):
    """Write instance/config.py secrets, migrate, load the regions, build the search index."""
    from .catalogue.demo import load_demo
    from .catalogue.operations import load_regions
    from .search import get_index

    config_path = write_instance_config(current_app.instance_path)
    click.echo(f"Configuration: {config_path}")
    upgrade()
    added = load_regions()
    click.echo(f"Regions: {added} kabupaten/kota added.")
    if demo:
        result = load_demo(datetime.now(timezone.utc).date())
        click.echo(f"Demo: {result.created} offerings added, {result.unchanged} already there.")
    db.session.commit()
    index = get_index()
    if index.rebuild(db.session):
        click.echo(f"Search index: {index.folder / index.current_generation()}")


def init_app(app):
    from .accounts.cli import accounts_cli
    from .booking.cli import booking_cli
    from .catalogue.cli import catalogue_cli

    app.cli.add_command(init_command)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(booking_cli)
    app.cli.add_command(accounts_cli)
