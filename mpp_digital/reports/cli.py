"""`flask reports rollup`: the nightly rollup of the days that are over, and its backfill."""
import click
from flask.cli import AppGroup
from sqlalchemy import delete, select

from .. import clock
from ..catalogue.models import Mpp
from ..extensions import begin_write, db
from . import rollup
from .models import LineDay, RolledUp

reports_cli = AppGroup("reports", help="The daily rollup the reports read.")


@reports_cli.command("rollup")
@click.option("--mpp", "mpp_slug", help="Only this MPP (slug).")
@click.option("--rebuild", is_flag=True,
              help="Forget what was rolled up and roll every day up again from the events.")
def rollup_command(mpp_slug, rebuild):
    """Roll up every day that is over and not rolled up yet (run nightly; the report pages
    also catch up by themselves). The first run backfills each hall from its first ticket."""
    mpp_ids = None
    if mpp_slug:
        mpp_id = db.session.scalar(select(Mpp.id).where(Mpp.slug == mpp_slug))
        if mpp_id is None:
            raise click.ClickException(f"No MPP with the slug {mpp_slug!r}.")
        mpp_ids = [mpp_id]
    if rebuild:
        begin_write(db.session)
        for model in (RolledUp, LineDay):
            statement = delete(model)
            if mpp_ids is not None:
                statement = statement.where(model.mpp_id.in_(mpp_ids))
            db.session.execute(statement)
    written = rollup.catch_up(db.session, clock.now(), mpp_ids)
    db.session.commit()
    if written is None:
        click.echo("Every day that is over is rolled up already.")
    else:
        click.echo(f"Rolled up: {written} line-days.")
