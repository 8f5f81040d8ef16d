"""Back-office forms of Denk mee: the moderators' decisions and the think tank's answer."""

from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.history import TransitionError

from .answers import answer_choices, check_answer
from .status import IdeaStatus, ReportReason


class IdeaDecisionForm(forms.Form):
    """Publish a waiting idea, or refuse it with a reason the author is told."""

    decision = forms.ChoiceField(choices=[("plaatsen", "plaatsen"), ("weigeren", "weigeren")])
    reason = forms.CharField(
        label=_("Reden als u het idee niet plaatst (de indiener krijgt deze te lezen)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "weigeren" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Geef een reden; de indiener krijgt die te lezen."))
        return cleaned


def removal_reason():
    return forms.ChoiceField(
        label=_("Reden bij verwijderen (de schrijver krijgt deze te lezen)"),
        choices=[("", _("Kies een reden"))] + ReportReason.choices,
        required=False,
    )


class _RemovalForm(forms.Form):
    """A decision on a comment where "verwijderen" needs the standard reason the author is told."""

    reason = removal_reason()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "verwijderen" and not cleaned.get("reason"):
            self.add_error("reason", _("Kies de reden die de schrijver te lezen krijgt."))
        return cleaned


class CommentDecisionForm(_RemovalForm):
    """Show a hidden comment again, or remove it with a standard reason the author is told."""

    decision = forms.ChoiceField(
        choices=[("terugzetten", "terugzetten"), ("verwijderen", "verwijderen")]
    )
    field_order = ["decision", "reason"]


class ReportedCommentForm(_RemovalForm):
    """A visible comment with reports: remove it with a standard reason the author is told, or
    handle the reports and leave it."""

    decision = forms.ChoiceField(
        choices=[("verwijderen", "verwijderen"), ("afhandelen", "afhandelen")]
    )
    field_order = ["decision", "reason"]


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, action):
        label = f"{action.title} ({action.goal.think_tank.title})"
        if action.is_example:
            label += " – " + str(_("voorbeeld"))
        return label


class AnswerForm(forms.Form):
    """The think tank's answer: a status the table allows from the current one, the public text,
    and for "overgenomen" (or "al gepland") the actions of the plan the idea goes on in."""

    status = forms.ChoiceField(label=_("Antwoord"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Toelichting (openbaar, bij het idee)"),
        help_text=_("Verplicht bij “niet overgenomen”: zeg waarom."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    actions = ActionChoiceField(
        label=_("Acties van het plan"),
        help_text=_("Verplicht bij “overgenomen”: de actie of acties waarin het idee verder gaat."),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The history row this form was opened on: someone else's answer meanwhile is not overwritten.
    state = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, idea, **kwargs):
        from samenaanpak.plan.models import Action

        super().__init__(*args, **kwargs)
        self.idea = idea
        self.current = idea.status if idea.state_id else None
        # Any status is accepted as input and checked against the table in clean(), so a refused
        # step gets the table's message at the field; only the allowed ones are offered.
        self.fields["status"].choices = IdeaStatus.choices
        self.fields["status"].widget.choices = [
            (value, IdeaStatus(value).label) for value in answer_choices(self.current)
        ]
        self.fields["state"].initial = idea.state_id
        # Real actions only, the think tank's own first: an idea "overgenomen" in an example
        # action would promise residents something nobody plans. An example already linked (the
        # content set's example ideas) stays offered, so a new answer does not drop it unseen.
        linked = list(idea.actions.values_list("pk", flat=True)) if idea.pk else []
        self.fields["actions"].queryset = (
            Action.objects.filter(Q(is_example=False) | Q(pk__in=linked))
            .select_related("goal__think_tank")
            .annotate(
                own=Case(
                    When(goal__think_tank=idea.think_tank_id, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("is_example", "own", "goal__think_tank__path", "goal__sort_order", "pk")
        )
        if not self.is_bound:
            self.fields["actions"].initial = linked

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status is None:
            return cleaned
        try:
            check_answer(
                self.current, status, cleaned.get("note", ""), cleaned.get("actions") or []
            )
        except TransitionError as error:
            field = {
                "reason_required": "note",
                "actions_required": "actions",
                "actions_not_allowed": "actions",
            }.get(error.code, "status")
            self.add_error(field, error)
        return cleaned
