from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SearchField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..catalogue.models import CATEGORIES


class SearchForm(FlaskForm):
    """The search box and the filters of the results page (GET: nothing changes)."""
    class Meta:
        csrf = False

    q = SearchField(_l("Cari layanan"), validators=[InputRequired(), Length(min=2, max=100)],
                    description=_l("Misalnya: bikin KTP, perpanjang SIM, akta lahir"))
    mpp = HiddenField(validators=[Optional(), Regexp(r"^[a-z0-9-]{1,80}$")])
    province = SelectField(_l("Provinsi"), validators=[Optional()])
    agency = SelectField(_l("Instansi"), validators=[Optional()])
    category = SelectField(_l("Kategori"), validators=[Optional()])
    online = BooleanField(_l("Hanya yang bisa sepenuhnya daring"))

    def set_choices(self, provinces, agencies):
        everything = SelectChoice("", _l("Semua"))
        self.province.choices = [everything] + [SelectChoice(p.code, p.name) for p in provinces]
        self.agency.choices = [everything] + [SelectChoice(a.slug, a.short_name)
                                              for a in agencies]
        self.category.choices = [everything] + [SelectChoice(key, label)
                                                for key, label in CATEGORIES.items()]
