from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, Form, FormField, IntegerField,
                     PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField,
                     TimeField)
from wtforms.validators import (URL, DataRequired, Email, InputRequired, Length, NumberRange,
                                Optional, Regexp, ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalogue.schedule import Interval


def _required(message=None):
    return InputRequired(message or _l("Wajib diisi."))


def _text(message=None):
    """Required text: spaces alone do not count."""
    return DataRequired(message or _l("Wajib diisi."))


def _number(label, low, high, required=True, **kw):
    return IntegerField(label, validators=[
        _required(_l("Tulis angka.")) if required else Optional(),
        NumberRange(low, high, message=_l("Antara %(min)d dan %(max)d.", min=low, max=high))],
        **kw)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MppDetailsForm(FlaskForm):
    name = StringField(_l("Nama MPP"), validators=[_text(), Length(max=120)])
    address = TextAreaField(_l("Alamat"), validators=[_text(), Length(max=300)])
    phone = StringField(_l("Telepon"), validators=[_text(), Length(max=40), Regexp(
        r"^[0-9()+\- ]+$", message=_l("Hanya angka, spasi, tanda kurung, + dan -."))])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=120),
                                                Email(_l("Alamat email tidak valid."))])


WEEKDAYS = [_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"),
            _l("Minggu")]


class DayHoursForm(Form):
    """One day of the week: open or not, from and to, and an optional break."""
    is_open = BooleanField(_l("Buka"))
    opens = TimeField(_l("Buka pukul"), validators=[Optional()])
    closes = TimeField(_l("Tutup pukul"), validators=[Optional()])
    break_from = TimeField(_l("Istirahat mulai"), validators=[Optional()])
    break_to = TimeField(_l("Istirahat selesai"), validators=[Optional()])

    def validate(self, extra_validators=None):
        """A day that opens needs its hours, in order, and a break inside them (each field's
        Optional() ends its own checks when it is empty, so they are made here)."""
        if not super().validate(extra_validators):
            return False
        if not self.is_open.data:
            return True
        opens, closes = self.opens.data, self.closes.data
        start, end = self.break_from.data, self.break_to.data
        if opens is None:
            self.opens.errors.append(_l("Isi jam buka."))
        if closes is None:
            self.closes.errors.append(_l("Isi jam tutup."))
        elif opens is not None and closes <= opens:
            self.closes.errors.append(_l("Jam tutup harus setelah jam buka."))
        if (start is None) != (end is None):
            self.break_to.errors.append(
                _l("Isi awal dan akhir istirahat, atau kosongkan keduanya."))
        elif start is not None and not (opens and closes and opens < start < end < closes):
            self.break_to.errors.append(_l("Istirahat harus di antara jam buka dan jam tutup."))
        return not any(field.errors for field in self)

    def spans(self):
        if not self.is_open.data:
            return []
        if self.break_from.data is None:
            return [(self.opens.data, self.closes.data)]
        return [(self.opens.data, self.break_from.data), (self.break_to.data, self.closes.data)]


def week_data(intervals):
    """A week form's data for these Intervals: each day's first opening to its last closing,
    and the gap after its first span as the break."""
    data = {}
    for weekday in range(1, 8):
        spans = sorted((i.opens_at, i.closes_at) for i in intervals if i.weekday == weekday)
        day = {"is_open": bool(spans)}
        if spans:
            day.update(opens=spans[0][0], closes=spans[-1][1])
            if len(spans) > 1:
                day.update(break_from=spans[0][1], break_to=spans[1][0])
        data[f"d{weekday}"] = day
    return data


class _Week:
    """Seven DayHoursForm fields, d1 (Monday) to d7 (Sunday)."""

    def days(self):
        return [(weekday, self[f"d{weekday}"]) for weekday in range(1, 8)]

    def week_intervals(self):
        return sorted(Interval(weekday, opens, closes) for weekday, day in self.days()
                      for opens, closes in day.form.spans())


class WeekHoursForm(_Week, FlaskForm):
    """A hall's opening hours, day by day."""

    @classmethod
    def of(cls, intervals, **kwargs):
        return cls(data=week_data(intervals), **kwargs)

    def intervals(self):
        return self.week_intervals()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not self.intervals():
            self.d1.form.is_open.errors.append(_l("Buka paling sedikit satu hari."))
            return False
        return valid


class OwnHoursForm(_Week, Form):
    """A service's or an agency's own hours, day by day, or (unticked) the hall's."""
    own = BooleanField(_l("Punya jam sendiri (bukan jam MPP)"))

    def show(self, intervals):
        self.process(data={"own": bool(intervals), **week_data(intervals)})

    def intervals(self):
        """Its own hours; none (the hall's) when `own` is unticked."""
        return self.week_intervals() if self.own.data else []

    def validate(self, extra_validators=None):
        if not self.own.data:
            return True                      # the days are not read: nothing to refuse
        valid = super().validate(extra_validators)
        if valid and not self.week_intervals():
            self.d1.form.is_open.errors.append(_l("Buka paling sedikit satu hari."))
            return False
        return valid


