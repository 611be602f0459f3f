from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from ..validation import CodeText


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Kata sandi"), validators=[InputRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class EnrolDeviceForm(FlaskForm):
    code = StringField(_l("Kode pendaftaran"),
                       validators=[InputRequired(_l("Tulis kode dari pengelola MPP.")),
                                   Length(max=20), CodeText(_l("Kode hanya berisi huruf dan "
                                                               "angka, mis. K7QF-2M9X."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                  "spellcheck": "false"})
