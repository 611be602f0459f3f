"""Top-level commands: `flask init` prepares a site, optionally with the demo MPPs."""
import secrets
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from . import clock
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
    from .reports import rollup
    from .search import get_index

    if demo and current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "--demo refuses to run with MPP_ENV_NAME=production: it writes made-up halls and "
            "visits and gives staff accounts passwords printed here. Create the national "
            "admin with `flask accounts create-admin`.")
    config_path = write_instance_config(current_app.instance_path)
    click.echo(f"Configuration: {config_path}")
    upgrade()
    added = load_regions(db.session)
    click.echo(f"Regions: {added} kabupaten/kota added.")
    if demo:
        result = load_demo(clock.now().date())
        click.echo(f"Demo: {result.created} offerings added, {result.unchanged} already there.")
        visits = demo_history(clock.now().date())
        click.echo(f"Demo history: {visits} past visits (8 weeks) for the reports.")
        rollup.catch_up(db.session, clock.now())
        password, admin_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
        accounts = demo_accounts(password, admin_password)
        click.echo(f"Demo national admin: {ADMIN_EMAIL} with the password {admin_password}")
        click.echo(f"Demo hall staff ({len(accounts) - 1}), all with the password {password}:")
        for email, role in accounts[1:4] + [("…", "")] + accounts[-2:]:
            click.echo(f"  {email}  {role}")
        click.echo("  pattern: pengelola@<mpp-slug>.demo.mpp, "
                   "petugas.<agency>@<mpp-slug>.demo.mpp")
    db.session.commit()
    index = get_index()
    if index.rebuild(db.session):
        click.echo(f"Search index: {index.folder / index.current_generation()}")


def demo_history(today, weeks=8, per_day=80, seed=2023):
    """Eight past weeks of visits and survey answers at each demo hall that has no tickets
    yet, so that reports, the IKM and "best time to come" have something to show."""
    import random

    from sqlalchemy import select

    from .catalogue.models import Mpp, Queue
    from .reports import history
    from .queue.models import Ticket
    from .survey import history as survey_history

    rng = random.Random(seed)
    busy = set(db.session.scalars(select(Queue.mpp_id).join(Ticket, Ticket.issued_queue_id
                                                                     == Queue.id)))
    total = 0
    for mpp in db.session.scalars(select(Mpp).order_by(Mpp.id)):
        if mpp.id in busy:
            continue
        visits = history.plan(db.session, mpp, today - timedelta(weeks=weeks),
                              today - timedelta(days=1), rng, per_day=per_day)
        written = history.write(db.session, mpp, visits, rng)
        survey_history.generate(db.session, mpp, written, rng, mood=rng.uniform(3.0, 3.6))
        total += len(written)
    return total


ADMIN_EMAIL = "admin@demo.mpp"


def demo_accounts(password, admin_password):
    """A national admin (with `admin_password`), a manager per demo MPP and a clerk per queue
    (sharing `password`). Run again, it gives the existing demo accounts the new passwords.
    """
    from sqlalchemy import select

    from .accounts.models import Role, User
    from .accounts.operations import create_user, hash_password, set_password
    from .catalogue.models import Mpp

    now = clock.utc(clock.now())
    wanted = [(ADMIN_EMAIL, "Admin Nasional", Role.NATIONAL_ADMIN, None, None, [])]
    for mpp in db.session.scalars(select(Mpp).order_by(Mpp.slug)):
        wanted.append((f"pengelola@{mpp.slug}.demo.mpp", f"Pengelola {mpp.name}",
                       Role.MPP_MANAGER, mpp.id, None, []))
        for queue in mpp.queues:
            agency = next((o.service.agency for o in mpp.offerings if o.queue_id == queue.id),
                          None)
            if agency is not None:
                wanted.append((f"petugas.{agency.slug}@{mpp.slug}.demo.mpp",
                               f"Petugas {agency.short_name}", Role.CLERK, mpp.id, agency.id,
                               list(queue.counters)))
    hashed = hash_password(password)         # one scrypt for the hall staff: they share it
    for email, name, role, mpp_id, agency_id, counters in wanted:
        hashed_here = hash_password(admin_password) if email == ADMIN_EMAIL else hashed
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            create_user(db.session, email, name, None, role, now, mpp_id=mpp_id,
                        agency_id=agency_id, counters=counters, password_hash=hashed_here)
        else:
            set_password(user, password_hash=hashed_here)
    db.session.flush()
    return [(email, role.value) for email, _, role, *_ in wanted]


@click.group("privacy")
def privacy_cli():
    """Personal data the site no longer needs."""


@privacy_cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Days kept after a visit (default PRIVACY_RETENTION_DAYS, 30).")
@with_appcontext
def purge_command(days):
    """Erase the phone numbers and e-mail addresses of bookings whose visit is over, what the
    messages sent to them said and to whom, and the phones of past days' tickets; run daily."""
    from .booking.operations import erase_contacts, erase_waitlist_contacts
    from .extensions import begin_write
    from .notify.operations import purge
    from .queue.notices import forget_phones

    days = current_app.config["PRIVACY_RETENTION_DAYS"] if days is None else days
    now = clock.now()
    before = now - timedelta(days=days)
    begin_write(db.session)
    erased = erase_contacts(db.session, before)
    places = erase_waitlist_contacts(db.session, before)
    deleted = purge(db.session, before)
    # A ticket's phone serves its day only: erased once that day is over in every time zone.
    tickets = forget_phones(db.session, (now - timedelta(days=1)).date())
    db.session.commit()
    click.echo(f"Contacts erased from {erased} bookings and {places} waitlist places; "
               f"{deleted} messages emptied "
               f"(visits and messages over {days} days ago); phones erased from {tickets} "
               f"tickets of past days.")


def init_app(app):
    from .accounts.cli import accounts_cli
    from .api.cli import api_clients_cli
    from .booking.cli import booking_cli
    from .catalogue.cli import catalogue_cli
    from .reports.cli import reports_cli

    app.cli.add_command(init_command)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(booking_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(api_clients_cli)
    app.cli.add_command(reports_cli)
