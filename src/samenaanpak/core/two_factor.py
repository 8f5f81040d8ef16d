"""django-two-factor-auth's login and setup, narrowed for this site (docs/architecture.md,
"Two-factor sign-in"):

- the setup refuses, on every method, a user who already has a confirmed device: a second device
  would let whoever knows the password sign in without the first one;
- the setup starts at the QR code (no 'welcome' page; the 'method' page is skipped by the library
  itself because TOTP is the only method);
- the code fields say what they ask for ("Code uit uw app") and accept "123 456";
- only back-office users sign in here (roles.is_staff_account): a public account (accounts) is
  told to use the public sign-in, as a staff account is told the reverse there. Otherwise an
  address nobody verified would sign in here, past the public sign-in's mandatory verification.

The library's other views keep their URLs and names (namespace "two_factor")."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from two_factor import views as library
from two_factor.forms import MethodForm
from two_factor.urls import urlpatterns as library_urlpatterns
from two_factor.utils import get_otpauth_url

from .roles import is_staff_account

CODE_LABEL = _("Code uit uw app")
CODE_HELP = _("De zes cijfers die uw authenticator-app nu toont.")
CODE_ATTRS = {
    "inputmode": "numeric",
    "autocomplete": "one-time-code",
    "autofocus": True,
    "spellcheck": "false",
    "autocapitalize": "off",
    "size": 8,
}


class CodeField(forms.IntegerField):
    """The library's integer code field, typed as text: no spinner, and "123 456" is read as 123456."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split())
        return super().to_python(value)


def _relabel(form, name, help_text=CODE_HELP):
    field = form.fields.get(name)
    if field is not None:
        field.label, field.help_text = CODE_LABEL, help_text
        field.widget.attrs.update(CODE_ATTRS)
        field.widget.attrs.pop("pattern", None)  # a browser bubble; the server says what is wrong


# django-otp has no Dutch; its English would appear on our Dutch login page.
OTP_ERRORS = {
    "token_required": _("Typ de code uit uw app."),
    "invalid_token": _("Deze code klopt niet. Typ de code die de app nu toont."),
    "n_failed_attempts": _(
        "Te veel foute codes achter elkaar. Wacht even en probeer het dan opnieuw."
    ),
    "verification_not_allowed": _(
        "Inloggen met een code kan nu even niet. Probeer het over een minuut opnieuw."
    ),
}


class StaffAuthenticationForm(AuthenticationForm):
    """The password step of the back office: for back-office users only."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_staff_account(user):
            raise forms.ValidationError(
                _("Dit is geen account voor het beheer. Bewoners loggen in op de site: %(url)s"),
                code="public_account",
                params={"url": settings.SITE_URL + reverse("account_login")},
            )


class LoginView(library.LoginView):
    form_list = (
        (library.LoginView.AUTH_STEP, StaffAuthenticationForm),
        *library.LoginView.form_list[1:],
    )

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step, **kwargs)
        _relabel(form, "otp_token")
        if hasattr(form, "otp_error_messages"):
            form.otp_error_messages = {**form.otp_error_messages, **OTP_ERRORS}
        return form


class SetupView(library.SetupView):
    # No 'welcome' step: the page with the QR code explains itself. At least one form must be
    # listed; the library drops 'method' when there is only one method and adds 'generator'.
    form_list = (("method", MethodForm),)
    # Straight on to where the user was going (?next=, kept by the middleware) or the dashboard,
    # with a message, instead of the library's "complete" page.
    success_url = "wagtailadmin_home"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not is_staff_account(user):
            return redirect("account_overview")  # a public account has no back office to secure
        if user.is_authenticated and user_has_device(user, confirmed=True):
            # Refused for GET and POST alike. Who has a device and entered its code in this session
            # (the middleware signs out everyone else) gets here only by typing the address.
            messages.info(request, _("Er is al een app gekoppeld aan uw account."))
            return redirect("wagtailadmin_home")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if "otpauth_url" in context:  # the app lists the site's name, not the host name
            context["issuer"] = settings.OTP_TOTP_ISSUER
            context["otpauth_url"] = get_otpauth_url(
                self.request.user.get_username(), context["secret_key"], settings.OTP_TOTP_ISSUER
            )
        if "secret_key" in context:  # in groups of four, easier to type over
            secret = context["secret_key"]
            context["secret_key_groups"] = " ".join(
                secret[i : i + 4] for i in range(0, len(secret), 4)
            )
        return context

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        messages.success(
            self.request,
            _(
                "Uw app is gekoppeld. Vanaf nu vraagt het beheer bij het inloggen om een "
                "code uit deze app."
            ),
        )
        return response

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step, **kwargs)
        if "token" in form.fields:
            old = form.fields["token"]
            form.fields["token"] = CodeField(min_value=old.min_value, max_value=old.max_value)
            _relabel(form, "token", help_text="")  # the numbered steps on the page say it
            if not form.is_bound:  # on a phone the keyboard would cover the QR code and the steps
                form.fields["token"].widget.attrs.pop("autofocus", None)
            form.error_messages = {
                "invalid_token": _(
                    "Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en typ de code die de app "
                    "nu toont."
                )
            }
        return form


class QRView(library.QRGeneratorView):
    def get_issuer(self):
        return settings.OTP_TOTP_ISSUER


_ours = {"login": LoginView.as_view(), "setup": SetupView.as_view(), "qr": QRView.as_view()}
_patterns, app_name = library_urlpatterns
urlpatterns = [
    path(str(p.pattern), _ours[p.name], name=p.name) if p.name in _ours else p for p in _patterns
]
