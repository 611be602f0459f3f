"""Reading what a page shows after a click.

A click that submits a form or follows a link returns once the navigation has started, not
when the next page has loaded; reading the page at once can read the old page, or nothing
(``page.content()`` was ``''`` in a CI run). These wait, up to Playwright's timeout, for the
new page to show what is expected.
"""
import re


def _expect():
    from playwright.sync_api import expect      # imported late: without Playwright these tests skip
    return expect


def shows(page, text):
    """The page's body comes to contain ``text``."""
    _expect()(page.locator("body")).to_contain_text(text)


def heading(page, text):
    """The page's ``<h1>`` comes to read exactly ``text``."""
    _expect()(page.locator("h1")).to_have_text(text)


def heading_starts(page, text):
    """The page's ``<h1>`` comes to begin with ``text``."""
    _expect()(page.locator("h1")).to_have_text(re.compile("^" + re.escape(text)))


def at(page, path):
    """The page comes to be at an address ending in ``path``."""
    page.wait_for_url(re.compile(re.escape(path) + r"$"))
