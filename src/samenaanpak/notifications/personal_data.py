"""Found by name by accounts.personal_data: download my data, delete my account, and the
"Wat ik volg" section of /account/."""

from django.utils.translation import gettext_lazy as _

from .models import Delivery, Frequency, Subscriber


def export(user) -> dict:
    subscriber = Subscriber.objects.filter(user=user).first()
    if subscriber is None:
        return {"follows": [], "frequency": Frequency.DAILY.label}
    return {
        "frequency": subscriber.get_frequency_display(),
        "address_refused_at": subscriber.rejected_at.isoformat()
        if subscriber.rejected_at
        else None,
        "follows": [
            {
                "title": follow.topic.title,
                "path": follow.topic.path,
                "since": follow.created_at.isoformat(),
                "own_contribution": follow.source == follow.Source.OWN,
            }
            for follow in subscriber.follows.select_related("topic").order_by("created_at")
        ],
        "messages": [
            {
                "title": delivery.notice.title,
                "about": delivery.notice.topic.title,
                "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
            }
            for delivery in Delivery.objects.filter(subscriber=subscriber)
            .select_related("notice__topic")
            .order_by("created_at")
        ],
    }


def erase(user) -> None:
    """What is followed and what was sent to whom goes with the subscriber (the notices
    themselves are about the site, not the person, and stay)."""
    Subscriber.objects.filter(user=user).delete()


def account_sections(user) -> list[dict]:
    subscriber = Subscriber.objects.filter(user=user).first()
    follows = (
        list(subscriber.follows.select_related("topic").order_by("topic__title"))
        if subscriber
        else []
    )
    frequency = subscriber.get_frequency_display() if subscriber else Frequency.DAILY.label
    return [
        {
            "title": _("Wat ik volg"),
            "template": "notifications/account_section.html",
            "context": {"follows": follows, "frequency": frequency},
        }
    ]
