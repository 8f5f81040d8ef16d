"""The vrijplaats's part of "download my data" and "delete my account", and its content."""

import pytest

from samenaanpak.accounts.personal_data import collect, delete_account
from samenaanpak.core.content import load_content

from .. import posting
from ..models import Category, Member, Mute, Post, PostReport, StaffedPeriod, Thanks, Thread
from ..status import Reason
from .factories import MemberFactory, place, public_thread

pytestmark = pytest.mark.django_db


def test_export_and_erase(client, forum):
    member = MemberFactory(trusted=True, pseudonym="Exporteur")
    thread = public_thread(category=forum, author=member)
    other = MemberFactory(trusted=True, pseudonym="Ander")
    theirs = place(thread, other, "Van de ander")
    posting.toggle_thanks(member, theirs)
    posting.mute(member, other)
    posting.report(member, theirs, Reason.SPAM, "Reclame voor iets")
    data = collect(member.user)["forum"]
    assert data["schuilnaam"] == "Exporteur" and data["opgegeven_leeftijd"] == 16
    assert [p["tekst"] for p in data["berichten"]] == ["De openingsvraag."]
    assert data["meldingen"][0]["toelichting"] == "Reclame voor iets"
    assert data["bedankjes"] and data["gedempt"] == ["Ander"]
    assert "Van de ander" not in str(data)

    delete_account(member.user)
    assert not Member.objects.filter(pseudonym="Exporteur").exists()
    opening = Post.objects.get(thread=thread, is_opening=True)
    assert opening.author is None and opening.text == "De openingsvraag."
    assert not Thanks.objects.exists() and not Mute.objects.exists()
    assert PostReport.objects.get().note == ""
    theirs.refresh_from_db()
    assert theirs.thanks_count == 0
    page = client.get(f"/vrijplaats/onderwerp/{thread.pk}/").content.decode()
    assert "verwijderd account" in page and "Exporteur" not in page


def test_the_content_set_loads_the_vrijplaats_with_examples_once(client, forum):
    assert Category.objects.filter(asks_professionals=True).count() == 1
    assert StaffedPeriod.objects.exists()
    examples = Thread.objects.filter(is_example=True, is_public=True)
    assert examples.count() == 3
    answered = examples.get(category__asks_professionals=True)
    assert not answered.awaits_professional
    assert not Member.objects.filter(user__is_active=True, user__username__startswith="voorbeeld-")
    load_content("nijkerk")  # a second run adds nothing
    assert Thread.objects.filter(is_example=True).count() == 3
    home = client.get("/").content.decode()
    assert 'href="/vrijplaats/"' in home
    page = client.get("/vrijplaats/praat-erover/").content.decode()
    assert "voorbeeld" in page


def test_a_content_set_without_the_vrijplaats(db):
    load_content("voorbeeldstad")
    assert not Category.objects.exists()
    from ..urls import thread_path

    assert thread_path(Thread(pk=1)) == ""
