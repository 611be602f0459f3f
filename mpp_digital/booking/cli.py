"""`flask booking generate-slots` and `flask booking misfits`."""
from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..catalogue.models import Mpp, Offering
from ..extensions import begin_write, db
from ..filters import code_groups
from . import slots

booking_cli = AppGroup("booking", help="Bookable slots and appointments.")


def _offerings(mpp_slug):
    query = select(Offering).where(Offering.bookable.is_(True)).order_by(Offering.id)
    if mpp_slug:
        query = query.join(Offering.mpp).where(Mpp.slug == mpp_slug)
    return db.session.scalars(query).all()


@booking_cli.command("generate-slots")
@click.option("--mpp", "mpp_slug", help="Only this MPP (slug).")
@click.option("--days", type=int, help="Days ahead; default each offering's booking horizon.")
def generate_slots_command(mpp_slug, days):
    """Create or update slots from the current schedules; booked slots are never deleted."""
    now = clock.now()
    begin_write(db.session)
    offerings = _offerings(mpp_slug)
    for offering in offerings:
        today = clock.local_day(offering.mpp, now)
        slots.generate_slots(db.session, offering, today,
                           today + timedelta(days=days if days is not None
                                             else offering.horizon_days))
    db.session.commit()
    click.echo(f"Slots generated for {len(offerings)} bookable offerings.")
    _print_misfits(mpp_slug)


def _print_misfits(mpp_slug):
    mpp_id = db.session.scalar(select(Mpp.id).where(Mpp.slug == mpp_slug)) if mpp_slug else None
    misfits = slots.misfits(db.session, mpp_id)
    if misfits:
        click.echo(f"{len(misfits)} bookings no longer fit the schedule; move or cancel them:")
    for appointment in misfits:
        starts = clock.to_local(appointment.offering.mpp, appointment.slot.starts_at)
        click.echo(f"  {code_groups(appointment.code)}  {appointment.offering.mpp.slug}  "
                   f"{appointment.service.slug}  {starts:%Y-%m-%d %H:%M}  {appointment.name}")


@booking_cli.command("misfits")
@click.option("--mpp", "mpp_slug", help="Only this MPP (slug).")
def misfits_command(mpp_slug):
    """List active bookings whose slot is no longer in the schedule."""
    _print_misfits(mpp_slug)


@booking_cli.command("waitlist")
def waitlist_command():
    """Pass on the waitlist's offers that nobody took in time, release the unconfirmed
    bookings of offerings that ask for it, and give the later steps of checked-in visits
    their tickets when their time comes (run every minute)."""
    from flask import current_app

    from ..notify.operations import available
    from . import release, waitlist

    if available() and not current_app.config.get("SERVER_NAME"):
        raise click.ClickException("The offers' messages link to the site: set MPP_SERVER_NAME.")
    from ..queue.operations import due_steps

    now = clock.now()
    begin_write(db.session)
    released = release.release_unconfirmed(db.session, now)
    lapsed = waitlist.lapse_due(db.session, now)
    steps = due_steps(db.session, now, timedelta(
        minutes=current_app.config["CHECK_IN_BEFORE_MINUTES"]))
    db.session.commit()
    click.echo(f"{released} unconfirmed bookings released; {lapsed} offers lapsed and passed "
               f"on; {steps} later steps of checked-in visits given their tickets.")
