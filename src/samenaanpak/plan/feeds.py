import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import UpdatePage


class UpdatesFeed(Feed):
    """RSS feed of all updates. Links are absolute on SITE_URL, never on the request's host."""

    def __init__(self, news_page):
        super().__init__()
        self.news_page = news_page

    def title(self):
        return _("Nieuws – %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}

    def link(self):
        return self.news_page.get_full_url()

    def description(self):
        return self.news_page.intro or _(
            "Nieuws over de gezamenlijke aanpak van drugsproblemen onder jongeren."
        )

    def items(self):
        return (
            UpdatePage.objects.live()
            .public()
            .filter(is_example=False)
            .order_by("-date", "-pk")[:20]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_full_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))

    def item_updateddate(self, item):
        return item.last_published_at


class AtomUpdatesFeed(UpdatesFeed):
    feed_type = Atom1Feed
    subtitle = UpdatesFeed.description
