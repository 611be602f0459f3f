"""`flask api-clients`: the partners allowed to book through the API."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..accounts import api_clients
from ..accounts.models import ApiClient
from ..catalogue.models import Mpp
from ..errors import DomainError
from ..extensions import begin_write, db

api_clients_cli = AppGroup("api-clients", help="Partners allowed to book through the API.")


@api_clients_cli.command("create")
@click.argument("name")
@click.option("--mpp", "mpp_slugs", multiple=True, help="A hall it may book at (repeatable).")
@click.option("--all-mpps", is_flag=True, help="It may book at every hall.")
@click.option("--rate-limit", default="60 per minute;2000 per hour", show_default=True)
def create_api_client(name, mpp_slugs, all_mpps, rate_limit):
    """Create an API client and print its key (shown once)."""
    begin_write(db.session)
    halls = db.session.scalars(select(Mpp).where(Mpp.slug.in_(mpp_slugs))).all()
    unknown = set(mpp_slugs) - {m.slug for m in halls}
    if unknown:
        raise click.ClickException(f"No MPP {', '.join(sorted(unknown))}.")
    try:
        client, key = api_clients.create_api_client(db.session, name, halls, all_mpps,
                                                    rate_limit, None, clock.now())
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"API client {client.id} ({client.name}) created. Its key, shown only now:")
    click.echo(key)


@api_clients_cli.command("list")
def list_api_clients():
    """List API clients: id, name, halls, limit, revoked or not."""
    for client in db.session.scalars(select(ApiClient).order_by(ApiClient.id)):
        halls = "all MPPs" if client.all_mpps else ", ".join(m.slug for m in client.mpps)
        state = "revoked" if client.revoked_at else "active"
        click.echo(f"{client.id}\t{client.name}\t{halls}\t{client.rate_limit}\t{state}")


@api_clients_cli.command("revoke")
@click.argument("client_id", type=int)
def revoke_api_client(client_id):
    """Revoke an API client's key at once."""
    begin_write(db.session)
    client = db.session.get(ApiClient, client_id)
    if client is None:
        raise click.ClickException(f"No API client {client_id}.")
    api_clients.revoke_api_client(db.session, client, None, clock.now())
    db.session.commit()
    click.echo(f"API client {client_id} revoked.")
