"""Export and erasure of a resident's participation: everything about them, nothing about others."""

import json

import pytest
from django.template.loader import render_to_string

from samenaanpak.accounts.personal_data import collect, delete_account

from ..models import Comment, CommentReport, Idea, Support
from ..personal_data import account_sections
from ..services import add_comment, report_comment, support
from .factories import public_account, public_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(nijkerk):
    me, other = public_account("Ik"), public_account("Ander")
    mine = public_idea(me, title="Mijn idee", text="Mijn tekst")
    theirs = public_idea(other, title="Hun idee", text="Hun geheime tekst")
    support(theirs, me)
    support(mine, other)
    my_comment = add_comment(theirs, me, "Mijn reactie")
    their_comment = add_comment(mine, other, "Hun reactie over iemand")
    report_comment(their_comment, me, "persoonsgegevens", "Noemt mijn buurman")
    report_comment(my_comment, other, "spam", "Hun notitie")
    return me, other, mine, theirs


def test_export_holds_mine_and_nothing_of_others(activity):
    me, other, mine, theirs = activity
    data = collect(me)["participation"]
    text = json.dumps(data)
    assert [i["title"] for i in data["ideas"]] == ["Mijn idee"]
    assert data["ideas"][0]["url"] == f"/denk-mee/{mine.pk}/"
    assert [s["idea"] for s in data["supports"]] == [theirs.pk]
    assert [c["text"] for c in data["comments"]] == ["Mijn reactie"]
    assert data["reports_made"][0]["note"] == "Noemt mijn buurman"
    for foreign in ("Hun geheime tekst", "Hun reactie over iemand", "Hun notitie", "Ander"):
        assert foreign not in text


def test_erase_keeps_contributions_as_deleted_account(client, activity):
    me, other, mine, theirs = activity
    delete_account(me)
    idea = Idea.objects.get(pk=mine.pk)
    assert idea.author is None and idea.support_count == 1
    assert Comment.objects.get(text="Mijn reactie").author is None
    assert Support.objects.filter(idea=theirs, user__isnull=True).count() == 1
    report = CommentReport.objects.get(reason="persoonsgegevens")
    assert report.reporter is None and report.note == ""
    assert CommentReport.objects.get(reason="spam").note == "Hun notitie"  # someone else's
    html = client.get(f"/denk-mee/{mine.pk}/").content.decode()
    assert "verwijderd account" in html and "Ik<" not in html


def test_account_sections(activity):
    me, other, mine, theirs = activity
    sections = account_sections(me)
    assert [str(s["title"]) for s in sections] == ["Mijn ideeën", "Mijn steun", "Mijn reacties"]
    html = "".join(render_to_string(s["template"], s["context"]) for s in sections)
    assert f'href="/denk-mee/{mine.pk}/"' in html and "Hun idee" in html
    assert "Mijn reactie" in html and "#reactie-" in html
    empty = "".join(
        render_to_string(s["template"], s["context"]) for s in account_sections(public_account())
    )
    assert "U heeft nog geen ideeën gegeven." in empty and 'href="/denk-mee/nieuw/"' in empty
