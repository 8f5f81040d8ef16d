from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import sending
from .models import Delivery, Follow, Frequency, Notice


def recipients(topic_id: int):
    """Subscriber ids that hear of a notice on this topic: followers whose follow counts (an
    account's always; without an account once the double opt-in is confirmed), whose address
    was not refused, and who want mail at all (`nooit`: no delivery is made, see below)."""
    return (
        Follow.objects.filter(topic_id=topic_id, subscriber__rejected_at__isnull=True)
        .exclude(subscriber__frequency=Frequency.NEVER)
        .filter(
            Q(subscriber__user__isnull=False, subscriber__user__is_active=True)
            | Q(
                subscriber__user__isnull=True,
                subscriber__confirmed_at__isnull=False,
                confirmed_at__isnull=False,
            )
        )
        .values_list("subscriber_id", "subscriber__frequency")
    )


@task()
def fan_out(notice_id: int) -> str:
    """One Delivery per recipient of the notice (a unique constraint: running this twice makes the
    same rows), then the immediate ones are mailed at once; digests wait for the minute job
    (notifications.minutely). Subscribers with frequency `nooit` get no Delivery: nothing would
    ever send it, and switching mail on later does not bring a backlog of old news."""
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        return "notice gone"
    followers = list(recipients(notice.topic_id))
    Delivery.objects.bulk_create(
        [Delivery(notice=notice, subscriber_id=pk) for pk, _frequency in followers],
        ignore_conflicts=True,
    )
    Notice.objects.filter(pk=notice.pk, fanned_out_at__isnull=True).update(
        fanned_out_at=timezone.now()
    )
    mailed = 0
    for pk, frequency in followers:
        if frequency == Frequency.IMMEDIATE:
            mailed += bool(sending.send_waiting(pk))
    return f"{len(followers)} follower(s), {mailed} mailed at once"
