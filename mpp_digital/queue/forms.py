from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TelField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..booking.forms import PHONE_LABELS, LookupForm
from ..booking.phone import PhoneInvalid, parse_phone
from ..notify.compose import phone_choices
from .models import PRIORITY_REASONS
from ..validation import AsciiDigits


class KioskTicketForm(FlaskForm):
    queue = RadioField(_l("Layanan yang Anda perlukan"),
                       validators=[InputRequired(_l("Pilih salah satu layanan."))],
                       validate_choice=True)
    priority = RadioField(_l("Didahulukan?"),
                          choices=[SelectChoice("", _l("Tidak"))] + [
                              SelectChoice(key, label) for key, label in PRIORITY_REASONS.items()],
                          default="", validate_choice=True)
    # Asked only where the site can send to phones (offer_phone_channels).
    phone = TelField(_l("Nomor ponsel (boleh dikosongkan)"),
                     description=_l("Kami kabari saat 3 orang lagi sebelum giliran Anda dan "
                                    "saat Anda dipanggil."),
                     render_kw={"autocomplete": "off", "inputmode": "tel"})
    phone_channel = RadioField(_l("Lewat"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = phone_choices()
        self.phone_channel.choices = [SelectChoice(name, PHONE_LABELS[name])
                                      for name in offered]
        if self.phone_channel.data is None and offered:
            self.phone_channel.data = offered[0]
        self.parsed_phone = None

    @property
    def asks_phone(self):
        return bool(self.phone_channel.choices)

    def validate_phone(self, field):
        if not field.data or not self.asks_phone:
            return
        try:
            self.parsed_phone = parse_phone(field.data)
        except PhoneInvalid as exc:
            raise ValidationError(str(exc.args[0])) from None

    def validate_phone_channel(self, field):
        if self.asks_phone and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Pilih salah satu cara."))


class CheckInForm(LookupForm):
    """The booking code and the NIK's last 4 digits, as for looking a booking up."""


class CallForm(FlaskForm):
    """"Call this one": the ticket's id, from the list on the console."""
    ticket = HiddenField(validators=[InputRequired(), AsciiDigits(_l("Tiket tidak dikenal."))])


def _stripped(text):
    return " ".join(text.split()) if text else text


class TransferForm(FlaskForm):
    """The line to send the current ticket to (one of the hall's queues, set by the view),
    and a note for the clerk who calls the citizen next."""
    queue = SelectField(_l("Alihkan ke antrean"), validators=[InputRequired()])
    note = StringField(_l("Catatan untuk petugas berikutnya (boleh kosong)"),
                       validators=[Optional(), Length(max=200)], filters=[_stripped])
