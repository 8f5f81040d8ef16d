from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from samenaanpak.core.admin_views import OwnUnitsSnippetViewSet

from . import admin_views
from .admin_forms import CategoryForm
from .models import Category, Report
from .permissions import TEAMS, TeamCategoryPolicy

# Registered before any view asks for a policy (see wagtail.permissions).
category_policy = TeamCategoryPolicy(Category)
register_permission_policy(Category, category_policy)

app_name = "reports_admin"
urlpatterns = [
    path("", admin_views.QueueView.as_view(), name="queue"),
    path("<int:pk>/", admin_views.ReportView.as_view(), name="report"),
    path("<int:pk>/foto/<int:attachment_id>/", admin_views.PhotoView.as_view(), name="photo"),
    path("ontgrendelen/", admin_views.UnlockView.as_view(), name="unlock"),
    path("team/", admin_views.TeamView.as_view(), name="team"),
    path("logboek/", admin_views.AuditView.as_view(), name="audit"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("meldpunt/", include((urlpatterns, "reports_admin"), namespace="reports_admin"))]


class TeamMenuItem(MenuItem):
    def is_shown(self, request):
        return TEAMS.units(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return TeamMenuItem(
        _("Meldpunt"), reverse("reports_admin:queue"), icon_name="warning", order=230
    )


class CategoryViewSet(OwnUnitsSnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Meldingscategorieën")
    url_prefix = "meldingscategorieen"
    list_display = ["name", "team", "deadline_days", "active"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel(
                "team",
                help_text=_(
                    "Nieuwe meldingen in deze categorie gaan naar dit team. Meldingen die al binnen zijn, blijven bij "
                    "het team dat ze ontving: alleen dat team kan ze lezen, ook als u hier een ander team kiest."
                ),
            ),
            FieldPanel("deadline_days"),
            FieldPanel("sort_order"),
            FieldPanel("active"),
        ],
        base_form_class=CategoryForm,
    )

    def get_queryset(self, request):
        return category_policy.instances_user_has_any_permission_for(
            request.user, ["add", "change", "delete", "view"]
        ).select_related("team")


@hooks.register("before_delete_snippet")
def keep_categories_with_reports(request, instances):
    """A category with reports cannot be deleted (Report.category is protected): say so instead
    of failing, in the single and the bulk delete alike."""
    if (
        instances
        and isinstance(instances[0], Category)
        and Report.objects.filter(category__in=instances).exists()
    ):
        messages.error(
            request,
            gettext(
                "Een categorie met meldingen kan niet weg. Zet “kiesbaar op het formulier” "
                "uit: dan komen er geen nieuwe meldingen bij."
            ),
        )
        return redirect(Category.snippet_viewset.get_url_name("list"))


register_snippet(CategoryViewSet)
