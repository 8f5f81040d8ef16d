"""allauth's forms with what this site adds: the display name and the public-form kit at sign-up,
our rate limits (core.throttle) on everything that sends mail, and no sign-in code for staff."""

from allauth.account import forms as allauth_forms
from allauth.core import context as allauth_context
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samenaanpak.core import throttle
from samenaanpak.core.public_forms import PublicFormMixin
from samenaanpak.core.roles import is_staff_account
from samenaanpak.core.text import clean_text

from .adapter import address_key
from .identity import DELETED_ACCOUNT
from .models import Profile

CODE_PER_CLIENT = throttle.Limit("account-code-client", "ACCOUNT_CODE_CLIENT_HOURLY_LIMIT")
CODE_PER_ADDRESS = throttle.Limit("account-code-address", "ACCOUNT_CODE_ADDRESS_HOURLY_LIMIT")
RESET_PER_CLIENT = throttle.Limit("account-reset-client", "ACCOUNT_RESET_CLIENT_HOURLY_LIMIT")
RESET_PER_ADDRESS = throttle.Limit("account-reset-address", "ACCOUNT_RESET_ADDRESS_HOURLY_LIMIT")
SIGNUP_PER_CLIENT = throttle.Limit("account-signup-client", "ACCOUNT_SIGNUP_CLIENT_HOURLY_LIMIT")

TOO_MANY_MAILS = _(
    "U heeft het afgelopen uur al een paar keer een e-mail aangevraagd. Kijk of de e-mail er al is "
    "(ook bij ongewenste e-mail), of probeer het over een uur opnieuw."
)
TOO_MANY_SIGNUPS = _(
    "Vanaf deze verbinding zijn het afgelopen uur al veel accounts aangemaakt. Probeer het over een "
    "uur opnieuw."
)


def _client(purpose: str) -> str:
    return throttle.client_id(allauth_context.request, purpose)


def clean_display_name(value: str, *, exclude_user=None) -> str:
    """A display name: not empty, no email address, not "verwijderd account", not taken by
    another account (case and surrounding spaces ignored). Invisible characters go first, at
    sign-up and on every later change alike: a name of only zero-width spaces, a copy of someone
    else's name with one in it, or a direction override is no name."""
    value = " ".join(clean_text(value).split())
    if not value:
        raise ValidationError(_("Vul een schermnaam in."), code="required")
    if "@" in value:
        raise ValidationError(
            _("Een schermnaam mag geen e-mailadres zijn: iedereen kan hem zien."), code="email"
        )
    if value.casefold() == str(DELETED_ACCOUNT).casefold():
        raise ValidationError(_("Kies een andere schermnaam."), code="reserved")
    taken = Profile.objects.filter(display_name__iexact=value)
    if exclude_user is not None:
        taken = taken.exclude(user=exclude_user)
    if taken.exists():
        raise ValidationError(
            _("Deze schermnaam is al in gebruik. Kies een andere."), code="display_name_taken"
        )
    return value


def say_what_is_missing(form, **messages):
    """The error summary lists the messages without their labels, so "Dit is een verplicht veld."
    three times tells nobody which field is empty: every required field says its own."""
    for name, message in messages.items():
        if name in form.fields:
            field = form.fields[name]
            field.error_messages = {**field.error_messages, "required": message}


EMAIL_MISSING = _("Vul uw e-mailadres in.")
PASSWORD_MISSING = _("Vul uw wachtwoord in.")


def display_name_field():
    return forms.CharField(
        label=_("Schermnaam"),
        max_length=40,
        help_text=_(
            "Deze naam staat bij uw ideeën en reacties. Een schuilnaam mag. Uw e-mailadres "
            "ziet niemand."
        ),
        error_messages={
            "required": _("Vul een schermnaam in."),
            "max_length": _("Uw schermnaam is te lang: maximaal %(limit_value)d tekens."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class SignupForm(PublicFormMixin, allauth_forms.SignupForm):
    text_fields = ("display_name",)
    field_order = ["email", "display_name", "password1", "password2"]
    display_name = display_name_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mailadres")
        self.fields["email"].help_text = _(
            "Hier sturen we een code naar om uw adres te bevestigen. Niemand anders ziet het."
        )
        self.fields["password1"].label = _("Wachtwoord")
        self.fields["password1"].help_text = _(
            "Minstens 12 tekens, niet alleen cijfers en geen veelgebruikt wachtwoord. Een zin van "
            "een paar woorden werkt goed."
        )
        self.fields["password2"].label = _("Wachtwoord (nog een keer)")
        say_what_is_missing(
            self,
            email=EMAIL_MISSING,
            password1=_("Kies een wachtwoord."),
            password2=_("Vul het wachtwoord nog een keer in."),
        )

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])

    def clean(self):
        cleaned_data = super().clean()
        problem = self.start_problem()
        if problem:
            self.add_error(None, problem)
        elif not self.errors and not SIGNUP_PER_CLIENT.hit(_client("account-signup")):
            self.add_error(None, ValidationError(TOO_MANY_SIGNUPS, code="too_many"))
        return cleaned_data

    def try_save(self, request):
        if self.is_spam():  # tell a bot nothing: the page every sign-up sees next
            from allauth.account.adapter import get_adapter

            return None, get_adapter().respond_email_verification_sent(request, None)
        return super().try_save(request)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mailadres")
        self.fields["password"].label = _("Wachtwoord")
        if "remember" in self.fields:
            self.fields["remember"].label = _("Ingelogd blijven op dit apparaat")
        say_what_is_missing(self, login=EMAIL_MISSING, password=PASSWORD_MISSING)


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mailadres")
        say_what_is_missing(self, email=EMAIL_MISSING)

    def clean_email(self):
        email = super().clean_email()
        if email and not (
            CODE_PER_CLIENT.hit(_client("account-code"))
            and CODE_PER_ADDRESS.hit(address_key(email))
        ):
            raise ValidationError(TOO_MANY_MAILS, code="too_many")
        if getattr(self, "_user", None) is not None and is_staff_account(self._user):
            # No code for a staff account: the flow goes on as for an unknown address, and the
            # adapter mails the address where staff sign in instead.
            self._user = None
        return email


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mailadres")
        say_what_is_missing(self, email=EMAIL_MISSING)

    def clean_email(self):
        email = super().clean_email()
        if not (
            RESET_PER_CLIENT.hit(_client("account-reset"))
            and RESET_PER_ADDRESS.hit(address_key(email))
        ):
            raise ValidationError(TOO_MANY_MAILS, code="too_many")
        return email


class DisplayNameForm(forms.Form):
    display_name = display_name_field()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"], exclude_user=self.user)


CODE_MISSING = _("Vul de code uit de e-mail in.")


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        say_what_is_missing(self, password=PASSWORD_MISSING)


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        say_what_is_missing(self, code=CODE_MISSING)


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        say_what_is_missing(
            self,
            oldpassword=_("Vul uw huidige wachtwoord in."),
            password1=_("Kies een nieuw wachtwoord."),
            password2=_("Vul het nieuwe wachtwoord nog een keer in."),
        )
