"""Messages to citizens through an outbox: a row written in the transaction that causes the
message, with the time it is due, and a worker (`flask notify work`) that sends it, once, and
records the outcome. No request waits on a mail server or a gateway.

Domains enqueue messages with their content (operations.enqueue); this package knows nothing
of bookings or tickets. Channels are configured by MPP_NOTIFY_* settings (config.py); with
none configured, nothing is enqueued (operations.available says which are).
"""


from . import models  # noqa: F401  (the outbox's table, for the metadata)


def init_app(app):
    from .cli import notify_cli

    app.cli.add_command(notify_cli)
