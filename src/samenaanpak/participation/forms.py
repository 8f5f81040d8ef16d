"""The residents' forms of Denk mee: an idea, a comment, a report of a comment. Browser
validation is off (novalidate): errors come from here, in Dutch, with the error summary.
Every form uses the public-form kit (honeypot, start token, duplicate key)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samenaanpak.core import public_forms
from samenaanpak.core.public_forms import PublicFormMixin, no_maxlength
from samenaanpak.plan.models import Goal, ThinkTankPage

from .models import COMMENT_MAX, TEXT_MAX, TITLE_MAX
from .status import ReportReason


class IdeaForm(PublicFormMixin, forms.Form):
    text_fields = ("title", "text")

    think_tank = forms.TypedChoiceField(
        label=_("Aan welke denktank geeft u uw idee?"),
        coerce=int,
        error_messages={
            "required": _("Kies de denktank die uw idee krijgt."),
            "invalid_choice": _("Kies een van de denktanks uit de lijst."),
        },
    )
    goal = forms.TypedChoiceField(
        label=_("Bij welk doel past uw idee? (niet verplicht)"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Kies een doel uit de lijst, of geen.")},
    )
    title = forms.CharField(
        label=_("Titel van uw idee"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Geef uw idee een titel."),
            "max_length": _(
                "De titel is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
            ),
        },
    )
    text = forms.CharField(
        label=_("Uw idee"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": _("Beschrijf uw idee."),
            "max_length": _(
                "Uw idee is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.think_tanks = {t.pk: t for t in ThinkTankPage.objects.live().order_by("path")}
        self.goals = {g.pk: g for g in Goal.objects.filter(think_tank__in=list(self.think_tanks))}
        self.fields["think_tank"].choices = [("", _("Kies een denktank"))] + [
            (pk, t.title) for pk, t in self.think_tanks.items()
        ]
        grouped = [
            (t.title, [(g.pk, g.title) for g in self.goals.values() if g.think_tank_id == pk])
            for pk, t in self.think_tanks.items()
        ]
        self.fields["goal"].choices = [("", _("Geen doel gekozen"))] + [
            group for group in grouped if group[1]
        ]
        no_maxlength(self, "title", "text")
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean(self):
        data = super().clean()
        think_tank, goal = data.get("think_tank"), data.get("goal")
        if think_tank is not None:
            data["think_tank"] = self.think_tanks[think_tank]
        if goal is not None:
            goal = self.goals[goal]
            if think_tank is not None and goal.think_tank_id != think_tank:
                self.add_error(
                    "goal",
                    _(
                        "Dit doel hoort bij een andere denktank. Kies een doel van “%(tank)s” of geen."
                    )
                    % {"tank": self.think_tanks[think_tank].title},
                )
            data["goal"] = goal
        return data


class CommentForm(PublicFormMixin, forms.Form):
    text_fields = ("text",)

    text = forms.CharField(
        label=_("Uw reactie"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Schrijf eerst uw reactie."),
            "max_length": _(
                "Uw reactie is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
            ),
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, prefix_id="", **kwargs):
        super().__init__(*args, **kwargs)
        no_maxlength(self, "text")
        self.fields["text"].widget.attrs.setdefault("id", f"id_text{prefix_id}")


class ReportForm(public_forms.ReportForm):
    reason_label = _("Waarom meldt u deze reactie?")
    reason_choices = ReportReason.choices
