"""Shared fixtures: the Nijkerk content, users per role, and a back-office login that has passed
two-factor verification (as after entering a TOTP code)."""

import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenaanpak.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks (Wagtail's search indexing among them) run at once unless a test says otherwise."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test starts with an empty cache. (The database-table cache of development lives in the
    test database and is rolled back with it; Redis, as in CI's second run, is not.)"""
    from django.core.cache import caches

    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        caches["default"].clear()


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


@pytest.fixture
def nijkerk(db, django_capture_on_commit_callbacks):
    from samenaanpak.core.content import load_content

    # Run the tasks enqueued on commit (search indexing), as the worker would.
    with django_capture_on_commit_callbacks(execute=True):
        return load_content("nijkerk")


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
    """The Nijkerk content after an editor turned its examples into real content: example actions
    count and show, example news is published. For tests about showing actions and news; the tests
    of core.editorial check that residents never see examples."""
    from samenaanpak.plan.models import Action, UpdatePage

    Action.objects.update(is_example=False)
    for page in UpdatePage.objects.filter(is_example=True):
        page.is_example = False
        page.save_revision().publish()
    return nijkerk
