"""Submitting an idea, supporting, commenting and reporting: through the screens (the forms),
with their bad input, limits and the rules in services.py."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.notifications.models import Follow
from samenaanpak.plan.models import Goal, ThinkTankPage

from ..models import Comment, CommentReport, Idea, Support
from ..services import HIDE_AFTER_REPORTS, Refused, add_comment, report_comment, support
from ..status import CommentStatus, IdeaStatus
from .factories import public_account, public_idea
from .helpers import form_data

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def _idea_data(**fields):
    tank = ThinkTankPage.objects.get(slug="preventie")
    values = {
        "think_tank": str(tank.pk),
        "goal": str(Goal.objects.filter(think_tank=tank).first().pk),
        "title": "Een buurtavond over drugs",
        "text": "Organiseer een avond in het buurthuis.",
    }
    return form_data(**{**values, **fields})


# --- submit --------------------------------------------------------------------------------------


def test_submit_needs_an_account(client, nijkerk):
    response = client.get("/denk-mee/nieuw/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fdenk-mee%2Fnieuw%2F"
    assert client.post("/denk-mee/nieuw/", _idea_data()).status_code == 302
    assert not Idea.objects.filter(is_example=False).exists()


def test_first_idea_of_a_new_account_waits_and_the_next_is_received(client, newcomer):
    client.force_login(newcomer)
    form = client.get("/denk-mee/nieuw/")
    assert form.status_code == 200 and 'name="started"' in _html(form)
    response = client.post("/denk-mee/nieuw/", _idea_data())
    idea = Idea.objects.get(author=newcomer)
    assert response.status_code == 302 and response["Location"] == f"/denk-mee/{idea.pk}/"
    assert idea.status == IdeaStatus.WAITING and idea.topic_id is None
    page = _html(client.get(response["Location"]))
    assert "bekijkt een moderator het eerst" in page
    assert idea.title not in _html(client.get("/denk-mee/"))
    # Another waiting idea (nothing of this account was placed yet) waits too.
    client.post("/denk-mee/nieuw/", _idea_data(title="Nog een idee"))
    assert Idea.objects.get(title="Nog een idee").status == IdeaStatus.WAITING


def test_established_account_idea_is_received_and_followed(client, resident):
    client.force_login(resident)
    response = client.post("/denk-mee/nieuw/", _idea_data())
    idea = Idea.objects.get(author=resident)
    assert idea.status == IdeaStatus.RECEIVED and idea.published_at is not None
    follow = Follow.objects.get(subscriber__user=resident, topic=idea.topic)
    assert follow.source == Follow.Source.OWN and idea.topic.path == f"/denk-mee/{idea.pk}/"
    assert idea.title in _html(client.get("/denk-mee/"))
    assert response["Location"] == f"/denk-mee/{idea.pk}/"


def test_bad_input_keeps_what_was_typed(client, resident):
    client.force_login(resident)
    aanbod_goal = Goal.objects.filter(think_tank__slug="aanbod").first()
    cases = [
        ({"title": "", "text": ""}, ["Geef uw idee een titel.", "Beschrijf uw idee."]),
        ({"title": "x" * 121}, ["De titel is te lang: maximaal 120 tekens (nu 121)."]),
        ({"text": "y" * 5001}, ["Uw idee is te lang: maximaal 5000 tekens (nu 5001)."]),
        ({"think_tank": ""}, ["Kies de denktank die uw idee krijgt."]),
        ({"think_tank": "999999"}, ["Kies een van de denktanks uit de lijst."]),
        ({"goal": str(aanbod_goal.pk)}, ["Dit doel hoort bij een andere denktank."]),
    ]
    for fields, messages in cases:
        response = client.post("/denk-mee/nieuw/", _idea_data(**fields))
        html = _html(response)
        assert response.status_code == 400, fields
        assert "<title>Fout:" in html and "Er ging iets mis" in html
        for message in messages:
            assert message in html, (fields, message)
    response = client.post("/denk-mee/nieuw/", _idea_data(title="", text="<b>mijn tekst</b>"))
    assert "&lt;b&gt;mijn tekst&lt;/b&gt;</textarea>" in _html(response)
    assert not Idea.objects.filter(author=resident).exists()


def test_a_missing_start_token_or_a_bot_stores_nothing(client, resident):
    client.force_login(resident)
    data = _idea_data()
    del data["started"]
    response = client.post("/denk-mee/nieuw/", data)
    assert response.status_code == 400 and "kwam niet compleet aan" in _html(response)
    assert "Een buurtavond over drugs" in _html(response)
    response = client.post("/denk-mee/nieuw/", _idea_data(website="http://spam"))
    assert response.status_code == 302
    assert not Idea.objects.filter(author=resident).exists()


def test_the_same_form_twice_stores_one_idea(client, resident):
    client.force_login(resident)
    data = _idea_data()
    first = client.post("/denk-mee/nieuw/", data)
    second = client.post("/denk-mee/nieuw/", data)
    assert Idea.objects.filter(author=resident).count() == 1
    assert first["Location"] == second["Location"]


def test_the_account_limit(client, resident):
    client.force_login(resident)
    for n in range(5):
        assert client.post("/denk-mee/nieuw/", _idea_data(title=f"Idee {n}")).status_code == 302
    response = client.post("/denk-mee/nieuw/", _idea_data(title="Zesde"))
    assert response.status_code == 429 and "al veel ideeën" in _html(response)
    assert "Zesde" in _html(response)
    assert Idea.objects.filter(author=resident).count() == 5


# --- supports ------------------------------------------------------------------------------------


def test_support_and_withdraw(client, resident):
    idea = public_idea(public_account())
    client.force_login(resident)
    response = client.post(f"/denk-mee/{idea.pk}/steun/")
    assert response.status_code == 302 and response["Location"] == f"/denk-mee/{idea.pk}/#steun"
    idea.refresh_from_db()
    assert idea.support_count == 1
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "U steunt dit idee." in html and "Steun intrekken" in html
    twice = client.post(f"/denk-mee/{idea.pk}/steun/")
    assert twice.status_code == 409 and "U steunt dit idee al." in _html(twice)
    idea.refresh_from_db()
    assert idea.support_count == 1
    client.post(f"/denk-mee/{idea.pk}/steun/", {"intrekken": "1"})
    idea.refresh_from_db()
    assert idea.support_count == 0 and not Support.objects.filter(idea=idea).exists()


def test_support_refused_on_own_or_waiting_idea(client, resident):
    own = public_idea(resident)
    client.force_login(resident)
    response = client.post(f"/denk-mee/{own.pk}/steun/")
    assert response.status_code == 403 and "eigen idee" in _html(response)
    waiting = public_idea(public_account(), status=IdeaStatus.WAITING)
    assert client.post(f"/denk-mee/{waiting.pk}/steun/").status_code == 404
    with pytest.raises(Refused):
        support(waiting, resident)
    assert not Support.objects.exists()


def test_anonymous_support_goes_to_login(client, nijkerk):
    idea = public_idea(public_account())
    response = client.post(f"/denk-mee/{idea.pk}/steun/")
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert Idea.objects.get(pk=idea.pk).support_count == 0


# --- comments ------------------------------------------------------------------------------------


def test_comment_and_reply_through_the_screens(client, resident):
    idea = public_idea(public_account())
    client.force_login(resident)
    page = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert re.search(r'name="started" value="([^"]+)"', page)  # the form the page draws
    response = client.post(f"/denk-mee/{idea.pk}/reageren/", form_data(text="Goed plan!"))
    comment = Comment.objects.get(idea=idea)
    assert response["Location"] == f"/denk-mee/{idea.pk}/#reactie-{comment.pk}"
    form = client.get(f"/denk-mee/{idea.pk}/reageren/?op={comment.pk}")
    assert "Goed plan!" in _html(form) and "Reageer op een reactie" in _html(form)
    client.post(
        f"/denk-mee/{idea.pk}/reageren/",
        form_data(text="Mee eens", parent=str(comment.pk)),
    )
    reply = Comment.objects.get(text="Mee eens")
    assert reply.parent_id == comment.pk and reply.status == CommentStatus.VISIBLE
    assert Idea.objects.get(pk=idea.pk).comment_count == 2
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "Goed plan!" in html and "Mee eens" in html and "Sanne" in html


def test_comment_bad_input(client, resident):
    idea = public_idea(public_account())
    client.force_login(resident)
    empty = client.post(f"/denk-mee/{idea.pk}/reageren/", form_data(text=""))
    assert empty.status_code == 400 and "Schrijf eerst uw reactie." in _html(empty)
    long = client.post(f"/denk-mee/{idea.pk}/reageren/", form_data(text="z" * 2001))
    assert long.status_code == 400 and "maximaal 2000 tekens (nu 2001)" in _html(long)
    assert "z" * 2001 in _html(long)
    other = public_idea(public_account())
    foreign = add_comment(other, resident, "Elders")
    wrong = client.post(f"/denk-mee/{idea.pk}/reageren/", form_data(text="x", parent=foreign.pk))
    assert wrong.status_code == 404
    waiting = public_idea(public_account(), status=IdeaStatus.WAITING)
    assert client.post(f"/denk-mee/{waiting.pk}/reageren/", form_data(text="x")).status_code == 404
    assert Comment.objects.filter(idea=idea).count() == 0


# --- reports -------------------------------------------------------------------------------------


def _report(client, comment, reason="kwetsend", note=""):
    return client.post(
        f"/denk-mee/reactie/{comment.pk}/melden/", form_data(reason=reason, note=note)
    )


def test_report_through_the_screen_once(client, resident):
    idea = public_idea(public_account())
    comment = add_comment(idea, public_account("Auteur"), "Iets")
    client.force_login(resident)
    form = client.get(f"/denk-mee/reactie/{comment.pk}/melden/")
    assert form.status_code == 200 and "Persoonsgegevens" in _html(form)
    missing = client.post(f"/denk-mee/reactie/{comment.pk}/melden/", form_data())
    assert missing.status_code == 400 and "Kies een reden." in _html(missing)
    done = _report(client, comment, note="Niet aardig")
    assert done.status_code == 200 and "Bedankt voor uw melding" in _html(done)
    report = CommentReport.objects.get()
    assert (report.reason, report.note, report.counts) == ("kwetsend", "Niet aardig", True)
    again = _report(client, comment, reason="spam")
    assert again.status_code == 409 and "al gemeld" in _html(again)
    assert CommentReport.objects.count() == 1
    assert "U heeft deze reactie gemeld." in _html(client.get(f"/denk-mee/{idea.pk}/"))


def test_own_comment_cannot_be_reported(client, resident):
    idea = public_idea(public_account())
    comment = add_comment(idea, resident, "Van mij")
    client.force_login(resident)
    response = _report(client, comment)
    assert response.status_code == 403 and "eigen reactie" in _html(response)
    assert not CommentReport.objects.exists()


def test_three_established_reports_hide_and_tell_the_author(nijkerk):
    idea = public_idea(public_account())
    author = public_account("Auteur")
    comment = add_comment(idea, author, "Iets")
    for _n in range(HIDE_AFTER_REPORTS - 1):
        report_comment(comment, public_account(), "spam")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    report_comment(comment, public_account(), "kwetsend")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    assert comment.state.reason == "spam"  # the most given reason
    mail_row = OutgoingEmail.objects.get(to=author.email)
    assert "wacht op beoordeling" in mail_row.subject and "Reden: Spam" in mail_row.body
    assert "List-Unsubscribe" not in str(getattr(mail_row, "headers", ""))


def test_new_accounts_reports_never_hide_on_their_own(nijkerk):
    idea = public_idea(public_account())
    comment = add_comment(idea, public_account(), "Iets")
    for _n in range(10):
        report = report_comment(comment, public_account(established=False), "kwetsend")
        assert report.counts is False
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    assert CommentReport.objects.filter(comment=comment).count() == 10


def test_one_moderator_report_hides(nijkerk, moderator):
    idea = public_idea(public_account())
    comment = add_comment(idea, public_account(), "Iets")
    report_comment(comment, moderator, "persoonsgegevens")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN and comment.state.reason == "persoonsgegevens"
    assert comment.state.author == moderator


def test_reporting_twice_through_the_service_is_refused(nijkerk, resident):
    comment = add_comment(public_idea(public_account()), public_account(), "Iets")
    report_comment(comment, resident, "spam")
    with pytest.raises(Refused, match="al gemeld"):
        report_comment(comment, resident, "spam")
    assert not mail.outbox
