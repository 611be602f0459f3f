"""`flask notify work`: send what the outbox holds."""
import click
from flask import current_app
from flask.cli import AppGroup

from . import operations as ops
from .worker import work

notify_cli = AppGroup("notify", help="Messages to citizens: the outbox and its worker.")


@notify_cli.command("work")
@click.option("--once", is_flag=True, help="Stop when nothing is due (for cron and tests).")
@click.option("--batch", default=20, show_default=True, help="Messages claimed at a time.")
@click.option("--idle", default=2.0, show_default=True, help="Seconds to wait when idle.")
def work_command(once, batch, idle):
    """Send due messages, retrying failures with backoff; run one or more per site."""
    if not ops.available():
        click.echo("No channel is configured (MPP_NOTIFY_SMTP_HOST, _WHATSAPP_TOKEN, "
                   "_SMS_URL): nothing is queued.")
    work(current_app.config, batch=batch, idle=idle, once=once)
