"""A refused post: the reason at the text field and in the shared error summary."""

import datetime
import re

import pytest
from django.utils import timezone

from samenaanpak.participation.tests.helpers import form_data

from .factories import MemberFactory

pytestmark = pytest.mark.django_db
NEW = "/vrijplaats/praat-erover/nieuw/"


def _html(response):
    return response.content.decode()


# --- F7: refusals at the text field -------------------------------------------------------------------


def test_a_refused_text_is_marked_at_the_field_and_in_the_summary(client, forum):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post(NEW, form_data(title="Tip", text="Zie https://voorbeeld.nl"))
    page = _html(response)
    assert response.status_code == 400
    assert 'href="#id_text"' in page and 'id="id_text-fout"' in page
    (textarea,) = re.findall(r"<textarea[^>]*>", page)
    assert 'aria-invalid="true"' in textarea
    assert "Links plaatsen kan nog niet" in page and "Zie https://voorbeeld.nl" in page
    # The vrijplaats speaks "je" to young people, also in the shared error summary.
    assert "Wat je had ingevuld, staat er nog." in page and "Wat u had" not in page


def test_a_blocked_member_sees_the_reason_in_the_error_summary(client, forum):
    member = MemberFactory(
        trusted=True,
        blocked_until=timezone.now() + datetime.timedelta(days=1),
        block_reason="Pesten",
    )
    client.force_login(member.user)
    response = client.post(NEW, form_data(title="Hoi", text="Mag ik?"))
    summary = _html(response).split("sa-error-summary")[1].split("</div>")[0]
    assert response.status_code == 403 and "geblokkeerd tot" in summary and "Pesten" in summary


def test_a_blocked_member_is_told_on_the_thread_instead_of_a_reply_form(client, forum):
    from .factories import public_thread

    member = MemberFactory(
        trusted=True,
        blocked_until=timezone.now() + datetime.timedelta(days=1),
        block_reason="Pesten",
    )
    client.force_login(member.user)
    thread = public_thread(category=forum)
    page = _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    assert "geblokkeerd tot" in page and "Reageren kan weer" in page
    assert 'name="text"' not in page
