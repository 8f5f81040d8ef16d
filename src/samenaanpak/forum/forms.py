"""The vrijplaats's forms for young people (informal "je"). Browser validation is off
(novalidate): errors come from here, in Dutch, with the error summary. Every form uses the
public-form kit (honeypot, start token, duplicate key)."""

import re
import unicodedata

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from samenaanpak.core import public_forms
from samenaanpak.core.public_forms import PublicFormMixin, no_maxlength

from . import screening, trust
from .models import MAX_AGE, MIN_AGE, POST_MAX, PSEUDONYM_MAX, TITLE_MAX, Member, pseudonym_key
from .screening import screen
from .status import CARE_REASONS, Reason

# ASCII only (after NFKC, so a fullwidth "Ｚ" is a "Z"): Greek, Cyrillic and other look-alike
# letters cannot pose as someone else's name.
PSEUDONYM = re.compile(rf"^[A-Za-z0-9_.\-]{{3,{PSEUDONYM_MAX}}}$")
PSEUDONYM_MIN_LETTERS = 2
# Words that make a member look like staff or an authority (or a helpline) next to their posts:
# the badge beside a real hulpverlener's name is easy to miss on a phone. Matched anywhere in the
# name, case and separators ignored and on the skeleton (so "M0d_erator" counts too); numbers
# only as a whole run of digits ("113", not "2113"). Hulpverleners and moderators may use them.
RESERVED_WORDS = (
    "moderator",
    "moderatie",
    "beheer",  # also beheerder
    "hulpverlener",
    "hulpverlening",
    "gemeente",
    "jongerenwerk",  # also jongerenwerker
    "kindertelefoon",
)
# Short words that hide in ordinary names ("Kate_Amber" holds "team", "SteamGamer" too): these
# count only as a whole part of the name between separators ("Team_Sam", "admin").
RESERVED_PARTS = ("team", "staff", "support", "official", "officieel", "admin", "modje", "politie")
RESERVED_EXCEPTIONS = ("badminton", "supporter")
# "snap.naam", "naam.insta", "naam.nl": a handle on a platform or a web address.
DOMAIN_ENDINGS = screening.TLDS | frozenset("tv gg ly app shop xyz online".split())
CONFIRM_SALT = "samenaanpak.forum.crisis-confirmed"


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


def is_staff(user) -> bool:
    """Hulpverleners and moderators: they may use the reserved words."""
    return trust.is_professional(user) or trust.is_moderator(user)


def uses_reserved_word(value: str) -> bool:
    key = pseudonym_key(value)
    for word in RESERVED_EXCEPTIONS:
        key = key.replace(pseudonym_key(word), "")
    if "113" in re.findall(r"[0-9]+", value):
        return True
    parts = {pseudonym_key(part) for part in re.split(r"[_.\-]+", value) if part}
    if parts & {pseudonym_key(word) for word in RESERVED_PARTS}:
        return True
    return any(pseudonym_key(word) in key for word in RESERVED_WORDS)


def looks_like_handle(value: str) -> bool:
    parts = value.lower().split(".")
    if len(parts) < 2:
        return False
    return parts[-1] in DOMAIN_ENDINGS or any(p in screening.PLATFORM_NAMES for p in parts)


def clean_pseudonym(value, member=None, staff=False):
    """The pseudonym as stored (NFKC), or ValidationError. `member`: their own name is not
    taken; `staff`: may use the reserved words."""
    value = unicodedata.normalize("NFKC", value).strip()
    letters = sum(c.isascii() and c.isalpha() for c in value)
    if not PSEUDONYM.match(value) or letters < PSEUDONYM_MIN_LETTERS:
        raise forms.ValidationError(
            _(
                "Een schuilnaam heeft 3 tot %(n)d tekens: letters (a tot z, zonder accenten), "
                "cijfers, _ - of een punt, zonder spaties, en minstens 2 letters."
            )
            % {"n": PSEUDONYM_MAX}
        )
    if screen(value).blocked:
        raise forms.ValidationError(
            _("Zet geen telefoonnummer, e-mailadres of andere contactgegevens in je schuilnaam.")
        )
    if looks_like_handle(value):
        raise forms.ValidationError(
            _(
                "Je schuilnaam lijkt op een account of website (zoals snap.naam of naam.nl). "
                "Kies een naam zonder platform of domein."
            )
        )
    if not staff and uses_reserved_word(value):
        raise forms.ValidationError(
            _(
                "Deze schuilnaam lijkt op die van een moderator, hulpverlener of organisatie. "
                "Kies een andere."
            )
        )
    others = Member.objects.all()
    if member is not None:
        others = others.exclude(pk=member.pk)
    if others.filter(pseudonym__iexact=value).exists():
        raise forms.ValidationError(_("Deze schuilnaam is al bezet. Kies een andere."))
    if others.filter(pseudonym_key=pseudonym_key(value)).exists():
        raise forms.ValidationError(
            _("Deze schuilnaam lijkt te veel op die van iemand anders. Kies een andere.")
        )
    return value


class JoinForm(PublicFormMixin, forms.Form):
    text_fields = ("pseudonym",)

    pseudonym = PseudonymField()
    # A text box with a numeric keyboard, not type=number (NL Design System: spinners and
    # silent rounding help nobody enter an age).
    age = forms.IntegerField(
        label=_("Hoe oud ben je?"),
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "sa-textbox--short"}
        ),
        error_messages={"invalid": _("Vul je leeftijd in als getal, bijvoorbeeld 16.")},
    )
    accept = forms.BooleanField(
        label=_("Ik heb de huisregels gelezen en houd me eraan."),
        error_messages={"required": _("Lees de huisregels en vink aan dat je je eraan houdt.")},
    )

    def __init__(self, *args, needs_age=True, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_age = needs_age
        self.staff = is_staff(user)
        if not needs_age:
            del self.fields["age"]
        no_maxlength(self, "pseudonym")
        _ids(self)

    def clean_pseudonym(self):
        return clean_pseudonym(self.cleaned_data["pseudonym"], staff=self.staff)

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if self.needs_age and age is None:
            raise forms.ValidationError(_("Vul je leeftijd in."))
        if age is not None and not 0 < age < 120:
            raise forms.ValidationError(_("Vul je echte leeftijd in, bijvoorbeeld 16."))
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
        no_maxlength(self, "pseudonym")
        _ids(self)

    def clean_pseudonym(self):
        staff = self.member is not None and is_staff(self.member.user)
        return clean_pseudonym(self.cleaned_data["pseudonym"], self.member, staff=staff)


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
        no_maxlength(self, *(["title"] if with_title else []), "text")
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


class ReportForm(public_forms.ReportForm):
    reason_label = _("Waarom meld je dit bericht?")
    reason_choices = Reason.choices

    def __init__(self, *args, care_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if care_only:
            # A blocked member may still say they worry about someone: a safety channel.
            self.fields["reason"].choices = [
                (value, label) for value, label in Reason.choices if value in CARE_REASONS
            ]
        _ids(self)
