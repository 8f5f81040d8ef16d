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


def test_crisis_words_stopped_by_the_limit_still_show_the_help_first(client, forum):
    member = MemberFactory(trusted=True)
    client.force_login(member.user)
    thread = public_thread(category=forum)
    url = f"/vrijplaats/onderwerp/{thread.pk}/reageren/"
    for n in range(3):
        client.post(url, form_data(text=f"Reactie {n}"))
    response = client.post(url, form_data(text="Ik wil eigenlijk dood, ik kan niet meer"))
    page = _html(response)
    assert response.status_code == 429 and "Wacht een minuut" in page
    assert "je bent niet alleen" in page and 'href="tel:08000113"' in page
    assert page.index('href="tel:08000113"') < page.index("sa-error-summary")


def test_crisis_words_of_a_blocked_member_still_show_the_help_first(client, forum):
    import datetime

    from django.utils import timezone

    member = MemberFactory(
        trusted=True, blocked_until=timezone.now() + datetime.timedelta(days=3), block_reason="x"
    )
    client.force_login(member.user)
    response = client.post(
        "/vrijplaats/praat-erover/nieuw/",
        form_data(title="Het gaat niet", text="Ik wil zelfmoord plegen"),
    )
    page = _html(response)
    assert response.status_code == 403 and "geblokkeerd tot" in page
    assert "je bent niet alleen" in page and 'href="tel:08000432"' in page
    assert not Post.objects.filter(author=member).exists()


def test_an_ordinary_text_stopped_by_the_limit_gets_no_crisis_box(client, forum):
    member = MemberFactory(trusted=True)
    client.force_login(member.user)
    thread = public_thread(category=forum)
    url = f"/vrijplaats/onderwerp/{thread.pk}/reageren/"
    for n in range(4):
        response = client.post(url, form_data(text=f"Gewone reactie {n}"))
    assert response.status_code == 429 and "je bent niet alleen" not in _html(response)
