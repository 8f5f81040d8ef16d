"""The sign-up forms: name and address for a visitor, one button for a signed-in account. Both go
through the public-form kit (honeypot, signed start time, one record per filled-in form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.public_forms import PublicFormMixin, email_field, no_maxlength

from .models import Registration

NAME_MAX = Registration._meta.get_field("name").max_length


class RegistrationForm(PublicFormMixin, forms.Form):
    text_fields = ("name", "email")

    name = forms.CharField(
        label=_("Uw naam"),
        max_length=NAME_MAX,
        error_messages={
            "required": _("Vul uw naam in."),
            "max_length": _(
                "Uw naam is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
            ),
        },
    )
    email = email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_maxlength(self, "name", "email")
        self.fields["name"].widget.attrs.update({"autocomplete": "name", "id": "id_name"})
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "id": "id_email", "spellcheck": "false"}
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class AccountRegistrationForm(PublicFormMixin, forms.Form):
    """A signed-in account signs up with its own name and address: only the button. The account
    is the defence against scripts, so the "sent too fast" check does not apply."""

    min_fill_seconds = 0
