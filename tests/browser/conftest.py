"""Debian's Chromium driven by Playwright against the app served on 127.0.0.1.

Without Chromium or Playwright these tests skip and say why; under MPP_TEST_STRICT (CI) they fail.
"""
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from mpp_digital import create_app
from mpp_digital.extensions import db
from mpp_digital.search import get_index

from ..conftest import BASE_CONFIG
from ..databases import skip_unless

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser():
    skip_unless(shutil.which(CHROMIUM), f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless(False, "playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served_app(test_databases, templates, tmp_path_factory):
    """The demo app the browser tests talk to (CSRF on), with its search index."""
    url = test_databases.copy(templates["demo"], "browser")
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True}
    config.pop("SERVER_NAME")
    app = create_app(config, instance_path=str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        get_index(app).rebuild(db.session)
        db.session.remove()
    yield app
    test_databases.drop(url)


@pytest.fixture(scope="session")
def live_server(served_app):
    """The demo site on a free port of 127.0.0.1, in a thread, for the whole session."""
    server = make_server("127.0.0.1", 0, served_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def phone(browser):
    """A fresh 360 × 740 page with JavaScript."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    yield context.new_page()
    context.close()
