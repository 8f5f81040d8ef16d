"""Back-office forms and panels of the questions (registered in wagtail_hooks.py)."""

from django import forms
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import Panel

from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.core.mail import queue_email
from samenaanpak.core.models import SiteSettings

from .models import FaqEntry
from .status import WORKFLOW, Status


class QuestionAdminForm(WagtailAdminModelForm):
    """The answer plus the next status row; saving may email the answer and draft an FAQ entry."""

    new_status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Interne notitie bij deze wijziging"), max_length=300, required=False
    )
    make_faq = forms.BooleanField(
        label=_("Maak hiervan een concept voor de veelgestelde vragen"),
        required=False,
        help_text=_(
            "Er komt een niet-gepubliceerde kopie van vraag en antwoord. Haal namen en herkenbare details "
            "weg voordat u die publiceert."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.faq_draft = None  # set by save() when the editor asked for one
        self.current_status = self.instance.status if self.instance.pk else Status.NEW
        self.fields["new_status"].initial = self.current_status

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("new_status")
        if status and status != self.current_status:
            try:
                WORKFLOW.check(self.current_status, status)
            except TransitionError as error:
                self.add_error("new_status", error)
        if status == Status.ANSWERED and not cleaned.get("answer", "").strip():
            self.add_error(
                "answer", _("Schrijf eerst het antwoord voordat u de vraag op beantwoord zet.")
            )
        return cleaned

    def save(self, commit=True):
        with transaction.atomic():
            answered_now = (
                self.cleaned_data["new_status"] == Status.ANSWERED
                and self.current_status != Status.ANSWERED
            )
            if answered_now:
                self.instance.answered_at = timezone.now()
            question = super().save(commit=commit)
            if self.cleaned_data["new_status"] != self.current_status:
                record_status(
                    question,
                    self.cleaned_data["new_status"],
                    author=self.for_user,
                    note=self.cleaned_data.get("note", ""),
                )
            if answered_now and question.email:
                site = SiteSettings.load()
                queue_email(
                    to=question.email,
                    purpose="antwoord-op-vraag",
                    subject=_("Antwoord op uw vraag (%(reference)s)")
                    % {"reference": question.reference},
                    body=render_to_string(
                        "questions/email/answer.txt", {"question": question, "site": site}
                    ),
                )
            if self.cleaned_data.get("make_faq"):
                self.faq_draft = FaqEntry.objects.create(
                    question=question.text[:300], answer=question.answer, source=question
                )
        return question


class QuestionDetailsPanel(Panel):
    """What the asker sent, read-only, and when their name and email will be erased."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "questions/admin/details_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["question"] = self.instance
            context["events"] = (
                self.instance.events.select_related("author") if self.instance.pk else []
            )
            context["retention_days"] = settings.QUESTION_RETENTION_DAYS
            return context
