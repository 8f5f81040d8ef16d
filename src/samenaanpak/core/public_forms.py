"""The public-form kit: what every form that anonymous visitors send shares.

- a honeypot field (``website``) that people do not see and bots fill in;
- a signed start token (``started``): when the form was shown plus a random part. A missing or
  forged token is an error (the visitor is asked to send again, nothing typed is lost), and a form
  sent faster than a person can is refused the same way;
- a duplicate-submit key derived from that token and everything sent, reserved in the throttle
  store inside the transaction that saves the record, so a double click or two identical POSTs at
  the same instant store one record, and a failed save leaves no reservation behind;
- text cleaning of the named fields before validation (control and direction-override characters);
- `store_once()`, the one way to store what such a form sent: the duplicate key, the rate limits
  and the record are kept or lost together in one transaction.

Rate limits are core.throttle.Limit. A view's flow: `is_spam()` (answer as if stored),
`start_problem()` (show it, keep the text), `is_valid()`, `already_sent()` (show the first
copy's confirmation without counting), then `store_once()`."""

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import throttle
from .text import clean_text

SALT = "samenaanpak.public-form.started"
MAX_AGE = 7 * 24 * 3600  # a form left open for a week is still accepted (the CSRF token decides)
SUBMITTED_FOR = 24 * 3600  # how long a sent form is remembered as sent
PENDING = 0  # the reservation's value until the record has its id (within the same transaction)


def start_token(at: float | None = None) -> str:
    return signing.dumps(
        {"t": time.time() if at is None else at, "n": secrets.token_urlsafe(9)}, salt=SALT
    )


@dataclass
class Outcome:
    """What `store_once()` did: stored `record`, found a `repeat` of a stored form (the same form at
    the same instant, stored by the other request), or was `refused` with a limit's message."""

    record: Any = None
    repeat: bool = False
    refused: str | None = None


