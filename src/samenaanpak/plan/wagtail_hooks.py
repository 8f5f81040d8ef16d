import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    SnippetViewSet,
    SnippetViewSetGroup,
)

from samenaanpak.core.admin_views import OwnUnitsSnippetViewSet

from .admin_forms import ActionForm, ActionHistoryPanel
from .models import Action, Goal, ThinkTankPage
from .permissions import ThinkTankActionPolicy

# Registered before any view asks for a policy (see wagtail.permissions).
register_permission_policy(Action, ThinkTankActionPolicy(Action))


class ActionFilterSet(WagtailFilterSet):
    think_tank = django_filters.ModelChoiceFilter(
        label=_("Denktank"),
        field_name="goal__think_tank",
        queryset=ThinkTankPage.objects.order_by("path"),
    )

    class Meta:
        model = Action
        fields = ["think_tank", "status", "is_example"]


class ActionViewSet(OwnUnitsSnippetViewSet):
    model = Action
    icon = "tasks"
    menu_label = _("Acties")
    url_prefix = "acties"
    list_display = [
        "title",
        Column(
            "think_tank",
            label=_("Denktank"),
            accessor="goal.think_tank.title",
            sort_key="goal__think_tank__path",
        ),
        "goal",
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        "progress_label",
    ]
    filterset_class = ActionFilterSet
    search_fields = ["title", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel(
                "goal", widget=forms.Select
            ),  # a plain list, narrowed to the user's own goals
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("start_date"),
            FieldPanel("end_date"),
            FieldPanel("is_example"),
            MultiFieldPanel(
                [
                    FieldPanel("new_status"),
                    FieldPanel("new_progress"),
                    FieldPanel("note"),
                    FieldPanel("milestone_date"),
                ],
                heading=_("Status en voortgang"),
                help_text=_("Elke wijziging wordt als nieuwe regel in de geschiedenis bewaard."),
            ),
            ActionHistoryPanel(heading=_("Geschiedenis")),
        ],
        base_form_class=ActionForm,
    )

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "delete", "view"]
        ).select_related("goal__think_tank", "state")


class GoalViewSet(SnippetViewSet):
    model = Goal
    icon = "crosshairs"
    menu_label = _("Doelen")
    url_prefix = "doelen"
    list_display = ["title", "think_tank"]
    list_filter = ["think_tank"]


class PlanViewSetGroup(SnippetViewSetGroup):
    items = (ActionViewSet, GoalViewSet)
    menu_icon = "list-ul"
    menu_label = _("Plan van aanpak")
    menu_name = "plan"
    menu_order = 200


register_snippet(PlanViewSetGroup)
