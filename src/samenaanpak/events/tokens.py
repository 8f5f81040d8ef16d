"""The link in every mail about a registration (to cancel, to leave the waiting list, to give a
place back): signed, naming the registration and its secret. The secret is drawn anew when the
registration's data is erased, so an old link then finds nothing. A link is only of use until the
meeting starts (views.cancel says so in Dutch); the signature itself does not expire."""

from django.core import signing

SALT = "samenaanpak.events.registration"


def make(registration) -> str:
    return signing.dumps([registration.pk, registration.secret.hex], salt=SALT, compress=False)


def read(token: str):
    """The registration the token names, or None for a tampered, unknown or outdated token."""
    from .models import Registration

    try:
        pk, secret = signing.loads(token, salt=SALT)
        registration = Registration.objects.select_related("event").get(pk=int(pk))
    except (signing.BadSignature, ValueError, TypeError, Registration.DoesNotExist):
        return None
    if registration.secret.hex != secret or registration.erased_at is not None:
        return None
    return registration


def cancel_path(registration) -> str:
    """The address (path) of the cancel page for this registration. The meetings page is looked up
    once per meeting object and kept on it, so a loop over one meeting's registrations (the mail
    to everyone, a call-off, the reminders) asks for it once, not twice per person."""
    event = registration.event
    index = getattr(event, "_index_page", None)
    if index is None:
        index = event._index_page = event.get_parent().specific
    return (index.url or "/") + index.reverse_subpage(
        "cancel", kwargs={"token": make(registration)}
    )
