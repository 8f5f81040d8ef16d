"""Back-office forms of the vrijplaats: a decision on a queue item, taking part of a post out,
and what a moderator does with a member (level, warning, block)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import POST_MAX, TrustLevel
from .status import Reason

REASON_CHOICES = [("", _("Kies een reden"))] + Reason.choices

# The decisions on a queue item; which are offered depends on the post's status (admin_views).
APPROVE, HIDE, RESTORE, DISMISS, LOOKED, REMOVE, WARN, BLOCK = (
    "goedkeuren",
    "verbergen",
    "terugzetten",
    "meldingen_afhandelen",
    "bekeken",
    "verwijderen",
    "waarschuwen",
    "blokkeren",
)
NEEDS_REASON = {HIDE, REMOVE, WARN}


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in (APPROVE, HIDE, RESTORE, DISMISS, LOOKED, REMOVE, WARN, BLOCK)]
    )
    reason = forms.ChoiceField(
        label=_(
            "Reden bij verbergen, verwijderen of waarschuwen (de schrijver krijgt die uitgelegd)"
        ),
        choices=REASON_CHOICES,
        required=False,
    )
    note = forms.CharField(
        label=_(
            "Toelichting (voor het logboek; bij een waarschuwing of blokkade leest de schrijver die ook)"
        ),
        required=False,
        max_length=300,
    )
    warn_too = forms.BooleanField(
        label=_("Bij verwijderen: de schrijver ook een waarschuwing geven"), required=False
    )
    days = forms.IntegerField(
        label=_("Bij blokkeren: aantal dagen"), required=False, min_value=1, max_value=3650
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in NEEDS_REASON and not cleaned.get("reason"):
            self.add_error("reason", _("Kies de reden die de schrijver uitgelegd krijgt."))
        if action == BLOCK:
            if not cleaned.get("days"):
                self.add_error("days", _("Kies hoe lang de blokkade duurt."))
            if not (cleaned.get("note") or "").strip():
                self.add_error("note", _("Geef een reden; de deelnemer krijgt die te lezen."))
        return cleaned


class EditOutForm(forms.Form):
    text = forms.CharField(
        label=_("Tekst van het bericht"),
        help_text=_("Haal het deel weg dat niet kan. Wat u weghaalt wordt nergens bewaard."),
        max_length=POST_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    why = forms.CharField(
        label=_("Waarom (staat bij het bericht en de schrijver krijgt het te lezen)"),
        max_length=300,
        help_text=_(
            "Bijvoorbeeld: “Telefoonnummer weggehaald: in de vrijplaats blijft iedereen anoniem.”"
        ),
    )
    show = forms.BooleanField(
        label=_("Een wachtend of verborgen bericht daarna plaatsen"), required=False, initial=True
    )

    def __init__(self, *args, original="", **kwargs):
        super().__init__(*args, **kwargs)
        self.original = original

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if text == (self.original or "").strip():
            raise forms.ValidationError(
                _("De tekst is niet veranderd. Haal het deel weg dat niet kan.")
            )
        return text


class LevelForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Vertrouwensniveau"),
        choices=[("", _("Automatisch (volgens de regels)"))]
        + [(str(v), label) for v, label in TrustLevel.choices],
        required=False,
    )


class WarnForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reden"), choices=REASON_CHOICES)
    note = forms.CharField(
        label=_("Toelichting (de deelnemer leest die)"), required=False, max_length=300
    )


class BlockForm(forms.Form):
    days = forms.IntegerField(label=_("Aantal dagen"), min_value=1, max_value=3650, initial=7)
    reason = forms.CharField(label=_("Reden (de deelnemer leest die)"), max_length=300)


class LogFilterForm(forms.Form):
    actie = forms.ChoiceField(label=_("Actie"), required=False)
    deelnemer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from .status import ModerationAction

        super().__init__(*args, **kwargs)
        self.fields["actie"].choices = [("", _("Alle acties"))] + ModerationAction.choices
