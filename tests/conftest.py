import pytest

from mpp_digital import create_app
from mpp_digital.extensions import db
from mpp_digital.search import get_index

from .databases import build_template, databases

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "NIK_HMAC_KEY": "test-nik-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": "localhost",
    # scrypt with a 64th of the work: every login and staff account would otherwise cost 0.1 s.
    "PASSWORD_HASH_METHOD": "scrypt:512:8:1",
}


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory):
    return databases(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def templates(test_databases):
    """Two template databases, built once: regions only, and regions with the demo MPPs."""
    urls = {}
    for name, demo in (("regions", False), ("demo", True)):
        urls[name] = test_databases.new_empty(f"template_{name}")
        build_template(create_app, BASE_CONFIG, urls[name], demo)
    yield urls
    for url in urls.values():
        test_databases.drop(url)


def _app_on(test_databases, template_url, tmp_path, name, **config):
    url = test_databases.copy(template_url, name)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config},
                     instance_path=str(tmp_path / "instance"))
    yield app
    # A search that found no index started a rebuild in a thread with its own connection: let
    # it finish before the pool is closed, or its connection outlives the test (and is
    # reported, as an unclosed connection, in whichever test the collector runs in).
    get_index(app).wait_for_rebuild()
    with app.app_context():
        db.engine.dispose()
    test_databases.drop(url)


@pytest.fixture
def app(test_databases, templates, tmp_path):
    """The app on its own copy of the demo database (12 MPPs and their services)."""
    yield from _app_on(test_databases, templates["demo"], tmp_path, "demo")


@pytest.fixture
def strict_app(test_databases, templates, tmp_path):
    """The demo app with CSRF protection and rate limits on, as in production."""
    yield from _app_on(test_databases, templates["demo"], tmp_path, "strict",
                       WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)


@pytest.fixture
def bare_app(test_databases, templates, tmp_path):
    """The app on its own database with the regions loaded and nothing else."""
    yield from _app_on(test_databases, templates["regions"], tmp_path, "bare")


@pytest.fixture
def ctx(app):
    """An application context, for tests that call operations and read rows directly.

    Requests made by `client` inside it would share its `g`; open it only around direct calls
    when a test does both.
    """
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(app, client):
    """Sign a test client in as a new member of staff:
    `login_as(Role.CLERK)`, `login_as(Role.MPP_MANAGER, slug="kota-mataram", client=other)`.
    Returns the client (by default the `client` fixture's)."""
    from mpp_digital.accounts.models import Role

    from .factories import login, staff

    def sign_in(role, slug="kota-kediri", letter="A", email=None, client=client):
        email = email or f"{Role(role).value}.{slug}.{letter}@uji.test".lower()
        with app.app_context():
            staff(email, role, slug=slug, letter=letter)
            db.session.commit()
        login(client, email)
        return client
    return sign_in


def english(client):
    """Switch the client to English, as the language link does."""
    client.set_cookie("bahasa", "en", domain="localhost")
    return client
