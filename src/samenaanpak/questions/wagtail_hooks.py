from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from samenaanpak.core.permissions import NoAddPermissionPolicy

from .admin_forms import QuestionAdminForm, QuestionDetailsPanel
from .admin_views import QuestionEditView
from .models import FaqEntry, Question

# Questions come from the public form only (with their first history row and consent).
# Registered before any view asks for a policy (see wagtail.permissions).
register_permission_policy(Question, NoAddPermissionPolicy(Question))


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("Vragen")
    menu_order = 220
    add_to_admin_menu = True
    url_prefix = "vragen"
    list_display = [
        "reference",
        "topic",
        Column("status", label=_("status"), accessor="get_status_display", sort_key="status"),
        "created_at",
    ]
    list_filter = ["topic", "status"]
    search_fields = ["reference", "text"]
    inspect_view_enabled = False
    edit_view_class = QuestionEditView
    edit_handler = ObjectList(
        [
            QuestionDetailsPanel(heading=_("De vraag")),
            FieldPanel("answer"),
            MultiFieldPanel(
                [FieldPanel("new_status"), FieldPanel("note"), FieldPanel("make_faq")],
                heading=_("Status"),
            ),
        ],
        base_form_class=QuestionAdminForm,
    )


@hooks.register("register_admin_viewset")
def register_question_viewset():
    return QuestionViewSet("questions_question")


class FaqViewSet(SnippetViewSet):
    model = FaqEntry
    icon = "list-ul"
    menu_label = _("Veelgestelde vragen")
    url_prefix = "veelgestelde-vragen"
    list_display = ["question", "published"]
    list_filter = ["published"]


register_snippet(FaqViewSet)
