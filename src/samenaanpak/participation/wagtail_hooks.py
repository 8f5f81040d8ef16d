from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from . import admin_views, moderation
from .permissions import may_answer_any, may_moderate

urlpatterns = [
    path("", admin_views.IdeaListView.as_view(), name="ideas"),
    path("<int:pk>/", admin_views.AnswerView.as_view(), name="answer"),
    path("moderatie/", admin_views.ModerationView.as_view(), name="queue"),
    path("moderatie/idee/<int:pk>/", admin_views.DecideIdeaView.as_view(), name="decide_idea"),
    path(
        "moderatie/reactie/<int:pk>/",
        admin_views.DecideCommentView.as_view(),
        name="decide_comment",
    ),
    path(
        "moderatie/gemeld/<int:pk>/",
        admin_views.DecideReportedView.as_view(),
        name="decide_reported",
    ),
    path("moderatie/idee/<int:pk>/herzien/", admin_views.UndoIdeaView.as_view(), name="undo_idea"),
    path(
        "moderatie/reactie/<int:pk>/herzien/",
        admin_views.UndoCommentView.as_view(),
        name="undo_comment",
    ),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path(
            "denk-mee/",
            include((urlpatterns, "participation_admin"), namespace="participation_admin"),
        )
    ]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return may_moderate(request.user)


class IdeasMenuItem(MenuItem):
    def is_shown(self, request):
        return may_answer_any(request.user)


# The menu is built once per process: reverse_lazy keeps the addresses right under ADMIN_PATH
# even when it was built while a test had moved the back office.
@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModerationMenuItem(
        _("Moderatie"), reverse_lazy("participation_admin:queue"), icon_name="tasks", order=224
    )


@hooks.register("register_admin_menu_item")
def register_ideas_menu_item():
    return IdeasMenuItem(
        _("Ideeën"), reverse_lazy("participation_admin:ideas"), icon_name="comment", order=225
    )


class ModerationPanel(Component):
    """On the back office's home page, for moderators: how much waits in the queue."""

    name = "moderation"
    order = 40
    template_name = "participation/admin/queue_panel.html"

    def __init__(self, ideas, comments, reported=0):
        self.ideas, self.comments, self.reported = ideas, comments, reported

    def get_context_data(self, parent_context):
        return {
            "ideas": self.ideas,
            "comments": self.comments,
            "reported": self.reported,
            "url": reverse("participation_admin:queue"),
        }


@hooks.register("construct_homepage_panels")
def add_moderation_panel(request, panels):
    if not may_moderate(request.user):
        return
    ideas = moderation.waiting_ideas().count()
    comments = moderation.hidden_comments().count()
    reported = moderation.reported_comments().count()
    if ideas or comments or reported:
        panels.append(ModerationPanel(ideas, comments, reported))
