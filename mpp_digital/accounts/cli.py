"""`flask accounts create-admin` and account upkeep."""
import click
from flask.cli import AppGroup

from .. import clock
from ..errors import DomainError
from ..extensions import begin_write, db
from .models import Role
from .operations import create_user

accounts_cli = AppGroup("accounts", help="Staff accounts.")


@accounts_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Admin Nasional", show_default=True)
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_admin(email, name, password):
    """Create a national admin account."""
    begin_write(db.session)
    try:
        create_user(db.session, email, name, password, Role.NATIONAL_ADMIN,
                    clock.utc(clock.now()))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"National admin {email.lower()} created.")

