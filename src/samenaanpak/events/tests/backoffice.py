"""Helpers of the meetings' back-office tests."""

from django.contrib.auth.models import Group

from samenaanpak.accounts.tests.factories import public_account as accounts_public_account
from samenaanpak.core.history import record_status
from samenaanpak.events.models import EventPage, Registration, email_key
from samenaanpak.tests.factories import UserFactory

EVENING = "ouderavond-drugs-en-uitgaan"  # Nijkerk's example meeting of denktank Preventie


def evening():
    return EventPage.objects.get(slug=EVENING)


def public_account(name):
    return accounts_public_account(name.title(), email=f"{name}@example.org", established=True)


def staff(name, group):
    user = UserFactory(username=name, email=f"{name}@gemeente.example")
    user.groups.add(Group.objects.get(name=group))
    return user


def many(event, count, status, start=0):
    """Many registrations quickly (for volume): rows plus their first history row."""
    for n in range(start, start + count):
        email = f"persoon{n}@example.org"
        registration = Registration.objects.create(
            event=event, name=f"Persoon {n}", email=email, email_key=email_key(email)
        )
        record_status(registration, status)
