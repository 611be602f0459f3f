from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length


class KioskTicketForm(FlaskForm):
    queue = RadioField(_l("Layanan yang Anda perlukan"),
                       validators=[InputRequired(_l("Pilih salah satu layanan."))],
                       validate_choice=True)
    priority = BooleanField(_l("Prioritas: lansia, penyandang disabilitas, ibu hamil, atau "
                               "membawa anak kecil"))


class CheckInForm(FlaskForm):
    code = StringField(_l("Kode janji"), validators=[InputRequired(_l("Tulis kode janji.")),
                                                     Length(min=6, max=20)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class ActionForm(FlaskForm):
    """A console button: CSRF-protected, nothing else."""


class CallForm(FlaskForm):
    ticket = HiddenField(validators=[InputRequired()])


class TransferForm(FlaskForm):
    queue = SelectField(_l("Alihkan ke antrean"), validators=[InputRequired()],
                        validate_choice=False)
