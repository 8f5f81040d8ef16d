"""Two identical requests at the same instant: one idea, one support, never a 500 (PostgreSQL:
the run on SQLite locks whole tables, so nothing runs at once there)."""

import pytest
from django.db import connection
from django.test import Client

from samenaanpak.core.content import load_content
from samenaanpak.plan.models import ThinkTankPage
from samenaanpak.tests.concurrency import at_once

from ..models import Idea, Support
from ..services import support
from .factories import public_account, public_idea
from .helpers import form_data
from .test_content import IDEAS, _after, _write

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    load_content(_write(tmp_path / "gemeente", _after(), IDEAS))


def test_two_identical_posts_store_one_idea(site):
    author = public_account()
    data = form_data(
        think_tank=str(ThinkTankPage.objects.get().pk), title="Tegelijk", text="Twee keer verstuurd"
    )

    def post():
        client = Client()
        client.force_login(author)
        response = client.post("/denk-mee/nieuw/", data)
        return response.status_code, response.get("Location")

    first, second = at_once(post, post)
    assert Idea.objects.filter(title="Tegelijk").count() == 1
    idea = Idea.objects.get(title="Tegelijk")
    assert first == second == (302, f"/denk-mee/{idea.pk}/")


def test_two_supports_at_once_count_once(site):
    idea = public_idea(public_account())
    supporter = public_account()
    results = at_once(lambda: support(idea, supporter), lambda: support(idea, supporter))
    assert sorted(results) == [False, True]
    idea.refresh_from_db()
    assert idea.support_count == 1 and Support.objects.filter(idea=idea).count() == 1
