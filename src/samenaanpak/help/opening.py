"""Opening hours: is an offer open at a given moment (Europe/Amsterdam)? Pure functions, so the
awkward cases (past midnight, daylight saving time) are easy to test."""

import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def is_open(periods, moment: datetime.datetime) -> bool:
    """periods: (weekday 0=Monday, opens, closes) tuples of local times. A period whose closing
    time is not after its opening time runs past midnight into the next day (22:00-02:00), and
    00:00-00:00 means the whole day."""
    local = moment.astimezone(AMSTERDAM)
    today, now = local.weekday(), local.time().replace(tzinfo=None)
    yesterday = (today - 1) % 7
    for weekday, opens, closes in periods:
        overnight = closes <= opens
        if weekday == today and (opens <= now < closes or (overnight and now >= opens)):
            return True
        if overnight and weekday == yesterday and now < closes:
            return True
    return False


def next_opening(periods, moment: datetime.datetime) -> datetime.datetime | None:
    """The first moment after `moment` at which one of the periods opens, as an Amsterdam time, or
    None without periods. Opening times are wall-clock times, so 9:00 stays 9:00 across a change of
    daylight saving time; a time the clocks skip (02:30 on the last Sunday of March) becomes the
    moment after the jump."""
    if not periods:
        return None
    local = moment.astimezone(AMSTERDAM)
    candidates = []
    for offset in range(
        8
    ):  # a week ahead and the same weekday once more (later today, or next week)
        day = local.date() + datetime.timedelta(days=offset)
        for weekday, opens, _closes in periods:
            if weekday != day.weekday():
                continue
            # Through UTC: comparing datetimes that share a tzinfo ignores the offset, and a skipped
            # wall-clock time only becomes a real moment this way.
            start = datetime.datetime.combine(day, opens, tzinfo=AMSTERDAM).astimezone(datetime.UTC)
            if start > moment.astimezone(datetime.UTC):
                candidates.append(start)
    return min(candidates).astimezone(AMSTERDAM) if candidates else None


WEEKDAYS = [
    _("maandag"),
    _("dinsdag"),
    _("woensdag"),
    _("donderdag"),
    _("vrijdag"),
    _("zaterdag"),
    _("zondag"),
]
SHORT_WEEKDAYS = [_("ma"), _("di"), _("wo"), _("do"), _("vr"), _("za"), _("zo")]


def clock(value: datetime.time) -> str:
    """9:00, 17:30: how opening hours are written in Dutch."""
    return f"{value.hour}:{value.minute:02d}"


def reopens_label(opening: datetime.datetime, moment: datetime.datetime) -> str:
    """'Weer open: vandaag 13:00', 'morgen 9:00' or 'maandag 9:00' (a day within the coming week)."""
    days = (opening.astimezone(AMSTERDAM).date() - moment.astimezone(AMSTERDAM).date()).days
    if days == 0:
        day = gettext("vandaag")
    elif days == 1:
        day = gettext("morgen")
    else:
        day = str(WEEKDAYS[opening.astimezone(AMSTERDAM).weekday()])
    return gettext("Weer open: %(day)s %(time)s") % {
        "day": day,
        "time": clock(opening.astimezone(AMSTERDAM).time()),
    }


def hours_summary(periods) -> list[str]:
    """Opening hours in a few short lines: days in a row with the same hours are taken together
    ('ma t/m vr 9:00–17:00', 'za 10:00–14:00'); 00:00–00:00 is a whole day."""
    lines, run = [], []
    for weekday, opens, closes in sorted(periods) + [(None, None, None)]:
        if run and weekday == run[-1][0] + 1 and (opens, closes) == run[-1][1:]:
            run.append((weekday, opens, closes))
            continue
        if run:
            first, last = SHORT_WEEKDAYS[run[0][0]], SHORT_WEEKDAYS[run[-1][0]]
            days = (
                gettext("elke dag")
                if len(run) == 7
                else str(first)
                if len(run) == 1
                else (
                    f"{first} {gettext('en')} {last}"
                    if len(run) == 2
                    else f"{first} {gettext('t/m')} {last}"
                )
            )
            o, c = run[0][1], run[0][2]
            times = gettext("hele dag") if o == c == datetime.time(0) else f"{clock(o)}–{clock(c)}"
            lines.append(f"{days} {times}")
        run = [(weekday, opens, closes)] if weekday is not None else []
    return lines
