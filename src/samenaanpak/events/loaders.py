"""Loader of the content kind `events`: meetings under the meetings page (`page`, a path in the
content set), each loaded once (context.once, keyed by slug).

A meeting's `start` is a local date and time ("2015-07-02 19:30"); an example meeting that must
lie ahead whenever the site is set up gives `in_days` and `time` instead. `minutes` is its length.
`think_tank` is a page path; `body` and `report` are lists of paragraphs (HTML allowed).
Unlike an example news item, an example meeting is published: it shows how signing up works, and
its page says in so many words that it is an example."""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.text import slugify

from samenaanpak.core.content import field_values, loader
from samenaanpak.core.loaders import page_at

from .models import EventPage

LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")
FIELDS = (
    "title",
    "intro",
    "place_name",
    "address",
    "accessibility",
    "online_url",
    "audience",
    "registration",
    "capacity",
    "reminder_days",
    "reminder_note",
    "is_example",
    "to_confirm",
)


def _start(item) -> datetime.datetime:
    if "in_days" in item:
        day = timezone.localdate() + datetime.timedelta(days=int(item["in_days"]))
        clock = datetime.time.fromisoformat(str(item.get("time", "19:30")))
        return datetime.datetime.combine(day, clock, tzinfo=LOCAL)
    return datetime.datetime.fromisoformat(str(item["start"])).replace(tzinfo=LOCAL)


def _stream(paragraphs):
    return [{"paragraph": text} for text in paragraphs or []]


def _create(index, item, context):
    start = _start(item)
    values = {name: item[name] for name in FIELDS if name in item}
    values["slug"] = item.get("slug") or slugify(item["title"])[:80]
    values["body"] = _stream(item.get("body"))
    values["report"] = _stream(item.get("report"))
    event = EventPage(
        **field_values(EventPage, values),
        start=start,
        end=start + datetime.timedelta(minutes=int(item.get("minutes", 120))),
    )
    if item.get("think_tank"):
        think_tank = page_at(context, item["think_tank"])
        event.think_tank_id = think_tank.pk if think_tank is not None else None
    index.add_child(instance=event)
    event.save_revision().publish()
    return event


@loader("events")
def load_events(spec, context):
    index = page_at(context, spec["page"])
    if index is None:  # the meetings page was deleted in the back office
        return
    for item in spec.get("meetings") or []:
        slug = item.get("slug") or slugify(item["title"])[:80]
        context.once(
            "event",
            slug,
            EventPage,
            find=lambda slug=slug: EventPage.objects.child_of(index).filter(slug=slug).first(),
            create=lambda item=item: _create(index, item, context),
        )
