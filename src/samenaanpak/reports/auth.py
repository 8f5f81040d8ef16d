"""Hooks into Django's authentication: the password is the only moment the server can unwrap a
handler's meldpunt key, so it happens here (see keyring.py)."""

from django.contrib.auth.backends import ModelBackend

from . import keyring


class ReportKeyBackend(ModelBackend):
    """Django's ModelBackend; after a correct password it unlocks the user's meldpunt key for the
    session. The two-factor step still follows: the key is useless until the login is verified."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and request is not None and password and hasattr(request, "session"):
            keyring.unlock(request, user, password)
        return user


class RewrapReportKeyOnPasswordChange:
    """Listed among AUTH_PASSWORD_VALIDATORS only for its `password_changed` hook, which Django
    calls with the new password when a user is saved after set_password()."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk:
            keyring.rewrap_for_new_password(user, password)

    def get_help_text(self):
        return ""
