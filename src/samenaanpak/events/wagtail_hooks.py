"""The meetings in the back office (/beheer/bijeenkomsten/, admin_views.py): a menu item
"Bijeenkomsten" for who organises a meeting (permissions.py), and a link "Aanmeldingen" in the
page editor's header and the page listing of a meeting."""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import admin_views
from .permissions import may_organise, may_organise_any

urlpatterns = [
    path("", admin_views.EventListView.as_view(), name="list"),
    path("<int:pk>/", admin_views.RegistrationsView.as_view(), name="registrations"),
    path("<int:pk>/presentielijst/", admin_views.SignInListView.as_view(), name="signin"),
    path("<int:pk>/aanmeldingen.csv", admin_views.CsvView.as_view(), name="csv"),
    path("<int:pk>/bericht/", admin_views.MailView.as_view(), name="mail"),
    path("<int:pk>/afgelasten/", admin_views.CancelView.as_view(), name="cancel"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("bijeenkomsten/", include((urlpatterns, "events_admin"), namespace="events_admin"))
    ]


class OrganiserMenuItem(MenuItem):
    def is_shown(self, request):
        return may_organise_any(request.user)


# The menu is built once per process: reverse_lazy keeps the addresses right under ADMIN_PATH.
@hooks.register("register_admin_menu_item")
def register_events_menu_item():
    return OrganiserMenuItem(
        _("Bijeenkomsten"), reverse_lazy("events_admin:list"), icon_name="date", order=227
    )


class RegistrationsButton(PageMenuItem):
    label = _("Aanmeldingen")
    icon_name = "group"
    priority = 25

    @property
    def url(self):
        return reverse("events_admin:registrations", args=[self.page.pk])

    def is_shown(self, user):
        return may_organise(user, self.page)


def _registrations_button(page, user):
    from .models import EventPage

    if page.specific_class is not EventPage or not may_organise_any(user):
        return []
    return [RegistrationsButton(page=page.specific_deferred)]


@hooks.register("register_page_header_buttons")
def page_header_buttons(page, user, view_name=None, next_url=None):
    return _registrations_button(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_more_buttons(page, user, next_url=None):
    return _registrations_button(page, user)


def _blocked_meeting(pages):
    """An upcoming, published meeting with people signed up, at or below one of `pages`."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import EventPage, Registration

    within = Q()
    for page in pages:
        within |= Q(path__startswith=page.path)
    if not within:
        return None
    return (
        EventPage.objects.filter(within)
        .filter(start__gt=timezone.now(), cancelled_at__isnull=True, live=True)
        .filter(pk__in=Registration.objects.active().values("event_id"))
        .first()
    )


def _refuse(request, blocked):
    from django.contrib import messages
    from django.shortcuts import redirect

    messages.error(
        request,
        _(
            "Voor “%(title)s” hebben mensen zich aangemeld. Verwijderen of depubliceren zou hen "
            "niets laten weten. Gelast de bijeenkomst af: dan krijgt iedereen bericht."
        )
        % {"title": blocked.title},
    )
    if may_organise(request.user, blocked):
        return redirect("events_admin:registrations", pk=blocked.pk)
    return redirect("wagtailadmin_explore", blocked.get_parent().pk)


def _people_would_not_be_told(request, page):
    """Deleting or unpublishing a meeting that people are signed up for (or a page above it)
    would leave them coming to a meeting that is gone, untold: the organiser calls it off instead
    (everyone is mailed)."""
    blocked = _blocked_meeting([page])
    return _refuse(request, blocked) if blocked is not None else None


def _people_would_not_be_told_in_bulk(request, action_type, objects, action):
    """The same for the page list's bulk delete and unpublish (ticked pages)."""
    from wagtail.models import Page

    if action_type not in ("delete", "unpublish"):
        return None
    pages = [obj for obj in objects if isinstance(obj, Page)]
    blocked = _blocked_meeting(pages)
    return _refuse(request, blocked) if blocked is not None else None


hooks.register("before_delete_page", _people_would_not_be_told)
hooks.register("before_unpublish_page", _people_would_not_be_told)
hooks.register("before_bulk_action", _people_would_not_be_told_in_bulk)
