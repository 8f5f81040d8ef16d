"""Opening hours: is an offer open at a given moment (Europe/Amsterdam)? Pure functions, so the
awkward cases (past midnight, daylight saving time) are easy to test."""

import datetime
from zoneinfo import ZoneInfo

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
