"""django-allauth, fitted to this site (docs/architecture.md, "Public accounts").

- Staff accounts never get in here: a correct password is answered with "use the back office"
  (nothing signed in), and every other way in (a sign-in code, a password reset, a sign-up with
  their address) mails them only that same advice, never a code or a link. `pre_login` refuses
  them once more whatever path led there.
- Every mail goes through the outbox (core.mail.queue_email), as a service mail: no bulk headers.
  At most ACCOUNT_MAIL_ADDRESS_HOURLY_LIMIT account mails per address per hour, whatever asked.
- The client address comes from core.http (the trusted proxy header) and is never stored."""

import hashlib
import logging
import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samenaanpak.core import throttle
from samenaanpak.core.http import client_address
from samenaanpak.core.mail import queue_email
from samenaanpak.core.roles import is_staff_account

from .models import Profile

logger = logging.getLogger(__name__)

MAIL_PURPOSE = "account"
MAIL_PER_ADDRESS = throttle.Limit("account-mail-address", "ACCOUNT_MAIL_ADDRESS_HOURLY_LIMIT")
# All account mails together: a script on many addresses (a botnet) cannot turn the site into a
# mail cannon that ruins the sender's reputation; residents then get no mail for a while.
ALL_MAIL = throttle.Limit("account-mail-all", "ACCOUNT_MAIL_HOURLY_CAP")
STAFF_MAIL = "accounts/email/staff_refused"

# allauth's messages that the next page already says itself, or that would wait in a cookie for a
# page that shows no messages (the home page after signing out).
QUIET_MESSAGES = {
    "account/messages/logged_in.txt",
    "account/messages/logged_out.txt",
    "account/messages/login_code_sent.txt",
    "account/messages/email_confirmation_sent.txt",
    "account/messages/email_confirmed.txt",
}


def globals_request():
    return allauth_context.request


def address_key(email: str) -> str:
    """A limit's key for an address: a hash, so the throttle store holds no address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def staff_with_address(email: str) -> bool:
    """Does this address belong to a back-office user (by the user's email or a known address)?"""
    users = get_user_model().objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email)
    )
    return any(is_staff_account(user) for user in users.distinct())


def admin_url() -> str:
    return settings.SITE_URL + settings.ADMIN_PATH


def staff_refused_error() -> ValidationError:
    return ValidationError(
        _(
            "Dit is het account van een medewerker. Medewerkers loggen in via het beheer, met hun "
            "wachtwoord en de code uit hun app: %(url)s"
        ),
        code="staff_account",
        params={"url": admin_url()},
    )


class AccountAdapter(DefaultAccountAdapter):
    # allauth's Dutch translation says "jou" and "je"; this site says "u" (and says what to do).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "Het e-mailadres of het wachtwoord klopt niet. Controleer ze, of log in met een code "
            "per e-mail."
        ),
        "enter_current_password": _("Vul uw huidige wachtwoord in."),
        "incorrect_code": _(
            "Deze code klopt niet of is verlopen. Controleer de cijfers in de nieuwste e-mail."
        ),
        "incorrect_password": _("Dit wachtwoord klopt niet."),
        "invalid_or_expired_key": _("Deze link klopt niet of is verlopen. Vraag een nieuwe aan."),
        "invalid_password_reset": _(
            "Deze link om uw wachtwoord te herstellen klopt niet of is verlopen. Vraag een nieuwe aan."
        ),
    }

    # --- who is asking ---------------------------------------------------------------------------
    def get_client_ip(self, request) -> str:
        return client_address(request)

    def get_http_user_agent(self, request) -> str:
        return ""  # never put in a mail or stored

    # --- the account -----------------------------------------------------------------------------
    def populate_username(self, request, user) -> None:
        # Django's user needs a unique user name; it must not be derived from the address.
        user.username = f"bewoner-{secrets.token_hex(8)}"

    def save_user(self, request, user, form, commit=True):
        """Every public account has a Profile with its display name (accounts.forms.SignupForm)."""
        user = super().save_user(request, user, form, commit=commit)
        Profile.objects.create(user=user, display_name=form.cleaned_data["display_name"])
        return user

    # --- staff stay out --------------------------------------------------------------------------
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and is_staff_account(user):
            # The password was right (the two-factor login tells as much by asking for the code),
            # but nothing is signed in: the back office has its own login with the second factor.
            raise staff_refused_error()
        return user

    def pre_login(self, request, user, **kwargs):
        if is_staff_account(user):
            clear_login(request)
            return render(
                request,
                "accounts/staff_refused.html",
                {"admin_url": admin_url()},
                status=403,
            )
        return super().pre_login(request, user, **kwargs)

    # --- mail ------------------------------------------------------------------------------------
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if staff_with_address(email):
            # No code, no link, no "you have an account": only where staff sign in.
            template_prefix, context = STAFF_MAIL, {"admin_url": admin_url()}
        if not MAIL_PER_ADDRESS.hit(address_key(email)):
            return  # the page already said "if the address is known, a mail is on its way"
        if not ALL_MAIL.hit():
            logger.warning("account mails over ACCOUNT_MAIL_HOURLY_CAP: not sent")
            return
        request = globals_request()
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "site_url": settings.SITE_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        queue_email(to=email, subject=message.subject, body=message.body, purpose=MAIL_PURPOSE)

    def format_email_subject(self, subject: str) -> str:
        return str(subject)

    def add_message(self, request, level, message_template=None, message_context=None, **kwargs):
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, message_context, **kwargs)

    # --- where to go next ------------------------------------------------------------------------
    def get_login_redirect_url(self, request) -> str:
        # settings.LOGIN_REDIRECT_URL is the back office's; residents go to their account.
        return reverse("account_overview")

    def get_signup_redirect_url(self, request) -> str:
        return reverse("account_overview")

    def get_email_verification_redirect_url(self, email_address) -> str:
        return reverse("account_overview")
