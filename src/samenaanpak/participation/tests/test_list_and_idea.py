"""/denk-mee/: the list (filters, sorting, examples, query count) and an idea's page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samenaanpak.plan.models import Action, Goal, ThinkTankPage

from ..models import Comment, Idea, IdeasPage
from ..services import add_comment, hide_comment, open_topic
from ..status import CommentStatus, IdeaStatus
from .factories import public_account, public_idea

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def test_the_page_replaced_coming_soon_and_shows_how_it_works(client, nijkerk):
    page = IdeasPage.objects.get()
    assert page.url == "/denk-mee/" and page.live
    html = _html(client.get("/denk-mee/"))
    assert "Binnenkort" not in html
    assert "Zo werkt het" in html and "De denktank antwoordt in het openbaar" in html
    # The home page's entry point leads here.
    assert 'href="/denk-mee/"' in _html(client.get("/"))


def test_examples_are_listed_marked_until_real_ideas_exist(client, nijkerk):
    html = _html(client.get("/denk-mee/"))
    assert html.count('class="sa-card sa-idea"') == 4
    assert html.count("Voorbeeld</span>") == 4 and "zijn voorbeelden" in html
    real = public_idea(public_account(), title="Een echt idee van een inwoner")
    html = _html(client.get("/denk-mee/"))
    assert html.count('class="sa-card sa-idea"') == 1 and real.title in html
    assert "Voorbeeld</span>" not in html


def test_only_public_ideas_are_listed(client, nijkerk):
    author = public_account()
    public_idea(author, title="Openbaar idee")
    public_idea(author, status=IdeaStatus.WAITING, title="Wachtend idee")
    html = _html(client.get("/denk-mee/"))
    assert "Openbaar idee" in html and "Wachtend idee" not in html


def test_filters_and_sorting(client, nijkerk):
    preventie = ThinkTankPage.objects.get(slug="preventie")
    aanbod = ThinkTankPage.objects.get(slug="aanbod")
    goal = Goal.objects.filter(think_tank=aanbod).first()
    author = public_account()
    a = public_idea(author, think_tank=preventie, title="Idee A", support_count=1)
    b = public_idea(author, think_tank=aanbod, goal=goal, title="Idee B", support_count=5)
    c = public_idea(
        author, think_tank=aanbod, status=IdeaStatus.NOT_ADOPTED, title="Idee C", support_count=3
    )

    def titles(**query):
        html = _html(client.get("/denk-mee/", query))
        found = [(html.find(f">{i.title}<"), i.title) for i in (a, b, c)]
        return [title for position, title in sorted(found) if position >= 0]

    assert titles() == ["Idee C", "Idee B", "Idee A"]  # newest first
    assert titles(denktank=aanbod.pk) == ["Idee C", "Idee B"]
    assert titles(doel=goal.pk) == ["Idee B"]
    assert titles(status="niet_overgenomen") == ["Idee C"]
    assert titles(sorteer="steun") == ["Idee B", "Idee C", "Idee A"]
    assert titles(sorteer="beantwoord")[0] == "Idee C"  # the only answered one
    # Unknown values: skipped with a message, never a 500.
    response = client.get("/denk-mee/", {"denktank": "abc", "status": "wacht", "sorteer": "x"})
    assert response.status_code == 200 and "niet herkend" in _html(response)


def _many_ideas(count):
    tanks = list(ThinkTankPage.objects.all())
    goals = list(Goal.objects.all())
    author = public_account()
    now = timezone.now()
    Idea.objects.bulk_create(
        Idea(
            think_tank=tanks[n % len(tanks)],
            goal=goals[n % len(goals)],
            author=author if n % 2 else None,
            title=f"Idee {n}",
            text="Tekst",
            status=IdeaStatus.RECEIVED,
            published_at=now,
            support_count=n % 17,
            answered_at=now - datetime.timedelta(minutes=n) if n % 3 else None,
        )
        for n in range(count)
    )


@pytest.mark.parametrize(
    "query", [{}, {"sorteer": "steun", "pagina": "3"}, {"denktank": "", "sorteer": "beantwoord"}]
)
def test_list_query_count_is_flat_from_10_to_1000_ideas(client, nijkerk, query):
    _many_ideas(10)
    client.get("/denk-mee/")  # warm the site-root cache
    with CaptureQueriesContext(connection) as small:
        assert client.get("/denk-mee/", query).status_code == 200
    _many_ideas(990)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/denk-mee/", query)
    assert response.status_code == 200
    assert len(large) == len(small) <= 15, [q["sql"][:120] for q in large.captured_queries]
    assert _html(response).count('class="sa-card sa-idea"') == 20


def test_idea_page_query_count_is_flat(client, nijkerk):
    idea = public_idea(public_account())
    open_topic(idea)  # the follow button reads the topic (select_related: no query)
    action = Action.objects.filter(is_example=True).first()
    idea.actions.add(action)
    commenter = public_account()
    add_comment(idea, commenter, "Eerste")
    client.get(f"/denk-mee/{idea.pk}/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/denk-mee/{idea.pk}/")
    for n in range(30):
        top = add_comment(idea, public_account(), f"Reactie {n}")
        add_comment(idea, commenter, f"Antwoord {n}", parent=top)
    idea.actions.add(*Action.objects.all())
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"/denk-mee/{idea.pk}/")
    assert response.status_code == 200 and "Antwoord 29" in _html(response)
    assert len(large) == len(small) <= 15, [q["sql"][:120] for q in large.captured_queries]


def test_a_placed_idea_can_be_followed_from_its_page(client, nijkerk):
    """The issue's "follow an idea": a visitor gets the link to the email form (no form, no CSRF
    token: the page stays cacheable), the author sees that they follow it, another resident
    follows it with the button."""
    from samenaanpak.notifications.models import Follow

    author = public_account("Auteur")
    idea = public_idea(author, title="Een idee om te volgen")
    open_topic(idea)  # as placing it does
    idea.refresh_from_db()
    path = f"/denk-mee/{idea.pk}/"

    response = client.get(path)
    html = _html(response)
    assert '<div class="sa-follow" id="volgen">' in html and "/volgen/?onderwerp=" in html
    assert not response.cookies and "csrfmiddlewaretoken" not in html

    client.force_login(author)
    assert "U volgt dit." in _html(client.get(path))

    reader = public_account("Lezer")
    client.force_login(reader)
    html = _html(client.get(path))
    assert "U volgt dit." not in html and f'action="/volgen/onderwerp/{idea.topic_id}/"' in html
    response = client.post(f"/volgen/onderwerp/{idea.topic_id}/", {"next": path + "#volgen"})
    assert response.status_code == 302 and response["Location"] == path + "#volgen"
    assert Follow.objects.filter(topic=idea.topic, subscriber__user=reader).exists()
    assert "U volgt dit." in _html(client.get(path))


def test_waiting_and_example_ideas_have_no_follow_button(client, nijkerk):
    example = Idea.objects.filter(is_example=True).first()
    assert 'class="sa-follow"' not in _html(client.get(f"/denk-mee/{example.pk}/"))
    author = public_account(established=False)
    waiting = public_idea(author, status=IdeaStatus.WAITING)
    client.force_login(author)
    assert 'class="sa-follow"' not in _html(client.get(f"/denk-mee/{waiting.pk}/"))


def test_idea_page_shows_answer_history_actions_and_comments(client, nijkerk):
    idea = Idea.objects.get(status=IdeaStatus.ADOPTED, is_example=True)
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert idea.title in html and "Voorbeeld</span>" in html
    assert "Antwoord van de denktank" in html and "ervaringsdeskundige" in html
    assert "Geschiedenis" in html and "In behandeling" in html
    action = idea.actions.get()
    assert action.title in html and f"{action.state.progress}% klaar" in html
    assert "een voorbeeldinwoner" in html
    not_adopted = Idea.objects.get(status=IdeaStatus.NOT_ADOPTED)
    html = _html(client.get(f"/denk-mee/{not_adopted.pk}/"))
    assert "Niet overgenomen" in html and "burgemeester" in html


def test_html_in_an_idea_is_shown_as_text_in_paragraphs(client, nijkerk):
    idea = public_idea(
        public_account("<b>Naam</b>"),
        title="<script>alert(1)</script>",
        text="Eerste alinea <img src=x onerror=alert(1)>\n\nTweede alinea",
    )
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "<p>Tweede alinea</p>" in html and "&lt;b&gt;Naam&lt;/b&gt;" in html


def test_deleted_author_and_replies_one_level(client, nijkerk):
    author = public_account("Weg")
    idea = public_idea(author)
    other = public_account("Blijft")
    top = add_comment(idea, other, "Bovenste")
    reply = add_comment(idea, author, "Antwoord", parent=top)
    deeper = add_comment(idea, other, "Antwoord op antwoord", parent=reply)
    assert deeper.parent_id == top.pk  # a reply to a reply attaches to the top-level comment
    author.delete()
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "verwijderd account" in html and "Weg" not in html
    assert html.count('class="sa-comments sa-comments--replies"') == 1
    assert Idea.objects.get(pk=idea.pk).comment_count == 3


def test_hidden_comment_shows_a_placeholder_to_others_and_its_text_to_its_author(client, nijkerk):
    idea = public_idea(public_account())
    author = public_account("Schrijver")
    comment = add_comment(idea, author, "Iets onaardigs")
    hide_comment(comment, "kwetsend")
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "Deze reactie wacht op beoordeling" in html and "Iets onaardigs" not in html
    client.force_login(author)
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "Iets onaardigs" in html and "wacht op beoordeling" in html
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN


def test_anonymous_pages_are_cacheable_and_signed_in_pages_private(client, nijkerk):
    idea = Idea.objects.filter(is_example=True).first()
    for path in ("/denk-mee/", f"/denk-mee/{idea.pk}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert not response.cookies  # no CSRF cookie, no session
        assert "csrfmiddlewaretoken" not in _html(response)
        assert "Cookie" in response["Vary"]  # a cached anonymous copy never goes to a member
        assert "private" not in response.get("Cache-Control", "")
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "Log in om te steunen" in html and "Log in om te reageren" in html
    assert f"{reverse('account_login')}?next=%2Fdenk-mee%2F{idea.pk}%2F" in html
    client.force_login(public_account())
    response = client.get(f"/denk-mee/{idea.pk}/")
    assert "csrfmiddlewaretoken" in _html(response) and "Steun dit idee" in _html(response)
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_unknown_idea_is_404(client, nijkerk):
    assert client.get("/denk-mee/999999/").status_code == 404
    assert client.get("/denk-mee/999999/reageren/").status_code == 404
    assert client.post("/denk-mee/999999/steun/").status_code == 404
    assert client.get("/denk-mee/reactie/999999/melden/").status_code == 404


def test_staff_get_the_idea_in_the_back_office_instead_of_forms(client, nijkerk, verified_login):
    """A back-office user on an idea page hit a dead end: "Steun dit idee" worked for an account
    that is not a resident's, and reageren sent them to Mijn account, which sends staff away."""
    from samenaanpak.participation.models import Support

    from .backoffice import staff

    preventie = ThinkTankPage.objects.get(slug="preventie")
    idea = public_idea(public_account("Indiener"), think_tank=preventie, title="Een idee")
    add_comment(idea, public_account("Reageerder"), "Mee eens.")
    member = staff("lid-eigen", "Denktank Preventie")
    other = staff("redacteur", "Redacteur")
    moderator = staff("moderator", "Moderator")
    waiting = public_idea(public_account("Nieuw", established=False), status=IdeaStatus.WAITING)
    expectations = [
        (member, idea, reverse("participation_admin:answer", args=[idea.pk])),
        (other, idea, reverse("participation_admin:answer", args=[idea.pk])),  # answers all
        (moderator, idea, reverse("participation_admin:queue")),
        (moderator, waiting, reverse("participation_admin:queue")),
    ]
    for user, shown, link in expectations:
        verified_login(client, user)
        html = _html(client.get(f"/denk-mee/{shown.pk}/"))
        assert "U bent ingelogd met een beheeraccount" in html, user
        assert f'href="{link}"' in html and "Dit idee in het beheer" in html, user
        assert "Steun dit idee" not in html and "Reactie plaatsen" not in html
        assert "Mijn account" not in html.split("<main", 1)[-1]  # no way round to the account pages
    # The support form is not offered, and a forged POST stores nothing.
    verified_login(client, member)
    response = client.post(f"/denk-mee/{idea.pk}/steun/")
    assert response.status_code == 403 and "account voor bewoners" in _html(response)
    assert not Support.objects.filter(idea=idea).exists()
    # A member who also has a resident's profile takes part as before, with the link besides.
    from django.contrib.auth.models import Group

    both = public_account("Lid met profiel")
    both.groups.add(Group.objects.get(name="Denktank Preventie"))
    verified_login(client, both)
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "Steun dit idee" in html and "Reactie plaatsen" in html
    assert "Dit idee in het beheer" in html and "account voor bewoners" not in html
    # A resident still gets the forms.
    client.force_login(public_account("Bewoner"))
    html = _html(client.get(f"/denk-mee/{idea.pk}/"))
    assert "Steun dit idee" in html and "Reactie plaatsen" in html
    assert "beheeraccount" not in html