for _weekday, _name in enumerate(WEEKDAYS, start=1):
    for _form in (WeekHoursForm, OwnHoursForm):
        setattr(_form, f"d{_weekday}", FormField(DayHoursForm, label=_name))


class ClosureForm(FlaskForm):
    starts_on = DateField(_l("Mulai tanggal"), validators=[_required(_l("Pilih tanggal."))])
    ends_on = DateField(_l("Sampai tanggal"), validators=[_required(_l("Pilih tanggal."))])
    reason = StringField(_l("Alasan"), validators=[_text(), Length(max=200)])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal mulai."))


class OfferingForm(FlaskForm):
    bookable = BooleanField(_l("Bisa dipesan daring"))
    queue = SelectField(_l("Antrean"), validate_choice=True, validators=[Optional()])
    slot_minutes = _number(_l("Lama satu jadwal (menit)"), 5, 240)
    seats_per_slot = _number(_l("Kursi per jadwal"), 1, 50)
    daily_quota = _number(_l("Kuota harian (kosongkan bila tanpa kuota)"), 1, 5000,
                          required=False)
    walkin_share = _number(_l("Bagian untuk datang langsung dan prioritas (%)"), 0, 100)
    horizon_days = _number(_l("Bisa dipesan sampai berapa hari ke depan"), 1, 180)
    cutoff_minutes = _number(_l("Pemesanan ditutup berapa menit sebelum jadwal"), 0, 1440)
    # Choices set by the view: the hours after the day-before reminder.
    release_hour = SelectField(
        _l("Lepas janji yang belum dikonfirmasi, sehari sebelumnya, pada pukul"),
        description=_l("Warga yang menerima pengingat tetapi tidak menekan \"Saya datang\" "
                       "sampai jam ini kehilangan kursinya; kursi itu ditawarkan kepada daftar "
                       "tunggu. Janji tanpa pengingat tidak pernah dilepas."),
        validate_choice=True, validators=[Optional()])
    hours = FormField(OwnHoursForm, label=_l("Hari dan jam layanan ini"))
    notes = TextAreaField(_l("Catatan setempat"), validators=[Optional(), Length(max=1000)])


class QueueForm(FlaskForm):
    letter = StringField(_l("Huruf"), validators=[_text(), Regexp(
        r"^[A-Z]{1,2}$", message=_l("Satu atau dua huruf kapital, misalnya A."))])
    name = StringField(_l("Nama antrean"), validators=[_text(), Length(max=120)])


class CounterForm(FlaskForm):
    number = _number(_l("Nomor loket"), 1, 999)
    name = StringField(_l("Nama loket"), validators=[Optional(), Length(max=80)])
    queues = MultiCheckboxField(_l("Melayani antrean"), validate_choice=True,
                                validators=[_required(_l("Pilih paling sedikit satu antrean."))])


class StaffForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[_text(), Length(max=254),
                                                Email(_l("Alamat email tidak valid."))])
    name = StringField(_l("Nama"), validators=[_text(), Length(max=120)])
    password = PasswordField(_l("Kata sandi awal (paling sedikit 12 karakter)"), validators=[
        _text(), Length(min=12, max=200, message=_l("Paling sedikit 12 karakter."))])


class ClerkForm(StaffForm):
    agency = SelectField(_l("Instansi"), validate_choice=True, validators=[_required()])
    counters = MultiCheckboxField(_l("Loket"), validate_choice=True,
                                  validators=[_required(_l("Pilih paling sedikit satu loket."))])


class ManagerForm(StaffForm):
    mpp = SelectField(_l("MPP"), validate_choice=True, validators=[_required()])


class MoveForm(FlaskForm):
    slot = SelectField(_l("Jadwal baru"), validate_choice=True,
                       validators=[_required(_l("Pilih jadwal baru."))])
    message = TextAreaField(_l("Pesan untuk warga"), validators=[_text(), Length(max=300)])


class CancelForm(FlaskForm):
    message = TextAreaField(_l("Pesan untuk warga"), validators=[_text(), Length(max=300)])


class BulkSettleForm(FlaskForm):
    """Several affected bookings (the view sets the choices), one message, and the button
    pressed: "pindah" (each to its nearest free slot) or "batal"."""
    ids = MultiCheckboxField(_l("Janji yang dipilih"), validate_choice=True,
                             validators=[_required(_l("Pilih paling sedikit satu janji."))])
    message = TextAreaField(_l("Pesan untuk warga"), validators=[_text(), Length(max=300)])

    @property
    def action(self):
        return "batal" if request.form.get("action") == "batal" else "pindah"


class AgencyForm(FlaskForm):
    name = StringField(_l("Nama instansi"), validators=[_text(), Length(max=160)])
    short_name = StringField(_l("Nama singkat"), validators=[_text(), Length(max=40)])
    website = StringField(_l("Situs web"), validators=[
        Optional(), Length(max=200), URL(message=_l("Alamat situs tidak valid."))])


def _lines(label, **kw):
    return TextAreaField(label, description=_l("Satu butir per baris."),
                         validators=[_text(), Length(max=5000)], **kw)


