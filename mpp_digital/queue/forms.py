from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField
from wtforms.validators import InputRequired

from ..booking.forms import LookupForm
from ..validation import AsciiDigits


class KioskTicketForm(FlaskForm):
    queue = RadioField(_l("Layanan yang Anda perlukan"),
                       validators=[InputRequired(_l("Pilih salah satu layanan."))],
                       validate_choice=True)
    priority = BooleanField(_l("Prioritas: lansia, penyandang disabilitas, ibu hamil, atau "
                               "membawa anak kecil"))


class CheckInForm(LookupForm):
    """The booking code and the NIK's last 4 digits, as for looking a booking up."""


class CallForm(FlaskForm):
    """"Call this one": the ticket's id, from the list on the console."""
    ticket = HiddenField(validators=[InputRequired(), AsciiDigits(_l("Tiket tidak dikenal."))])


class TransferForm(FlaskForm):
    """The line to send the current ticket to: one of the hall's queues (set by the view)."""
    queue = SelectField(_l("Alihkan ke antrean"), validators=[InputRequired()])
