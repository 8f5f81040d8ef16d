"""iCalendar (RFC 5545) for the meetings: the feeds, "zet in mijn agenda" and the mail
attachment. Each meeting keeps one UID for its life; SEQUENCE goes up with every change that was
published (signals.py) and with a cancellation, which also sets STATUS:CANCELLED."""

from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

PRODID = "-//Samenaanpak//Bijeenkomsten//NL"


def uid(event) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"bijeenkomst-{event.pk}@{host}"


def event_url(event) -> str:
    return settings.SITE_URL + (event.url or "")


def location(event) -> str:
    parts = [event.place_name, event.address]
    if event.online_url:
        parts.append(event.online_url)
    return ", ".join(part for part in parts if part)


def component(event) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", uid(event))
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.start)
    item.add("dtend", event.end)
    item.add("summary", event.title)
    where = location(event)
    if where:
        item.add("location", where)
    url = event_url(event)
    description = "\n\n".join(part for part in (strip_tags(event.intro or ""), url) if part)
    item.add("description", description)
    item.add("url", url)
    item.add("sequence", event.ical_sequence)
    item.add("last-modified", event.last_published_at or timezone.now())
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    # RFC 5546 wants an ORGANIZER on a CANCEL; without one some mail programs ignore it.
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if address:
        organizer = icalendar.vCalAddress(f"mailto:{address}")
        if name:
            organizer.params["cn"] = icalendar.vText(name)
        item.add("organizer", organizer)
    return item


def calendar(events, name: str, method: str | None = None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    if method:
        cal.add("method", method)
    for event in events:
        cal.add_component(component(event))
    return cal.to_ical()


def attachment(event) -> dict:
    """The .ics for a mail: PUBLISH, or CANCEL for a cancelled meeting, so mail programs update or
    remove the entry they made from the confirmation."""
    method = "CANCEL" if event.is_cancelled else "PUBLISH"
    return {
        "filename": "bijeenkomst.ics",
        "content": calendar([event], event.title, method=method).decode(),
        "mimetype": "text/calendar",
    }
