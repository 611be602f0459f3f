"""Every user-facing string has an English translation, and the compiled catalogue is current."""
import gettext
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "mpp_digital" / "translations"


def _source_messages():
    with open(TRANSLATIONS / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map,
                                                keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh)


def test_every_message_in_the_code_has_an_english_translation():
    catalogue = _catalogue()
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue
                  if m.id and m.string and all(m.string) and not m.fuzzy}
    missing = _source_messages() - translated
    assert not missing, f"untranslated (run pybabel extract/update, then translate): {missing}"


def test_the_compiled_catalogue_matches_the_po_file():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in _catalogue():
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, message.id
        else:
            assert compiled.ngettext(*message.id, 2) == message.string[1], message.id


def test_the_page_filters_answer_in_the_language_of_each_request():
    """The filters keep what Babel formatted per language: the second language must not get
    the first one's words."""
    from datetime import time

    from flask_babel import force_locale

    from mpp_digital import create_app, filters
    from mpp_digital.catalogue.models import OnlineMode

    app = create_app({"SECRET_KEY": "test", "NIK_HMAC_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        for language, days, fee, at, badge, share in (
                ("id", "Senin–Kamis", "Rp350.000", "08.00", "Datang langsung", "85,62"),
                ("en", "Monday–Thursday", "IDR350,000", "8:00\u202fAM", "Visit in person",
                 "85.62")):
            with force_locale(language):
                assert filters.weekday_range([1, 2, 3, 4]) == days
                assert filters.weekday_range([1, 3]).count(",") == 1
                assert filters.rupiah(350000) == fee
                assert filters.clock(time(8, 0)) == at
                assert f">{badge}</span>" in filters.online_badge(OnlineMode.VISIT_ONLY)
                assert filters.decimal(85.62, 2) == share and filters.decimal(3) == "3"


def test_the_kept_language_follows_force_locale_and_back(app):
    """Templates and filters read the language where Flask-Babel keeps it: a message composed
    in the citizen's language inside an Indonesian request is in that language, and the page
    goes on in Indonesian after it."""
    from flask import render_template_string
    from flask_babel import force_locale

    from mpp_digital.filters import rupiah
    from mpp_digital.i18n import language

    page = "{{ _('Gratis') }} {{ 350000|rupiah }}"
    with app.test_request_context("/"):
        assert language() == "id"
        assert render_template_string(page) == "Gratis Rp350.000"
        with force_locale("en"):
            assert language() == "en"
            assert render_template_string(page) == "Free IDR350,000"
            assert rupiah(0) == "Free"
        assert language() == "id"
        assert render_template_string(page) == "Gratis Rp350.000"
    with app.test_request_context("/", headers={"Cookie": "bahasa=en"}):
        assert language() == "en" and render_template_string(page).startswith("Free")
