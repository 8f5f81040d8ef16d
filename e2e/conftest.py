"""Browser tests: Playwright (Python) driving Debian's chromium against Django's live server."""

import os
import shutil
from pathlib import Path

import pytest

from .screens import new_page

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


# The test database right after the first browser test loaded the content (SQLite only): the
# next ones copy it back, which takes milliseconds instead of seconds.
_loaded_database = {}


@pytest.fixture
def site(transactional_db, live_server, settings):
    """The Nijkerk content behind a live server. A browser fills in a form faster than the bot
    check of the public forms allows a person to (core.public_forms)."""
    import sqlite3

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from samenaanpak.core.content import load_content

    settings.FORM_MIN_FILL_SECONDS = 0

    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if in_memory and "nijkerk" in _loaded_database:
        connection.ensure_connection()
        _loaded_database["nijkerk"].backup(connection.connection)
        ContentType.objects.clear_cache()  # the copy's ids, not those of the last flush
    else:
        if in_memory:  # the copy starts from an emptied database, as every later test did
            call_command("flush", verbosity=0, interactive=False)
        load_content("nijkerk")
        if in_memory:
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            _loaded_database["nijkerk"] = copy
    return live_server


@pytest.fixture
def site_examples_made_real(site):
    """`site`, after an editor turned the example actions and news into real ones."""
    from samenaanpak.tests.content import make_examples_real

    make_examples_real()
    return site


@pytest.fixture
def page(browser):
    page = new_page(browser)  # a phone
    yield page
    page.context.close()


@pytest.fixture
def axe():
    """Runs axe-core (WCAG 2.0-2.2 A and AA rules) on the page; returns the violations."""
    source = AXE_JS.read_text()

    def run(page):
        page.evaluate(source)  # evaluated through DevTools, so our CSP does not need to allow it
        return page.evaluate(
            """async () => {
                const result = await axe.run(document, {runOnly: {type: 'tag', values:
                    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
                return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
            }"""
        )

    return run
