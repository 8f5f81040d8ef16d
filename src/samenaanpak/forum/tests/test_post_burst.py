"""At most three posts a minute per account."""

import pytest

from samenaanpak.participation.tests.helpers import form_data

from ..models import Post
from .factories import MemberFactory, public_thread

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


# --- F3: a burst of posts -----------------------------------------------------------------------------


def test_at_most_three_posts_a_minute_per_account(client, forum):
    member = MemberFactory(trusted=True)
    client.force_login(member.user)
    thread = public_thread(category=forum)
    url = f"/vrijplaats/onderwerp/{thread.pk}/reageren/"
    for n in range(3):
        assert client.post(url, form_data(text=f"Reactie {n}")).status_code == 302
    response = client.post(url, form_data(text="Reactie vier"))
    page = _html(response)
    assert response.status_code == 429 and "Wacht een minuut" in page
    assert (
        "Reactie vier" in page
        and 'class="utrecht-alert utrecht-alert--error sa-error-summary' in page
    )
    assert Post.objects.filter(author=member).count() == 3
