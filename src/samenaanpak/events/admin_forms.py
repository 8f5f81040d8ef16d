"""Back-office forms of the meetings: a message to everyone registered, and calling a meeting
off."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MailForm(forms.Form):
    subject = forms.CharField(
        label=_("Onderwerp"),
        max_length=150,
        error_messages={"required": _("Vul een onderwerp in.")},
    )
    body = forms.CharField(
        label=_("Bericht"),
        help_text=_(
            "Gewone tekst. Onder het bericht staan vanzelf de gegevens van de bijeenkomst en de "
            "link om af te melden."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Schrijf het bericht.")},
    )

    def clean_subject(self):
        # One line: a line break in a mail header is refused (and looks like header injection).
        return " ".join(self.cleaned_data["subject"].split())


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van afgelasten"),
        help_text=_(
            "Iedereen die aangemeld is of op de wachtlijst staat, krijgt deze reden te lezen."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Geef een reden; de aangemelden krijgen die te lezen.")},
    )
    confirm = forms.BooleanField(
        label=_("Ja, afgelasten"),
        help_text=_("Afgelasten kan niet ongedaan worden gemaakt."),
        error_messages={"required": _("Vink aan dat u de bijeenkomst wilt afgelasten.")},
    )
