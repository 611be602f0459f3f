from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SearchField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Length, Optional, Regexp
from wtforms.widgets import Select

from ..catalogue.models import CATEGORIES
from ..extensions import remembered


class KeptSelect(Select):
    """A select rendered once per catalogue version, language, chosen value and attributes:
    its few dozen options cost more to render through WTForms than the rest of a results
    page. A field without `options_key` (no version known), or holding a value that is none
    of its choices (a hand-made URL), renders as usual."""

    def __call__(self, field, **kwargs):
        key = getattr(field, "options_key", None)
        if key is None or (field.data or "") not in {choice.value for choice in field.choices}:
            return super().__call__(field, **kwargs)     # nothing odd is ever kept
        return remembered("search-selects", (key, str(get_locale()), field.name, field.data,
                                             tuple(sorted(kwargs.items()))),
                          lambda: super(KeptSelect, self).__call__(field, **kwargs))


class SearchForm(FlaskForm):
    """The search box and the filters of the results page (GET: nothing changes)."""
    class Meta:
        csrf = False

    q = SearchField(_l("Cari layanan"), validators=[InputRequired(), Length(min=2, max=100)],
                    description=_l("Misalnya: bikin KTP, perpanjang SIM, akta lahir"))
    mpp = HiddenField(validators=[Optional(), Regexp(r"^[a-z0-9-]{1,80}$")])
    province = SelectField(_l("Provinsi"), validators=[Optional()], widget=KeptSelect())
    agency = SelectField(_l("Instansi"), validators=[Optional()], widget=KeptSelect())
    category = SelectField(_l("Kategori"), validators=[Optional()], widget=KeptSelect())
    online = BooleanField(_l("Hanya yang bisa sepenuhnya daring"))

    def set_choices(self, provinces, agencies, version=None):
        """Provinces and agencies as (value, label) pairs; with the catalogue's `version`, the
        selects are rendered once per version (KeptSelect)."""
        everything = SelectChoice("", _l("Semua"))
        self.province.choices = [everything] + [SelectChoice(*p) for p in provinces]
        self.agency.choices = [everything] + [SelectChoice(*a) for a in agencies]
        self.category.choices = [everything] + [SelectChoice(key, label)
                                                for key, label in CATEGORIES.items()]
        for select in (self.province, self.agency, self.category):
            select.options_key = version
