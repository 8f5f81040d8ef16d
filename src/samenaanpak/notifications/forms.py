from django import forms
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.public_forms import PublicFormMixin, email_field

from .models import Frequency

CONSENT_TEXT = _(
    "Ja, stuur mij e-mail over nieuws bij „%(topic)s”. Mijn e-mailadres wordt alleen daarvoor "
    "gebruikt; ik kan me in elke e-mail met één klik afmelden."
)


class FollowByEmailForm(PublicFormMixin, forms.Form):
    """Follow a topic without an account: the address, and consent in the words shown (stored as
    proof with the Consent). Spam defence is the public-form kit's."""

    text_fields = ("email",)
    email = email_field()
    consent = forms.BooleanField(
        error_messages={
            "required": _("Vink aan dat u e-mail wilt krijgen; anders kunnen we u niets sturen.")
        }
    )

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = CONSENT_TEXT % {"topic": topic.title}
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "id": "id_email"})
        self.fields["email"].widget.attrs.pop("maxlength", None)

    @property
    def consent_text(self) -> str:
        return str(self.fields["consent"].label)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Hoe vaak wilt u e-mail?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies hoe vaak u e-mail wilt."),
            "invalid_choice": _("Kies een van de mogelijkheden."),
        },
    )
