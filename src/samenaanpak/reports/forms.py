from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.models import area_choices
from samenaanpak.core.public_forms import PublicFormMixin

from . import crypto
from .models import Category
from .photos import PhotoError, clean_photo

MAX_TEXT = 5000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos in one input (Django's documented pattern for multiple files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def clean_photos(files, upload_notes) -> list[tuple[str, str, bytes]]:
    """Up to three photos, each re-encoded without metadata; every problem in one Dutch list."""
    errors = []
    if upload_notes["too_many"] or len(files) > 3:
        errors.append(_("U kunt hoogstens 3 foto's meesturen."))
    for name in upload_notes["too_large"]:
        errors.append(
            _("%(name)s is groter dan 10 MB. Maak de foto kleiner of kies een andere.")
            % {"name": name or _("Een foto")}
        )
    cleaned = []
    for upload in files[:3]:
        try:
            cleaned.append(clean_photo(upload.name, upload.read()))
        except PhotoError as error:
            errors.append(str(error))
    if errors:
        raise forms.ValidationError(errors)
    return cleaned


def check_length(value: str, message) -> str:
    if len(value) > MAX_TEXT:
        raise forms.ValidationError(message % {"limit": MAX_TEXT, "count": len(value)})
    return value


NO_UPLOADS = {"seen": 0, "too_many": False, "too_large": []}


class ReportForm(PublicFormMixin, forms.Form):
    """The report. Browser validation is off (novalidate); errors are Dutch, with a summary.
    Honeypot, start token and duplicate key come from the public-form kit."""

    text_fields = ("description", "where", "name", "email", "phone")

    category = forms.ModelChoiceField(
        label=_("Waar gaat uw melding over?"),
        empty_label=None,
        queryset=Category.objects.filter(active=True).exclude(
            team__public_key=b""
        ),  # a team without a key yet
        error_messages={
            "required": _("Kies waar uw melding over gaat."),
            "invalid_choice": _("Kies een van de onderwerpen uit de lijst."),
        },
    )
    description = forms.CharField(
        label=_("Wat is er gebeurd of wat is uw zorg?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Beschrijf wat er is gebeurd of wat uw zorg is.")},
    )
    where = forms.CharField(
        label=_("Waar was het? (niet verplicht)"),
        required=False,
        max_length=300,
        error_messages={
            "max_length": _("Houd de plaatsomschrijving korter dan %(limit_value)d tekens.")
        },
    )
    place = forms.ChoiceField(
        label=_("In welke plaats? (niet verplicht)"),
        required=False,
        choices=lambda: [("", _("Weet ik niet / zeg ik liever niet"))] + area_choices(),
        error_messages={"invalid_choice": _("Kies een plaats uit de lijst.")},
    )
    when = forms.DateField(
        label=_("Wanneer was het? (niet verplicht)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 28-11-2026.")},
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )
    photos = PhotosField(label=_("Foto's (niet verplicht, hoogstens 3)"), required=False)
    name = forms.CharField(label=_("Uw naam"), required=False, max_length=100)
    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        required=False,
        error_messages={
            "invalid": _(
                "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl, of laat het veld leeg."
            )
        },
    )
    phone = forms.CharField(
        label=_("Uw telefoonnummer"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, data=None, files=None, *args, upload_notes=None, **kwargs):
        super().__init__(data, files, *args, **kwargs)
        self.upload_notes = upload_notes or NO_UPLOADS
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")
        self.clean_photos_result = []

    def clean_description(self):
        return check_length(
            self.cleaned_data["description"],
            _("Uw beschrijving is te lang: maximaal %(limit)d tekens (nu %(count)d)."),
        )

    def clean_when(self):
        value = self.cleaned_data["when"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                _("Die datum ligt in de toekomst. Vul de dag in waarop het gebeurde.")
            )
        return value

    def clean_place(self):
        """The kern's name is sealed with the report (as it was chosen, even if renamed later)."""
        return dict(area_choices()).get(self.cleaned_data.get("place"), "")

    def clean_photos(self):
        return clean_photos(self.cleaned_data.get("photos") or [], self.upload_notes)

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "where": data["where"],
            "place": data["place"],
            "when": data["when"].isoformat() if data["when"] else "",
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
        }


class LookupForm(forms.Form):
    receipt = forms.CharField(
        label=_("Uw meldcode"),
        max_length=60,
        error_messages={
            "required": _("Vul uw meldcode in."),
            "max_length": _("Een meldcode is 20 tekens lang, zoals 7KQ2-M9XD-4HTE-PB31-ZW8C."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].widget.attrs.update(
            {
                "id": "id_receipt",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        )

    def clean_receipt(self):
        value = self.cleaned_data["receipt"]
        try:
            return crypto.normalise_receipt(value)
        except crypto.InvalidReceipt:
            raise forms.ValidationError(
                _(
                    "Dit is geen geldige meldcode. Een meldcode heeft 20 letters en cijfers, in groepjes van vier, "
                    "zoals 7KQ2-M9XD-4HTE-PB31-ZW8C."
                )
            ) from None


class ReplyForm(PublicFormMixin, forms.Form):
    """The reporter's addition or answer. From the form kit only the text cleaning and the
    duplicate key (a double click adds the message once); the reporter is already known by the code."""

    text_fields = ("text",)

    text = forms.CharField(
        label=_("Aanvulling of antwoord"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Schrijf eerst uw aanvulling of antwoord.")},
    )
    photos = PhotosField(label=_("Foto's (niet verplicht, hoogstens 3)"), required=False)

    def __init__(self, data=None, files=None, *args, upload_notes=None, **kwargs):
        super().__init__(data, files, *args, **kwargs)
        self.upload_notes = upload_notes or NO_UPLOADS
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean_text(self):
        return check_length(
            self.cleaned_data["text"],
            _("Uw tekst is te lang: maximaal %(limit)d tekens (nu %(count)d)."),
        )

    def clean_photos(self):
        return clean_photos(self.cleaned_data.get("photos") or [], self.upload_notes)
