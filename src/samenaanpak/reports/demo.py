"""A handler account for trying the meldpunt locally (never in production): it signs in with
DEMO_PASSWORD and must link an authenticator app like every back-office user. Made by the content
loader for a team with `demo_handler: true` (content/<municipality>/meldpunt.yaml)."""

from django.contrib.auth import get_user_model

from . import keyring

DEMO_HANDLER = "behandelaar"
DEMO_PASSWORD = "meldpunt-demo-2026"


def ensure_demo_handler(group):
    User = get_user_model()
    if User.objects.filter(username=DEMO_HANDLER).exists():
        return
    user = User.objects.create_user(
        DEMO_HANDLER, password=DEMO_PASSWORD, first_name="Demo", last_name="Behandelaar"
    )
    user.groups.add(group)
    keyring.enrol_with_password(user, DEMO_PASSWORD)
