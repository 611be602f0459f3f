"""A message for each of a citizen's channels, rendered from the domain's templates.

E-mail gets `notify/<name>.txt` (its first line the subject, the rest the body); WhatsApp and
SMS get `notify/<name>.short.txt`, folded to one line (a WhatsApp template parameter may hold
no line break). Each is written in the citizen's language and queued in the caller's
transaction, only on the channels the site configured.
"""
from flask import render_template
from flask_babel import force_locale

from . import operations as outbox
from .channels import PHONE_CHANNELS


def channels_for(email, phone_channel):
    """The channels a citizen with this address and phone choice will hear from the hall on,
    of those the site configured: a list of "email", "whatsapp", "sms" (empty: not at all)."""
    available = outbox.available()
    chosen = ["email"] if email and "email" in available else []
    if phone_channel in PHONE_CHANNELS and phone_channel in available:
        chosen.append(phone_channel)
    return chosen


def phone_choices():
    """The phone channels a citizen may choose from on this site, in order."""
    available = outbox.available()
    return [name for name in PHONE_CHANNELS if name in available]


def send(session, *, email=None, phone=None, phone_channel=None, language, template, kind,
         about, now, due_at=None, expires_at=None, attachment=None, **context):
    """Render `notify/<template>` in the citizen's language for each of their channels and
    queue it; returns the messages queued (none when the citizen has no channel)."""
    messages = []
    for channel in channels_for(email, phone_channel):
        with force_locale(language):
            if channel == "email":
                text = render_template(f"notify/{template}.txt", **context)
                subject, _, body = text.strip().partition("\n")
                recipient, body = email, body.strip() + "\n"
            else:
                text = render_template(f"notify/{template}.short.txt", **context)
                subject, recipient, body = kind, phone, " ".join(text.split())
        messages.append(outbox.enqueue(
            session, kind=kind, channel=channel, recipient=recipient, subject=subject.strip(),
            body=body, due_at=due_at or now, now=now, about=about, expires_at=expires_at,
            attachment=attachment if channel == "email" else None, language=language))
    return messages
