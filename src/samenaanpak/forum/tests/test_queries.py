"""The thread page's query count does not grow with its posts: a thread with 1,000 replies,
page 1 and the last page, for a visitor and for a signed-in member who thanked and muted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .. import posting
from ..models import Post
from .factories import MemberFactory, public_thread

pytestmark = pytest.mark.django_db

# Measured 2026-11-30 (SQLite): a visitor 14 queries on page 1, the last page and a thread of 3
# replies alike; a signed-in member 25 (the session, the user, the two-factor and permission
# checks of the middleware, the member, thanks, mutes, the follow state). The bounds are the
# measurements: a per-post query would add 20.
VISITOR_MAX = 14
MEMBER_MAX = 25


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_thread_with_1000_replies(client, forum, django_assert_max_num_queries):
    many = MemberFactory(trusted=True, pseudonym="Veelschrijver")
    thread = public_thread(category=forum, author=many, replies=1000)
    assert thread.reply_count == 1000
    small = public_thread(category=forum, author=many, replies=3)
    url = f"/vrijplaats/onderwerp/{thread.pk}/"
    last = f"{url}?pagina=51"

    first_n, first_page = _count(client, url)
    last_n, last_page = _count(client, last)
    small_n, _page = _count(client, f"/vrijplaats/onderwerp/{small.pk}/")
    assert "Reactie 0" in first_page and "Reactie 999" in last_page
    assert first_n == last_n == small_n <= VISITOR_MAX

    reader = MemberFactory(trusted=True)
    for post in Post.objects.filter(thread=thread).order_by("-pk")[:5]:
        posting.toggle_thanks(reader, post)
    posting.mute(reader, MemberFactory())
    client.force_login(reader.user)
    member_first, _page = _count(client, url)
    member_last, page = _count(client, last)
    member_small, _page = _count(client, f"/vrijplaats/onderwerp/{small.pk}/")
    assert "Bedankt ✓" in page
    assert member_first == member_last == member_small <= MEMBER_MAX
    with django_assert_max_num_queries(MEMBER_MAX):
        client.get(last)
    print(f"\nqueries: visitor {first_n}/{last_n}/{small_n}, member {member_first}/{member_last}")
