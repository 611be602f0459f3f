"""`flask ops`: backup, restore, check."""
import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import backup as backups
from . import check as invariants

ops_cli = AppGroup("ops", help="Backups and invariant checks.")


@ops_cli.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup_command(target):
    """Copy the SQLite database to TARGET (consistent while the site runs)."""
    try:
        path = backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except (backups.NotSqlite, FileExistsError) as refused:
        raise click.ClickException(str(refused))
    click.echo(f"Backup written: {path}")


@ops_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the current database without asking.")
def restore_command(source, yes):
    """Replace the SQLite database with the backup SOURCE. Stop the site first."""
    if not yes:
        click.confirm("This replaces every row of the current database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        backups.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except (backups.NotSqlite, backups.RestoreRefused) as refused:
        raise click.ClickException(str(refused))
    click.echo(f"Restored from {source}. Rebuild the search index: flask search reindex")


@ops_cli.command("check")
def check_command():
    """Verify invariants: slot seats match bookings; ticket numbers gapless per queue and day."""
    drifts = invariants.run(db.session)
    for drift in drifts:
        click.echo(f"DRIFT {drift.what} at {drift.where}: {drift.detail}")
    if drifts:
        raise click.ClickException(f"{len(drifts)} invariant(s) drifted")
    click.echo("All invariants hold: slot seats match bookings; ticket numbers are gapless.")
