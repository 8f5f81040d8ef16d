"""Shared fixtures: the Nijkerk content, users per role, and a back-office login that has passed
two-factor verification (as after entering a TOTP code)."""

import os

import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_factoryboy import register

from samenaanpak.tests.factories import ActionFactory, GoalFactory, UserFactory

# Fixtures per factory (pytest-factoryboy): `user`, `goal`, `action` and `user_factory`, ...
register(UserFactory)
register(GoalFactory)
register(ActionFactory)


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks (Wagtail's search indexing among them) run at once unless a test says otherwise."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pytest_configure(config):
    """Parallel workers (pytest-xdist) each have their own test database; in a shared Redis
    database they keep apart by a key prefix, also in the servers they start as subprocesses."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from django.conf import settings
        from django.test.signals import setting_changed

        os.environ["CACHE_KEY_PREFIX"] = f"test-{worker}"
        if "KEY_PREFIX" in settings.CACHES["default"]:
            settings.CACHES["default"]["KEY_PREFIX"] = os.environ["CACHE_KEY_PREFIX"]
            setting_changed.send(None, setting="CACHES", value=settings.CACHES, enter=True)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test starts with an empty cache. (The database-table cache of development lives in the
    test database and is rolled back with it; Redis, as in CI's second run, is not.)"""
    from django.core.cache import caches

    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        cache = caches["default"]
        if cache.key_prefix:  # a parallel worker: only its own keys (django-redis scans them)
            cache.delete_pattern("*")
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Django's PBKDF2 runs a million rounds per password on purpose; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_argon2(settings):
    """Argon2id at libsodium's minimum cost: the same algorithm, thousands of times cheaper. The
    canary test runs the real cost in a subprocess."""
    import nacl.pwhash

    settings.REPORT_ARGON2_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MIN
    settings.REPORT_ARGON2_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MIN


# What the meldpunt needs of the Nijkerk content (the home page, site settings, the meldpunt).
MELDPUNT_ONLY = {
    "only": {"areas", "settings", "contact_persons", "pages", "report_teams"},
    "pages": {"melden"},
}


def _transactional(item) -> bool:
    """As pytest-django decides it: the test runs outside a rolled-back transaction."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in names
        or "live_server" in names
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django runs the rolled-back tests first, then the transactional ones, then those
    without a database. Within the first group, those that use the Nijkerk content go last: the
    content, loaded once for them, is never seen by a test that did not ask for it."""

    def group(item):
        names = getattr(item, "fixturenames", ())
        if _transactional(item):
            return 1, False
        if "db" in names or item.get_closest_marker("django_db"):
            return 0, "nijkerk" in names
        return 2, False

    items.sort(key=group)


# Whether the whole Nijkerk content is in the test database, committed, outside the transaction
# each test rolls back. Every transactional test empties the database when it ends.
_session_content = {"loaded": False}


@pytest.fixture(scope="session")
def _nijkerk_once(django_db_setup, django_db_blocker):
    """The whole Nijkerk content, loaded once per session (and per xdist worker) before the first
    rolled-back test that asks for it; the tests then see it inside their own transaction."""
    from django.core.cache import caches
    from django.test import override_settings

    from samenaanpak.core.content import load_content

    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_db_blocker.unblock(), override_settings(TASKS=immediate):
        load_content("nijkerk")  # committed: its on-commit tasks (search indexing) ran
        caches["default"].clear()  # what loading put in the cache is no test's business
    _session_content["loaded"] = True


@pytest.fixture(autouse=True)
def _content_only_where_asked(request, django_db_blocker):
    """A transactional test starts from an empty database, as before the content was loaded once
    per session: the first one after the loaded content removes it. A rolled-back test that did
    not ask for the content must not see it (the order of pytest_collection_modifyitems sees to
    that; xdist's --dist load keeps it, --dist loadfile would not)."""
    if not _session_content["loaded"]:
        return
    if _transactional(request.node):
        from django.core.management import call_command

        with django_db_blocker.unblock():
            call_command("flush", verbosity=0, interactive=False)
        _session_content["loaded"] = False
    elif "nijkerk" not in request.fixturenames and (
        "db" in request.fixturenames or request.node.get_closest_marker("django_db")
    ):
        pytest.fail("the Nijkerk content of the session is loaded: run this test before it")


@pytest.fixture
def nijkerk(request, _nijkerk_once, db, django_capture_on_commit_callbacks):
    """The whole Nijkerk content. Rolled-back tests get the copy loaded once per session;
    transactional tests (whose database is emptied after each) load it themselves."""
    from samenaanpak.core.content import load_content
    from samenaanpak.core.models import LoadedContent

    if _session_content["loaded"] and not _transactional(request.node):
        assert LoadedContent.objects.filter(kind="page", key="").exists()
        return
    # Run the tasks enqueued on commit (search indexing), as the worker would.
    with django_capture_on_commit_callbacks(execute=True):
        load_content("nijkerk")


@pytest.fixture
def meldpunt(db):
    """Only what the meldpunt needs: much faster than the whole Nijkerk content, which
    test_canary and the browser tests load."""
    from samenaanpak.core.content import load_content

    load_content("nijkerk", **MELDPUNT_ONLY)


def _verified_login(client, user):
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def verified_login():
    return _verified_login


@pytest.fixture
def role_users(nijkerk):
    """One user per back-office role (plus anonymous as None)."""

    def member(group_name, username):
        user = UserFactory(username=username)
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return {
        "anoniem": None,
        "redacteur": member("Redacteur", "redacteur"),
        "denktank_preventie": member("Denktank Preventie", "lid-preventie"),
        "beheerder": member("Beheerder", "beheerder"),
    }


@pytest.fixture
def examples_made_real(nijkerk):
    """The Nijkerk content after an editor turned its examples into real content."""
    from samenaanpak.tests.content import make_examples_real

    make_examples_real()
    return nijkerk


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (aiosmtpd) that the site sends to."""
    from samenaanpak.tests.smtp import SMTPServer

    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


@pytest.fixture
def db_tasks(settings):
    """Tasks go to the database queue, as in production, instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
