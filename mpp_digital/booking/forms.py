from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, StringField, TelField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..notify.compose import phone_choices
from ..validation import AsciiDigits, CodeText
from .nik import NikInvalid, parse_nik
from .operations import Citizen
from .phone import PhoneInvalid, parse_phone


PHONE_LABELS = {"whatsapp": "WhatsApp", "sms": "SMS"}


class CitizenFields:
    """Name, NIK and phone, checked the same way wherever a citizen gives them."""

    def validate_nik(self, field):
        try:
            field.parsed = parse_nik(field.data, self.today)
        except NikInvalid as exc:
            raise ValidationError(str(exc.args[0])) from None

    def validate_phone(self, field):
        try:
            field.parsed = parse_phone(field.data)
        except PhoneInvalid as exc:
            raise ValidationError(str(exc.args[0])) from None

    def validate_website(self, field):
        # A hidden field people never see; bots that fill every field are turned away.
        if field.data:
            raise ValidationError(_l("Formulir tidak dapat diproses."))


class BookingForm(CitizenFields, FlaskForm):
    slot = RadioField(_l("Pilih jam"), validators=[InputRequired(_l("Pilih salah satu jam."))],
                      validate_choice=False)
    name = StringField(_l("Nama lengkap sesuai KTP"),
                       validators=[InputRequired(_l("Tulis nama Anda.")), Length(min=2, max=120)],
                       render_kw={"autocomplete": "name"})
    nik = StringField(_l("NIK"), validators=[InputRequired(_l("Tulis NIK Anda."))],
                      description=_l("16 angka di KTP atau Kartu Keluarga, contoh 3201xxxxxxxx0001. "
                                     "Kami hanya menyimpan 4 angka terakhirnya."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off",
                                 "spellcheck": "false", "maxlength": "24"})
    phone = TelField(_l("Nomor ponsel"), validators=[InputRequired(_l("Tulis nomor ponsel."))],
                     description=_l("Untuk kabar bila jadwal berubah."),
                     render_kw={"autocomplete": "tel", "inputmode": "tel"})
    email = EmailField(_l("Email (boleh dikosongkan)"),
                       validators=[Optional(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    # Offered only among the phone channels the site configured (see offer_phone_channels).
    phone_channel = RadioField(_l("Kirim kabar ke ponsel lewat"), validate_choice=False)
    website = StringField(_l("Jangan isi kolom ini"), render_kw={"tabindex": "-1",
                                                                 "autocomplete": "off"})

    def __init__(self, *args, today, slot_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.slot.choices = slot_choices
        self.offer_phone_channels()

    def offer_phone_channels(self):
        """WhatsApp and/or SMS when configured, first one chosen, and "Tidak usah"."""
        offered = [SelectChoice(name, PHONE_LABELS[name]) for name in phone_choices()]
        self.phone_channel.choices = offered + [SelectChoice("", _l("Tidak usah"))]
        if self.phone_channel.data is None:
            self.phone_channel.data = offered[0].value if offered else ""

    @property
    def chosen_phone_channel(self):
        return self.phone_channel.data or None

    def citizen(self, language):
        """Who books, from a validated form, in the page's language."""
        return Citizen(name=self.name.data.strip(), nik=self.nik.parsed,
                       phone=self.phone.parsed, email=self.email.data or None,
                       language=language, phone_channel=self.chosen_phone_channel)

    def validate_phone_channel(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Pilih salah satu cara."))

    def validate_email(self, field):
        if field.data and ("@" not in field.data or field.data.startswith("@")
                           or "." not in field.data.rsplit("@", 1)[-1]):
            raise ValidationError(_l("Tulis alamat email yang benar, atau kosongkan."))


CODE_MESSAGE = _l("Kode janji hanya berisi huruf dan angka, mis. 7K3Q-9XZ2-AB.")
LAST4_MESSAGE = _l("Tulis 4 angka terakhir NIK, angka 0 sampai 9.")


class LookupForm(FlaskForm):
    code = StringField(_l("Kode janji"), validators=[InputRequired(_l("Tulis kode janji.")),
                                                     Length(min=6, max=20),
                                                     CodeText(CODE_MESSAGE)],
                       description=_l("Tertulis di halaman bukti janji, mis. 7K3Q-9XZ2-AB."),
                       render_kw={"autocomplete": "off", "spellcheck": "false",
                                  "autocapitalize": "characters"})
    last4 = StringField(_l("4 angka terakhir NIK"),
                        validators=[InputRequired(_l("Tulis 4 angka terakhir NIK.")),
                                    Length(min=4, max=4, message=_l("Tepat 4 angka.")),
                                    AsciiDigits(LAST4_MESSAGE, length=4)],
                        render_kw={"inputmode": "numeric", "autocomplete": "off",
                                   "maxlength": "4"})


class RescheduleForm(FlaskForm):
    slot = RadioField(_l("Pilih jam baru"),
                      validators=[InputRequired(_l("Pilih salah satu jam."))],
                      validate_choice=False)

    def __init__(self, *args, slot_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = slot_choices


class CitizenForm(BookingForm):
    """The booking form's citizen fields alone: for a visit, whose slots its plan gives."""
    slot = None

    def __init__(self, *args, today, **kwargs):
        super(BookingForm, self).__init__(*args, **kwargs)
        self.today = today
        self.offer_phone_channels()


class WaitlistForm(CitizenForm):
    """The citizen's fields, for a day with no seat left: wait for that day, or for the first
    seat on any day of the next week."""
    within = RadioField(_l("Tunggu kursi untuk"), default="day",
                        choices=[SelectChoice("day", _l("Tanggal ini saja")),
                                 SelectChoice("week", _l("Tanggal ini atau 7 hari sesudahnya"))])
