"""The channels a message leaves by, each behind one small adapter with a `send(message)`.

E-mail goes over SMTP with the standard library (`smtplib`, `email`): MPP_NOTIFY_SMTP_HOST,
_PORT, _USERNAME, _PASSWORD, _SECURITY ("starttls", "ssl" or "none") and _SENDER.
"""
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from .. import clock


class ChannelError(Exception):
    """A try that failed; the worker tries again later."""


class EmailChannel:
    def __init__(self, config):
        self.host = config["NOTIFY_SMTP_HOST"]
        self.port = int(config.get("NOTIFY_SMTP_PORT") or 587)
        self.username = config.get("NOTIFY_SMTP_USERNAME")
        self.password = config.get("NOTIFY_SMTP_PASSWORD")
        self.security = (config.get("NOTIFY_SMTP_SECURITY") or "starttls").lower()
        self.sender = config["NOTIFY_SENDER"]
        self.domain = self.sender.rpartition("@")[2] or "mpp-digital"
        self.timeout = float(config.get("NOTIFY_SMTP_TIMEOUT") or 20)
        self._client = None          # the batch's connection, between open() and close()

    def message_id(self, message):
        """Stable for the outbox row: a copy sent again after a crash has the same Message-ID,
        and mail clients keep one."""
        return f"<message-{message.id}@{self.domain}>"

    def compose(self, message):
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(clock.now())
        mail["Message-ID"] = self.message_id(message) if message.id else make_msgid()
        mail.set_content(message.body)
        if message.attachment:
            mail.add_attachment(message.attachment.encode(), maintype="text",
                                subtype="calendar", filename="janji-mpp.ics",
                                params={"method": "PUBLISH"})
        return mail

    def _connect(self):
        if self.security == "ssl":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls()
        if self.username:
            client.login(self.username, self.password or "")
        return client

    def send(self, message):
        """Send one message, on the connection of the batch when one is open."""
        try:
            if self._client is None:
                with self._connect() as client:
                    client.send_message(self.compose(message))
            else:
                self._client.send_message(self.compose(message))
        except (OSError, smtplib.SMTPException) as exc:
            self.close()                     # the next message opens a new connection
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc

    def open(self):
        """Keep one connection for a batch of messages (close() ends it)."""
        if self._client is None:
            try:
                self._client = self._connect()
            except (OSError, smtplib.SMTPException):
                self._client = None          # each message tries, and fails, on its own

    def close(self):
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()


def configured(config):
    """{channel name: adapter} for the channels this site's settings configure."""
    channels = {}
    if config.get("NOTIFY_SMTP_HOST") and config.get("NOTIFY_SENDER"):
        channels["email"] = EmailChannel(config)
    return channels
