from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import InputRequired, Length


class RegionSearchForm(FlaskForm):
    """Find a kabupaten/kota by typing part of its name (a GET form: nothing changes)."""
    class Meta:
        csrf = False

    q = SearchField(_l("Nama kabupaten/kota"), validators=[InputRequired(), Length(min=2, max=60)],
                    description=_l("Misalnya: Kediri, Bantul, Mataram"))
