"""The vrijplaats's forms for young people (informal "je"). Browser validation is off
(novalidate): errors come from here, in Dutch, with the error summary. Every form uses the
public-form kit (honeypot, start token, duplicate key)."""

import re

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.public_forms import PublicFormMixin

from .models import MAX_AGE, MIN_AGE, POST_MAX, PSEUDONYM_MAX, TITLE_MAX, Member
from .screening import screen
from .status import Reason

PSEUDONYM = re.compile(rf"^[\w.\-]{{3,{PSEUDONYM_MAX}}}$")
CONFIRM_SALT = "samenaanpak.forum.crisis-confirmed"


def _no_maxlength(form, *names):
    for name in names:
        form.fields[name].widget.attrs.pop("maxlength", None)


def _ids(form):
    for name, field in form.fields.items():
        field.widget.attrs.setdefault("id", f"id_{name}")


class PseudonymField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Je schuilnaam"),
            max_length=PSEUDONYM_MAX,
            error_messages={
                "required": _("Kies een schuilnaam."),
                "max_length": _(
                    "Je schuilnaam is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
                ),
            },
            **kwargs,
        )


def clean_pseudonym(value, member=None):
    value = value.strip()
    if not PSEUDONYM.match(value) or value.isdigit():
        raise forms.ValidationError(
            _(
                "Een schuilnaam heeft 3 tot %(n)d tekens: letters, cijfers, _ - of een punt, "
                "zonder spaties."
            )
            % {"n": PSEUDONYM_MAX}
        )
    if screen(value).blocked:
        raise forms.ValidationError(
            _("Zet geen telefoonnummer, e-mailadres of andere contactgegevens in je schuilnaam.")
        )
    taken = Member.objects.filter(pseudonym__iexact=value)
    if member is not None:
        taken = taken.exclude(pk=member.pk)
    if taken.exists():
        raise forms.ValidationError(_("Deze schuilnaam is al bezet. Kies een andere."))
    return value


class JoinForm(PublicFormMixin, forms.Form):
    text_fields = ("pseudonym",)

    pseudonym = PseudonymField()
    age = forms.IntegerField(
        label=_("Hoe oud ben je?"),
        required=False,
        error_messages={"invalid": _("Vul je leeftijd in als getal, bijvoorbeeld 16.")},
    )
    accept = forms.BooleanField(
        label=_("Ik heb de huisregels gelezen en houd me eraan."),
        error_messages={"required": _("Lees de huisregels en vink aan dat je je eraan houdt.")},
    )

    def __init__(self, *args, needs_age=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_age = needs_age
        if not needs_age:
            del self.fields["age"]
        _no_maxlength(self, "pseudonym")
        _ids(self)

    def clean_pseudonym(self):
        return clean_pseudonym(self.cleaned_data["pseudonym"])

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if self.needs_age and age is None:
            raise forms.ValidationError(_("Vul je leeftijd in."))
        return age

    def age_outside(self) -> bool:
        age = self.cleaned_data.get("age") if hasattr(self, "cleaned_data") else None
        return self.needs_age and age is not None and not (MIN_AGE <= age <= MAX_AGE)


class SettingsForm(PublicFormMixin, forms.Form):
    text_fields = ("pseudonym",)
    pseudonym = PseudonymField()

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        _no_maxlength(self, "pseudonym")
        _ids(self)

    def clean_pseudonym(self):
        return clean_pseudonym(self.cleaned_data["pseudonym"], self.member)


class PostForm(PublicFormMixin, forms.Form):
    """A reply; with `with_title`, a new topic. `confirmed` is the signed "yes, place it" after
    the crisis help was shown."""

    text_fields = ("title", "text")

    title = forms.CharField(
        label=_("Titel van je onderwerp"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Geef je onderwerp een titel."),
            "max_length": _(
                "De titel is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
            ),
        },
    )
    text = forms.CharField(
        label=_("Je bericht"),
        max_length=POST_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Je bericht is nog leeg. Schrijf eerst iets."),
            "max_length": _(
                "Je bericht is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d). "
                "Maak het korter of verdeel het over twee berichten."
            ),
        },
    )
    follow = forms.BooleanField(label=_("Mail me als iemand reageert"), required=False)
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, with_title=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]
        _no_maxlength(self, *(["title"] if with_title else []), "text")
        _ids(self)

    def confirmation(self) -> str:
        """The signed token that says: the help was shown for this very text."""
        return signing.dumps(self._digest(), salt=CONFIRM_SALT)

    def is_confirmed(self) -> bool:
        try:
            value = signing.loads(
                self.data.get("confirmed", ""), salt=CONFIRM_SALT, max_age=24 * 3600
            )
        except signing.BadSignature:
            return False
        return value == self._digest()

    def _digest(self):
        import hashlib

        data = getattr(self, "cleaned_data", {})
        raw = "\x1f".join([data.get("title", ""), data.get("text", "")])
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


class EditForm(PostForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["follow"]


class ReportForm(PublicFormMixin, forms.Form):
    text_fields = ("note",)

    reason = forms.ChoiceField(
        label=_("Waarom meld je dit bericht?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een reden."),
            "invalid_choice": _("Kies een van de redenen."),
        },
    )
    note = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "De toelichting is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_maxlength(self, "note")
        _ids(self)
