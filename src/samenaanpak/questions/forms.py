import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.text import clean_text

from .models import Question, Topic


class QuestionForm(forms.ModelForm):
    """The question to the policy officer. Browser validation is off (novalidate): errors come
    from here, in Dutch, with an error summary."""

    # Spam defence without a third party: a field people do not see, and a signed render time.
    website = forms.CharField(required=False, label=_("Laat dit veld leeg"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_("Ik ga akkoord met de verwerking van mijn gegevens zoals beschreven in de privacyverklaring."),
        error_messages={"required": _("Vink aan dat u akkoord gaat, anders kunnen we uw vraag niet bewaren.")},
    )

    class Meta:
        model = Question
        fields = ["text", "topic", "name", "email", "consent"]
        labels = {"text": _("Uw vraag"), "topic": _("Waar gaat uw vraag over?"), "name": _("Uw naam (niet verplicht)"),
                  "email": _("Uw e-mailadres (niet verplicht)")}
        widgets = {"text": forms.Textarea(attrs={"rows": 8}), "topic": forms.Select(choices=Topic.choices)}
        error_messages = {
            "text": {"required": _("Vul uw vraag in."),
                     "max_length": _("Uw vraag is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d).")},
            "email": {"invalid": _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl, of laat het veld leeg.")},
            "name": {"max_length": _("Uw naam is te lang: maximaal %(limit_value)d tekens.")},
        }

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Control and direction-override characters go before validation, so that a NUL byte
            # gives no technical error and a question of only such characters counts as empty.
            data = data.copy()
            for name in ("text", "name", "email"):
                if name in data:
                    data[name] = clean_text(data[name])
        super().__init__(data, *args, **kwargs)
        if not self.is_bound:
            self.fields["started"].initial = signing.dumps(time.time(), salt="questions.started")
        self.fields["text"].widget.attrs.pop("maxlength", None)  # counted on the server, with a clear message
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def filled_too_fast(self) -> bool:
        try:
            started = signing.loads(self.data.get("started", ""), salt="questions.started", max_age=7 * 24 * 3600)
        except signing.BadSignature:
            return False  # no or old timestamp: let a person through rather than lose the question
        return time.time() - float(started) < settings.QUESTION_MIN_FILL_SECONDS
