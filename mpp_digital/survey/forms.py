from calendar import monthrange
from datetime import date

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .questions import ELEMENTS


class SurveyForm(FlaskForm):
    service = SelectField(_l("Layanan yang Anda terima"), validate_choice=True,
                          validators=[InputRequired(_l("Pilih layanan yang Anda terima."))])
    comment = TextAreaField(_l("Saran atau pengaduan (boleh dikosongkan)"),
                            validators=[Optional(), Length(max=500, message=_l(
                                "Paling banyak 500 karakter."))])

    def answers(self):
        return tuple(int(getattr(self, e.code).data) for e in ELEMENTS)

    def element_fields(self):
        return [(element, getattr(self, element.code)) for element in ELEMENTS]


for _element in ELEMENTS:
    setattr(SurveyForm, _element.code, RadioField(
        _element.question,
        choices=[SelectChoice(str(i), label) for i, label in enumerate(_element.answers, 1)],
        validators=[InputRequired(_l("Pilih salah satu jawaban."))]))


class PeriodForm(Form):
    """Which year (and optionally month) a report covers; read from the query string."""
    tahun = IntegerField(_l("Tahun"), validators=[
        InputRequired(_l("Tulis tahunnya.")),
        NumberRange(2000, 2100, message=_l("Tahun antara 2000 dan 2100."))])
    bulan = SelectField(_l("Bulan"), validators=[Optional()], validate_choice=True)


def read_period(args, today, default_month=False):
    """(form, first day, last day, valid) of the year or month asked for in the query string.

    Without one: the current year (or month) up to today.
    """
    form = PeriodForm(args)
    months = get_month_names("wide", locale=get_locale())
    form.bulan.choices = [SelectChoice("", _l("Setahun penuh"))] + [
        SelectChoice(str(m), months[m]) for m in range(1, 13)]
    if "tahun" not in args:
        form.tahun.data = today.year
        form.bulan.data = str(today.month) if default_month else ""
        first = today.replace(day=1) if default_month else today.replace(month=1, day=1)
        return form, first, today, True
    if not form.validate():
        return form, None, None, False
    year, month = form.tahun.data, int(form.bulan.data) if form.bulan.data else None
    if month is None:
        return form, date(year, 1, 1), date(year, 12, 31), True
    return form, date(year, month, 1), date(year, month, monthrange(year, month)[1]), True