class ServiceForm(FlaskForm):
    name = StringField(_l("Nama layanan"), validators=[_text(), Length(max=160)])
    name_en = StringField(_l("Nama dalam bahasa Inggris"), validators=[Optional(), Length(max=160)])
    category = SelectField(_l("Kategori"), validate_choice=True, validators=[_required()])
    summary = TextAreaField(_l("Ringkasan"), validators=[Optional(), Length(max=2000)])
    requirements = _lines(_l("Persyaratan"))
    procedure = _lines(_l("Prosedur"))
    duration_value = _number(_l("Jangka waktu"), 1, 10000)
    duration_unit = SelectField(_l("Satuan waktu"), validate_choice=True,
                                validators=[_required()])
    fee = _number(_l("Biaya (Rp, 0 bila gratis)"), 0, 1_000_000_000)
    fee_note = TextAreaField(_l("Keterangan biaya"), validators=[Optional(), Length(max=1000)])
    product = TextAreaField(_l("Produk layanan"), validators=[_text(), Length(max=1000)])
    legal_basis = _lines(_l("Dasar hukum"))
    online_mode = SelectField(_l("Layanan daring"), validate_choice=True,
                              validators=[_required()])
    online_url = StringField(_l("Alamat layanan daring"), validators=[
        Optional(), Length(max=300), URL(message=_l("Alamat situs tidak valid."))])
    keywords = StringField(_l("Kata kunci pencarian"), validators=[Optional(), Length(max=500)])
    needs = StringField(_l("Memerlukan hasil layanan"),
                        description=_l("Slug layanan yang hasilnya diperlukan lebih dulu, "
                                       "dipisah koma, mis. kartu-keluarga-baru. Kunjungan "
                                       "dan peristiwa hidup menaruhnya lebih dulu."),
                        validators=[Optional(), Length(max=500)])

    @property
    def need_slugs(self):
        return [slug.strip() for slug in (self.needs.data or "").split(",") if slug.strip()]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.online_mode.data == "online" and not (self.online_url.data or "").strip():
            # Not an inline validator: Optional() would stop the chain before it runs.
            self.online_url.errors = [*self.online_url.errors,
                                      _l("Layanan yang sepenuhnya daring perlu alamatnya.")]
            return False
        return valid


class AgencyDaysForm(FlaskForm):
    hours = FormField(OwnHoursForm, label=_l("Hari dan jam instansi ini"))


class AddOfferingForm(FlaskForm):
    service = SelectField(_l("Layanan nasional"), validate_choice=True,
                          validators=[_required(_l("Pilih layanan."))])


class NewMppForm(MppDetailsForm, WeekHoursForm):
    region = SelectField(_l("Kabupaten/kota"), validate_choice=True,
                         validators=[_required(_l("Pilih kabupaten/kota."))])


class NewAgencyForm(AgencyForm):
    pass


class NewServiceForm(ServiceForm):
    agency = SelectField(_l("Instansi"), validate_choice=True,
                         validators=[_required(_l("Pilih instansi."))])


class DeviceForm(FlaskForm):
    name = StringField(_l("Nama perangkat"), validators=[_text(), Length(max=80)],
                       description=_l("Mis. Kiosk pintu utama."))


class ApiClientForm(FlaskForm):
    name = StringField(_l("Nama mitra"), validators=[_text(), Length(max=120)],
                       description=_l("Mis. Portal pelayanan nasional, call center 1500-xxx."))
    all_mpps = BooleanField(_l("Semua MPP"))
    mpps = MultiCheckboxField(_l("MPP yang boleh dipesan"), validate_choice=True)
    rate_limit = StringField(_l("Batas permintaan"), default="60 per minute;2000 per hour",
                             validators=[_text(), Length(max=60)],
                             description=_l("Mis. 60 per minute;2000 per hour"))

    def validate_rate_limit(self, field):
        from limits import parse_many
        try:
            parse_many(field.data)
        except ValueError:
            raise ValidationError(_l("Tulis batas seperti 60 per minute;2000 per hour.")) \
                from None

    def validate_mpps(self, field):
        if not self.all_mpps.data and not field.data:
            raise ValidationError(_l("Pilih MPP, atau centang Semua MPP."))


class LifeEventForm(FlaskForm):
    name = StringField(_l("Nama"), validators=[_text(), Length(min=2, max=120)])
    name_en = StringField(_l("Nama dalam bahasa Inggris"), validators=[Optional(),
                                                                       Length(max=120)])
    summary = TextAreaField(_l("Ringkasan"), validators=[Optional(), Length(max=2000)])
    steps = TextAreaField(_l("Langkah, berurutan"),
                          description=_l("Satu layanan per baris: slug, lalu catatan setelah "
                                         "tanda |. Contoh: akta-kelahiran | Paling lambat 60 "
                                         "hari setelah lahir."),
                          validators=[_text(_l("Tulis paling sedikit satu langkah.")),
                                      Length(max=5000)])


class NewLifeEventForm(LifeEventForm):
    slug = StringField(_l("Slug (alamat halaman)"), validators=[_text(), Length(max=60), Regexp(
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        message=_l("Huruf kecil, angka dan tanda hubung, mis. pindah-domisili."))])
