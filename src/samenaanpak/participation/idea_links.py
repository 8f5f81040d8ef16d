"""Addresses of ideas for mails and notices (the back office's side; the public pages are ideas-public's).

`idea_path(idea)` is the public path of one idea. The public side owns the routes; this uses its
helper `participation.urls.idea_path` when there is one, else the IdeasPage's route "idea"."""

from django.conf import settings
from django.urls import NoReverseMatch


def ideas_page():
    from .models import IdeasPage

    return IdeasPage.objects.live().only("pk", "url_path").first()


def idea_path(idea, page=None) -> str:
    """The idea's path on the site. Given the IdeasPage (for many ideas at once: no query per
    idea), its route is used directly."""
    if page is None:
        try:
            from .urls import idea_path as public_idea_path
        except ImportError:
            public_idea_path = None
        if public_idea_path is not None:
            return public_idea_path(idea)
        page = ideas_page()
    if page is None or not page.url:
        return ""
    try:
        return page.url + page.reverse_subpage("idea", args=[idea.pk])
    except NoReverseMatch:
        return f"{page.url}{idea.pk}/"


def absolute(path: str) -> str:
    return settings.SITE_URL + path if path.startswith("/") else path
