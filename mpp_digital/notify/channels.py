"""The channels a message leaves by, each behind one small adapter with a `send(message)`.

- "email": SMTP with the standard library (`smtplib`, `email`): MPP_NOTIFY_SMTP_HOST, _PORT,
  _USERNAME, _PASSWORD, _SECURITY ("starttls", "ssl" or "none") and MPP_NOTIFY_SENDER.
- "whatsapp": the WhatsApp Business Cloud API, one approved template with one text parameter
  (business-initiated messages must be templates): MPP_NOTIFY_WHATSAPP_TOKEN, _PHONE_NUMBER_ID,
  _TEMPLATE, and _URL (the Graph API's base with its version).
- "sms": an HTTP gateway, POST with the number and text in configurable fields:
  MPP_NOTIFY_SMS_URL, _TOKEN (sent as a bearer token), _TO_FIELD, _TEXT_FIELD, _ID_FIELD (the
  gateway's field for a client reference it deduplicates on, if it has one), _FORMAT ("json"
  or "form") and _FIELDS (fixed fields, e.g. the sender ID).

`deduplicated` says whether a copy sent again after a crash reaches the citizen twice: e-mail
carries a stable Message-ID, an SMS gateway with an ID field drops the copy, WhatsApp's API
takes no idempotency key, so the worker records each WhatsApp message the moment it is sent.
"""
import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from .. import clock

PHONE_CHANNELS = ("whatsapp", "sms")       # in the order a citizen is offered them


class ChannelError(Exception):
    """A try that failed. The worker tries again later, unless `permanent` (the request
    itself was refused: another try would be refused too)."""

    def __init__(self, text, permanent=False):
        super().__init__(text)
        self.permanent = permanent


class EmailChannel:
    deduplicated = True

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


def _international(phone):
    """"+6281234567890" → "6281234567890", the form both APIs take."""
    return phone.lstrip("+")


class HttpChannel:
    """One POST per message, with the standard library; a batch needs no connection."""
    deduplicated = False

    def __init__(self, config):
        self.timeout = float(config.get("NOTIFY_HTTP_TIMEOUT") or 20)

    def open(self):
        pass

    def close(self):
        pass

    def post(self, url, token, fields, as_json=True):
        """POST `fields`; returns the decoded answer or raises ChannelError."""
        if as_json:
            data, kind = json.dumps(fields).encode(), "application/json"
        else:
            data, kind = urllib.parse.urlencode(fields).encode(), \
                "application/x-www-form-urlencoded"
        headers = {"Content-Type": kind, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace")
            # 4xx (but a throttle or timeout) is the request refused: trying again will not help.
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise ChannelError(f"HTTP {exc.code}: {detail}", permanent=permanent) from exc
        except (OSError, ValueError) as exc:     # refused, timed out, unreachable, bad URL
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc


class WhatsAppChannel(HttpChannel):
    """A template message through the Cloud API: the message's one-line text fills the
    template's {{1}}, in the template's language for the citizen's (id or en)."""

    def __init__(self, config):
        super().__init__(config)
        base = (config.get("NOTIFY_WHATSAPP_URL") or "").rstrip("/")
        self.url = f"{base}/{config['NOTIFY_WHATSAPP_PHONE_NUMBER_ID']}/messages"
        self.token = config["NOTIFY_WHATSAPP_TOKEN"]
        self.template = config["NOTIFY_WHATSAPP_TEMPLATE"]

    def request(self, message):
        # Template parameters may hold no line break, tab or run of spaces.
        text = " ".join(message.body.split())
        return {"messaging_product": "whatsapp", "recipient_type": "individual",
                "to": _international(message.recipient), "type": "template",
                "template": {"name": self.template,
                             "language": {"code": message.language or "id"},
                             "components": [{"type": "body", "parameters": [
                                 {"type": "text", "text": text}]}]}}

    def send(self, message):
        self.post(self.url, self.token, self.request(message))


class SmsChannel(HttpChannel):
    def __init__(self, config):
        super().__init__(config)
        self.url = config["NOTIFY_SMS_URL"]
        self.token = config.get("NOTIFY_SMS_TOKEN")
        self.to_field = config.get("NOTIFY_SMS_TO_FIELD") or "to"
        self.text_field = config.get("NOTIFY_SMS_TEXT_FIELD") or "text"
        self.id_field = config.get("NOTIFY_SMS_ID_FIELD") or None
        self.as_json = (config.get("NOTIFY_SMS_FORMAT") or "json").lower() != "form"
        self.fields = dict(config.get("NOTIFY_SMS_FIELDS") or {})
        self.deduplicated = self.id_field is not None

    def request(self, message):
        fields = dict(self.fields)
        fields[self.to_field] = _international(message.recipient)
        fields[self.text_field] = message.body.strip()
        if self.id_field:
            fields[self.id_field] = f"mpp-message-{message.id}"
        return fields

    def send(self, message):
        self.post(self.url, self.token, self.request(message), self.as_json)


ADAPTERS = {"email": EmailChannel, "whatsapp": WhatsAppChannel, "sms": SmsChannel}


def names(config):
    """The names of the channels this site's settings configure."""
    found = []
    if config.get("NOTIFY_SMTP_HOST") and config.get("NOTIFY_SENDER"):
        found.append("email")
    if config.get("NOTIFY_WHATSAPP_TOKEN") and config.get("NOTIFY_WHATSAPP_PHONE_NUMBER_ID") \
            and config.get("NOTIFY_WHATSAPP_TEMPLATE"):
        found.append("whatsapp")
    if config.get("NOTIFY_SMS_URL"):
        found.append("sms")
    return found


def configured(config):
    """{channel name: adapter} for the channels this site's settings configure."""
    return {name: ADAPTERS[name](config) for name in names(config)}
