"""The signed values in this app's links. Each kind has its own salt, so a token of one kind is
never accepted as another. None of them names an address: they carry a subscriber's random
`token` (drawn anew on unsubscribing, which retires every older link) or a row's id.

- topic:       `/volgen/?onderwerp=…`, no expiry (it is printed on cached public pages)
- unsubscribe: `/volgen/afmelden/…/`, no expiry (a link in a year-old mail still works)
- manage:      `/account/meldingen/beheren/…/`, for subscribers without an account, no expiry
- opt-in:      `/volgen/bevestigen/…/`, expires after NOTIFICATION_OPTIN_DAYS
- reconfirm:   `/account/meldingen/adres/…/`, an account's address after a bounce, same expiry
"""

import uuid

from django.conf import settings
from django.core import signing

TOPIC = "notifications.topic"
UNSUBSCRIBE = "notifications.unsubscribe"
MANAGE = "notifications.manage"
OPTIN = "notifications.optin"
RECONFIRM = "notifications.reconfirm"


class Invalid(Exception):
    """The link was changed or is not one of ours."""


class Expired(Invalid):
    """The link was ours but is too old."""


def _optin_age() -> int:
    return settings.NOTIFICATION_OPTIN_DAYS * 24 * 3600


def sign_topic(topic_id: int) -> str:
    return signing.Signer(salt=TOPIC).sign(str(topic_id))


def topic_id(value: str) -> int:
    try:
        return int(signing.Signer(salt=TOPIC).unsign(value or ""))
    except (signing.BadSignature, ValueError) as error:
        raise Invalid from error


def sign_subscriber(subscriber, salt: str) -> str:
    return signing.Signer(salt=salt).sign(subscriber.token.hex)


def subscriber_token(value: str, salt: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=signing.Signer(salt=salt).unsign(value or ""))
    except (signing.BadSignature, ValueError) as error:
        raise Invalid from error


def sign_timed(salt: str, *parts) -> str:
    return signing.TimestampSigner(salt=salt).sign(".".join(str(part) for part in parts))


def timed(value: str, salt: str) -> list[str]:
    try:
        return (
            signing.TimestampSigner(salt=salt).unsign(value or "", max_age=_optin_age()).split(".")
        )
    except signing.SignatureExpired as error:
        raise Expired from error
    except signing.BadSignature as error:
        raise Invalid from error
