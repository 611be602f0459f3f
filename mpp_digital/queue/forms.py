from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from ..booking.forms import CODE_MESSAGE, LAST4_MESSAGE
from ..validation import AsciiDigits, CodeText


class KioskTicketForm(FlaskForm):
    queue = RadioField(_l("Layanan yang Anda perlukan"),
                       validators=[InputRequired(_l("Pilih salah satu layanan."))],
                       validate_choice=True)
    priority = BooleanField(_l("Prioritas: lansia, penyandang disabilitas, ibu hamil, atau "
                               "membawa anak kecil"))


class CheckInForm(FlaskForm):
    code = StringField(_l("Kode janji"), validators=[InputRequired(_l("Tulis kode janji.")),
                                                     Length(min=6, max=20),
                                                     CodeText(CODE_MESSAGE)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters"})
    last4 = StringField(_l("4 angka terakhir NIK"),
                        validators=[InputRequired(_l("Tulis 4 angka terakhir NIK.")),
                                    Length(min=4, max=4, message=_l("Tepat 4 angka.")),
                                    AsciiDigits(LAST4_MESSAGE, length=4)],
                        render_kw={"inputmode": "numeric", "autocomplete": "off",
                                   "maxlength": "4"})


class ActionForm(FlaskForm):
    """A console button: CSRF-protected, nothing else."""


class CallForm(FlaskForm):
    ticket = HiddenField(validators=[InputRequired()])


class TransferForm(FlaskForm):
    queue = SelectField(_l("Alihkan ke antrean"), validators=[InputRequired()],
                        validate_choice=False)
