"""Addresses in the vrijplaats, from the page tree (the ForumPage's routes), never typed."""

from django.conf import settings


def forum_page():
    from .models import ForumPage

    return ForumPage.objects.live().first()


def _base(page) -> str:
    base = page.url or "/"
    return base if base.endswith("/") else base + "/"


def thread_path(thread, page=None) -> str:
    """The site-relative path of a thread ("/vrijplaats/onderwerp/12/"), "" without a ForumPage."""
    page = page or forum_page()
    if page is None:
        return ""
    return _base(page) + page.reverse_subpage("thread", args=(thread.pk,))


def post_path(post, page=None) -> str:
    """A post's own address; it redirects to the right page of its thread."""
    page = page or forum_page()
    if page is None:
        return ""
    return _base(page) + page.reverse_subpage("post", args=(post.pk,))


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path
