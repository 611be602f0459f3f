import pytest

from mpp_digital.extensions import db
from mpp_digital.search import get_index
from mpp_digital.search import thesaurus


@pytest.fixture
def index(app):
    """The demo catalogue's search index, built in this test's instance folder."""
    thesaurus.forget()
    with app.app_context():
        get_index(app).rebuild(db.session)
        db.session.remove()
    return get_index(app)