class PublicFormMixin:
    """Mix into a django Form. Subclasses name their free-text fields in ``text_fields``."""

    text_fields: tuple[str, ...] = ()
    invalid_start_message = _(
        "Uw formulier kwam niet compleet aan of is te oud. Er is nog niets verstuurd: "
        "controleer de gegevens en klik opnieuw op versturen."
    )
    too_fast_message = _(
        "Het formulier werd erg snel verstuurd. Er is nog niets verstuurd: controleer de gegevens "
        "en klik nog een keer op versturen."
    )

    @property
    def min_fill_seconds(self) -> int:
        return settings.FORM_MIN_FILL_SECONDS

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            for name in self.text_fields:
                if name in data:
                    data[name] = clean_text(data[name])
        super().__init__(data, *args, **kwargs)
        self.fields["website"] = forms.CharField(required=False, label=_("Laat dit veld leeg"))
        self.fields["started"] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.fields["started"].initial = start_token()

    # --- spam and the start token ----------------------------------------------------------------
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def _started_at(self) -> float | None:
        try:
            value = signing.loads(self.data.get("started", ""), salt=SALT, max_age=MAX_AGE)
            return float(value["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None

    def start_problem(self):
        """None when the start token is valid and old enough; otherwise the message to show. The
        form then gets a fresh token, so that sending it again works."""
        started = self._started_at()
        if started is None:
            message = self.invalid_start_message
        elif time.time() - started < self.min_fill_seconds:
            message = self.too_fast_message
        else:
            return None
        self.data = self.data.copy()
        self.data["started"] = start_token()
        return message

    # --- duplicate submits -----------------------------------------------------------------------
    def fingerprint(self) -> bytes:
        """The start token together with everything sent: the same filled-in form again, and only
        that. (The token alone would let whoever saw it claim someone else's submission.)"""
        parts = []
        for name in sorted(self.data.keys()):
            if name != "csrfmiddlewaretoken":
                values = (
                    self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
                )
                parts += [name, *map(str, values)]
        for name in sorted(self.files.keys()) if self.files else ():
            parts += [
                name,
                *(f"{upload.name}:{upload.size}" for upload in self.files.getlist(name)),
            ]
        return "\x1f".join(parts).encode()

    def submission_key(self) -> str | None:
        """Identifies this one filled-in form (None without a valid token)."""
        if self._started_at() is None:
            return None
        digest = hashlib.sha256(b"key\x1f" + self.fingerprint()).hexdigest()[:32]
        return f"submitted:{type(self).__name__}:{digest}"

    def reserve(self) -> bool:
        """True for the first request that sends this form; False for a repeat. Call it inside the
        transaction that stores the record: if that transaction fails, the reservation goes with it
        (a reservation that outlived a failed save made every retry look "already stored"). A
        concurrent identical request waits at this row until the first commits or rolls back."""
        return throttle.store().add(self.submission_key(), PENDING, timeout=SUBMITTED_FOR)

    def mark_stored(self, record_id: int) -> None:
        """In the same transaction, once the record has its id."""
        throttle.store().set(self.submission_key(), record_id, timeout=SUBMITTED_FOR)

    def already_sent(self) -> bool:
        """A quick look before doing any work (rate limits): was this very form sent before?"""
        return throttle.store().get(self.submission_key()) is not None

    def stored_id(self) -> int | None:
        """The id of the record the first copy of this form stored. The reservation and this id are
        written in one transaction, so no other request ever sees the reservation without it."""
        return throttle.store().get(self.submission_key()) or None

    def store_once(
        self, save: Callable[[], Any], over_limits: Callable[[], str | None] | None = None
    ) -> Outcome:
        """Reserve this form's key, count the rate limits and `save()` the record, all in one
        transaction: a repeat of this form is not counted, a refused one takes its reservation and
        its counts back, and a save that fails leaves nothing behind. `over_limits()` returns a
        limit's message or None; `save()` returns the record (it may do its own, nested, atomic
        work). Slow work that needs no lock (key derivation, image decoding) belongs before."""
        with transaction.atomic():
            if not self.reserve():
                return Outcome(repeat=True)
            message = over_limits() if over_limits is not None else None
            if message:
                transaction.set_rollback(True)
                return Outcome(refused=message)
            record = save()
            self.mark_stored(record.pk)
            return Outcome(record=record)


@dataclass
class Submission:
    """What `submit()` made of a posted public form. Exactly one of: `spam` (the honeypot was
    filled: show a bot the usual next page, nothing stored), `record` (stored now), `repeat` (this
    very form was stored before, by a double click or an identical POST at the same instant; its
    record's id is `repeat_id`), `refused` (a limit's message, also on the form: answer 429), or
    none of them: the form has errors (the start token or a field), answer 400."""

    spam: bool = False
    record: Any = None
    repeat: bool = False
    repeat_id: int | None = None
    refused: str | None = None

    @property
    def stored(self) -> bool:
        return self.record is not None or self.repeat

    @property
    def status(self) -> int:
        """The HTTP status for re-showing the form when nothing was stored."""
        return 429 if self.refused else 400


def submit(form, save: Callable[..., Any], over_limits=None, prepare=None) -> Submission:
    """The kit's one flow for a posted form: honeypot, start token, validation, a repeat of the
    same filled-in form, then `store_once(save, over_limits)`. Every public form's view calls
    this and only decides what to show for each outcome.

    `prepare()`, if given, does slow work that needs no lock (the meldpunt's key derivation and
    photo decoding) after the checks and before the transaction; `save` then gets its result."""
    if form.is_spam():
        return Submission(spam=True)
    problem = form.start_problem()
    if problem:
        form.add_error(None, problem)
        return Submission()
    if not form.is_valid():
        return Submission()
    if form.already_sent():
        return Submission(repeat=True, repeat_id=form.stored_id())
    if prepare is not None:
        prepared = prepare()
        outcome = form.store_once(lambda: save(prepared), over_limits=over_limits)
    else:
        outcome = form.store_once(save, over_limits=over_limits)
    if outcome.refused:
        form.add_error(None, outcome.refused)
        return Submission(refused=outcome.refused)
    if outcome.repeat:
        return Submission(repeat=True, repeat_id=form.stored_id())
    return Submission(record=outcome.record)


def email_field(label=None, **kwargs) -> forms.EmailField:
    """An email address as every public form asks for it, with the same Dutch messages."""
    return forms.EmailField(
        label=label or _("Uw e-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."),
            "max_length": _("Dit e-mailadres is te lang."),
        },
        **kwargs,
    )


def no_maxlength(form, *names):
    """Counted on the server, with a clear message, instead of the browser cutting text off."""
    for name in names:
        form.fields[name].widget.attrs.pop("maxlength", None)


class ReportForm(PublicFormMixin, forms.Form):
    """Reporting someone's contribution (a Denk mee comment, a vrijplaats post): a reason from
    the app's list and an optional note. A subclass sets `reason_label` and `reason_choices`."""

    text_fields = ("note",)
    reason_label = _("Waarom meldt u dit?")
    reason_choices: tuple | list = ()

    reason = forms.ChoiceField(
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
        self.fields["reason"].label = self.reason_label
        self.fields["reason"].choices = self.reason_choices
        no_maxlength(self, "note")
        self.fields["note"].widget.attrs.setdefault("id", "id_note")
