"""The vrijplaats in the back office (/beheer/vrijplaats/): the moderators' queue, members, the
audit log and the response times (admin_views.py), and the snippets moderators keep
(categories, watched words, staffed hours), all under one menu item "Vrijplaats" that only who
may moderate the forum sees. The audit log is never editable here."""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views, queue, trust
from .models import Category, StaffedPeriod, WatchedWord

urlpatterns = [
    path("", admin_views.QueueView.as_view(), name="queue"),
    path("wachtrij/<int:pk>/", admin_views.DecideView.as_view(), name="decide"),
    path("bericht/<int:pk>/aanpassen/", admin_views.EditOutView.as_view(), name="edit_out"),
    path("bericht/<int:pk>/terugzetten/", admin_views.RestoreView.as_view(), name="restore"),
    path("deelnemer/<int:pk>/", admin_views.MemberView.as_view(), name="member"),
    path("logboek/", admin_views.LogView.as_view(), name="log"),
    path("reactietijden/", admin_views.FiguresView.as_view(), name="figures"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("vrijplaats/", include((urlpatterns, "forum_admin"), namespace="forum_admin"))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return trust.is_moderator(request.user)


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Categorieën")
    url_prefix = "vrijplaats-categorieen"
    list_display = ["name", "slug", "asks_professionals", "sort_order"]


class WatchedWordViewSet(SnippetViewSet):
    model = WatchedWord
    icon = "warning"
    menu_label = _("Bewaakte woorden")
    url_prefix = "vrijplaats-woorden"
    list_display = ["phrase", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["phrase", "note"]


class StaffedPeriodViewSet(SnippetViewSet):
    model = StaffedPeriod
    icon = "time"
    menu_label = _("Bemande tijden")
    url_prefix = "vrijplaats-bemande-tijden"
    list_display = ["__str__"]


# The menu is built once per process: reverse_lazy keeps the addresses right under ADMIN_PATH.
class ForumViewSetGroup(SnippetViewSetGroup):
    items = (CategoryViewSet, WatchedWordViewSet, StaffedPeriodViewSet)
    menu_icon = "group"
    menu_label = _("Vrijplaats")
    menu_name = "vrijplaats"
    menu_order = 226

    def get_submenu_items(self):
        own = [
            ModeratorMenuItem(
                _("Wachtrij"), reverse_lazy("forum_admin:queue"), icon_name="tasks", order=1
            ),
            ModeratorMenuItem(
                _("Logboek"), reverse_lazy("forum_admin:log"), icon_name="history", order=2
            ),
            ModeratorMenuItem(
                _("Reactietijden"), reverse_lazy("forum_admin:figures"), icon_name="time", order=3
            ),
        ]
        snippets = [
            registerable.get_menu_item(order=10 + index)
            for index, registerable in enumerate(self.registerables)
        ]
        return own + snippets


register_snippet(ForumViewSetGroup)


class QueuePanel(Component):
    """On the back office's home page, for moderators: how much waits, and whether something
    urgent does."""

    name = "forum-queue"
    order = 41
    template_name = "forum/admin/queue_panel.html"

    def __init__(self, waiting, urgent):
        self.waiting, self.urgent = waiting, urgent

    def get_context_data(self, parent_context):
        return {
            "waiting": self.waiting,
            "urgent": self.urgent,
            "url": reverse("forum_admin:queue"),
        }


@hooks.register("construct_homepage_panels")
def add_queue_panel(request, panels):
    if not trust.is_moderator(request.user):
        return
    waiting = queue.open_items().count()
    if waiting:
        urgent = queue.open_items().filter(urgent=True).count()
        panels.append(QueuePanel(waiting, urgent))
