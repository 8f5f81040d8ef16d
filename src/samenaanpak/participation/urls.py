"""Addresses of ideas, from the page tree (the IdeasPage's routes), never typed."""

from django.conf import settings


def ideas_page():
    from .models import IdeasPage

    return IdeasPage.objects.live().first()


def idea_path(idea, page=None) -> str:
    """The site-relative path of an idea's page ("/denk-mee/12/"), or "" without an IdeasPage."""
    page = page or ideas_page()
    if page is None:
        return ""
    base = page.url or "/"
    return base + page.reverse_subpage("idea", args=(idea.pk,))


def idea_url(idea, page=None) -> str:
    return absolute(idea_path(idea, page))


def absolute(path: str) -> str:
    """A site path as a full address, for mails ("" stays "")."""
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path
