from django import forms
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.public_forms import PublicFormMixin

from .models import Question, Topic


class QuestionForm(PublicFormMixin, forms.ModelForm):
    """The question to the policy officer. Browser validation is off (novalidate): errors come
    from here, in Dutch, with an error summary. Spam defence without a third party: the
    public-form kit's honeypot and signed start time."""

    text_fields = ("text", "name", "email")
    consent = forms.BooleanField(
        label=_(
            "Ik ga akkoord met de verwerking van mijn gegevens zoals beschreven in de privacyverklaring."
        ),
        error_messages={
            "required": _("Vink aan dat u akkoord gaat, anders kunnen we uw vraag niet bewaren.")
        },
    )

    class Meta:
        model = Question
        fields = ["text", "topic", "name", "email", "consent"]
        labels = {
            "text": _("Uw vraag"),
            "topic": _("Waar gaat uw vraag over?"),
            "name": _("Uw naam (niet verplicht)"),
            "email": _("Uw e-mailadres (niet verplicht)"),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "topic": forms.Select(choices=Topic.choices),
        }
        error_messages = {
            "text": {
                "required": _("Vul uw vraag in."),
                "max_length": _(
                    "Uw vraag is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
                ),
            },
            "email": {
                "invalid": _(
                    "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl, of laat het veld leeg."
                )
            },
            "name": {"max_length": _("Uw naam is te lang: maximaal %(limit_value)d tekens.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.pop(
            "maxlength", None
        )  # counted on the server, with a clear message
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")
