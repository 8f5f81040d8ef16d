"""Meetings on other pages (the home page, a think tank's page) without core or plan importing
this app: `{% upcoming_events as upcoming %}` or `{% upcoming_events think_tank=page as upcoming %}`,
then `{% if upcoming %}{% include "events/includes/upcoming.html" %}{% endif %}`. One query.
And `{{ event|when }}`: "dinsdag 22 december 2026, 19.30–21.30 uur" in Europe/Amsterdam."""

from django import template
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Length, Substr
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction

from ..models import LOCAL, EventPage

register = template.Library()

UPCOMING = 3


def when(event) -> str:
    """The date and time of a meeting in words, in local time and the active language."""
    start, end = timezone.localtime(event.start, LOCAL), timezone.localtime(event.end, LOCAL)
    day = dateformat.format(start, "l j F Y")
    if start.date() == end.date():
        return _("%(day)s, %(start)s–%(end)s uur") % {
            "day": day,
            "start": start.strftime("%H.%M"),
            "end": end.strftime("%H.%M"),
        }
    return _("%(day)s %(start)s uur tot %(end_day)s %(end)s uur") % {
        "day": day,
        "start": start.strftime("%H.%M"),
        "end_day": dateformat.format(end, "l j F Y"),
        "end": end.strftime("%H.%M"),
    }


register.filter("when", when)


@register.filter
def iso(moment) -> str:
    """For <time datetime>: the local time with its offset."""
    return timezone.localtime(moment, LOCAL).isoformat(timespec="minutes")


class Upcoming(list):
    """The next meetings, and the address of the meetings page (from the first meeting's own
    address: no extra query)."""

    index_url = ""


def _restrictions():
    """View restrictions on the meeting or a page above it, as a subquery: PageQuerySet.public()
    would ask for all restrictions first, a second query on every page that shows meetings."""
    return PageViewRestriction.objects.alias(
        prefix=Substr(OuterRef("path"), 1, Length("page__path"))
    ).filter(page__path=F("prefix"))


@register.simple_tag(takes_context=True)
def upcoming_events(context, think_tank=None, limit=UPCOMING):
    events = (
        EventPage.objects.live()
        .exclude(Exists(_restrictions()))
        .select_related("think_tank")
        # Examples only on the meetings page itself, which says they are (as for the news).
        .filter(end__gt=timezone.now(), cancelled_at__isnull=True, is_example=False)
        .order_by("start", "pk")
    )
    if think_tank is not None:
        events = events.filter(think_tank_id=think_tank.pk)
    upcoming = Upcoming(events[:limit])
    if upcoming:
        url = upcoming[0].get_url(context.get("request")) or ""
        slug = upcoming[0].slug + "/"
        upcoming.index_url = url[: -len(slug)] if url.endswith(slug) else ""
    return upcoming
