from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import Panel

from samenaanpak.core.history import TransitionError, record_status

from .models import Goal
from .permissions import THINK_TANKS
from .status import WORKFLOW, Status


class ActionForm(WagtailAdminModelForm):
    """The action's own fields plus the next history row: status, progress and a note.
    Saving appends that row through record_status (only when something changed)."""

    new_status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    new_progress = forms.IntegerField(
        label=_("Voortgang (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("De voortgang ligt tussen 0 en 100 procent."),
            "max_value": _("De voortgang ligt tussen 0 en 100 procent."),
            "invalid": _("Vul een heel getal in, van 0 tot en met 100."),
        },
    )
    note = forms.CharField(
        label=_("Toelichting bij deze wijziging"), max_length=300, required=False
    )
    milestone_date = forms.DateField(
        label=_("Mijlpaal op (datum)"),
        required=False,
        help_text=_(
            "Vul een datum in als deze wijziging een mijlpaal is, bijvoorbeeld een bijeenkomst."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = self.instance.state if self.instance.pk else None
        if self.current:
            self.fields["new_status"].initial = self.current.status
            self.fields["new_progress"].initial = self.current.progress
        else:
            self.fields["new_status"].initial = Status.PLANNED
            self.fields["new_progress"].initial = 0
        user = self.for_user
        if "goal" in self.fields and user is not None and not THINK_TANKS.covers_all(user):
            self.fields["goal"].queryset = Goal.objects.filter(think_tank__in=THINK_TANKS.ids(user))

    def clean(self):
        cleaned = super().clean()
        status, progress = cleaned.get("new_status"), cleaned.get("new_progress")
        if status is None or progress is None or not self._history_changes():
            return cleaned
        try:
            WORKFLOW.check(self.current.status if self.current else None, status, progress=progress)
        except TransitionError as error:
            field = (
                "new_progress"
                if error.code in ("planned_progress", "done_progress", "progress_range")
                else "new_status"
            )
            self.add_error(field, error)
        return cleaned

    def _history_changes(self) -> bool:
        data = self.cleaned_data
        if self.current is None:
            return True
        return (
            data.get("new_status") != self.current.status
            or data.get("new_progress") != self.current.progress
            or bool(data.get("note"))
            or bool(data.get("milestone_date"))
        )

    def save(self, commit=True):
        action = super().save(commit=commit)
        if commit and self._history_changes():
            record_status(
                action,
                self.cleaned_data["new_status"],
                progress=self.cleaned_data["new_progress"],
                note=self.cleaned_data.get("note", ""),
                milestone_date=self.cleaned_data.get("milestone_date"),
                author=self.for_user,
            )
        return action


class ActionHistoryPanel(Panel):
    """Read-only list of the action's history, newest first."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "plan/admin/action_history_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            instance = self.instance
            context["events"] = (
                instance.events.select_related("author") if instance and instance.pk else []
            )
            context["today"] = timezone.localdate()
            return context
