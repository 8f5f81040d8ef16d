"""A public account as sign-up leaves it (a verified address and a profile), for tests that are
not about signing up. The one way to make one; the sign-up itself is tested through its screens."""

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

PASSWORD = "een-lang-wachtwoord-123"
_numbers = itertools.count(1)


def public_account(display_name=None, *, email=None, established=False, password=PASSWORD):
    """`established`: as after a moderator approved a first contribution (Profile.approved_at)."""
    from allauth.account.models import EmailAddress

    from samenaanpak.accounts.models import Profile

    number = next(_numbers)
    display_name = display_name or f"Inwoner {number}"
    email = email or f"{slugify(display_name) or 'inwoner'}-{number}@example.org"
    user = get_user_model().objects.create_user(
        username=f"bewoner-{number}-{slugify(display_name)}"[:150], email=email, password=password
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Profile.objects.create(
        user=user,
        display_name=display_name,
        approved_at=timezone.now() if established else None,
    )
    return user
