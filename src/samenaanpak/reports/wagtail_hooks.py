from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, keyring
from .models import Category

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
        return keyring.user_teams(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return TeamMenuItem(_("Meldpunt"), reverse("reports_admin:queue"), icon_name="warning", order=230)


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Meldingscategorieën")
    url_prefix = "meldingscategorieen"
    list_display = ["name", "team", "deadline_days", "active"]


register_snippet(CategoryViewSet)
