"""Permission matrix of Denk mee's back office: who may see the moderation queue, decide on ideas
and comments, answer an idea, link actions to it and see the back office's list of ideas.
Every outcome is checked in the database too: a refused POST stores nothing."""

import pytest
from django.urls import reverse

from samenaanpak.participation import moderation, services
from samenaanpak.participation.models import Comment, Idea
from samenaanpak.participation.status import CommentStatus, IdeaStatus
from samenaanpak.plan.models import Action

from .backoffice import hidden_comment, idea, public_account, staff

YES, NO = "yes", "no"
ROLES = [
    "anoniem",
    "publiek",
    "moderator",
    "eigen_denktank",
    "andere_denktank",
    "redacteur",
    "beheerder",
]
MATRIX = {
    #                  anon publiek moderator eigen andere redacteur beheerder
    "see_queue": (NO, NO, YES, NO, NO, NO, YES),
    "publish_idea": (NO, NO, YES, NO, NO, NO, YES),
    "reject_idea": (NO, NO, YES, NO, NO, NO, YES),
    "restore_comment": (NO, NO, YES, NO, NO, NO, YES),
    "remove_comment": (NO, NO, YES, NO, NO, NO, YES),
    "undo_refusal": (NO, NO, YES, NO, NO, NO, YES),  # back to the queue, after a confirm step
    "publish_refused": (NO, NO, YES, NO, NO, NO, YES),
    "restore_removed": (NO, NO, YES, NO, NO, NO, YES),
    "dismiss_reports": (NO, NO, YES, NO, NO, NO, YES),  # of a visible, reported comment
    "remove_reported": (NO, NO, YES, NO, NO, NO, YES),
    "answer_idea": (NO, NO, NO, YES, NO, YES, YES),
    "link_actions": (NO, NO, NO, YES, NO, YES, YES),
    "see_idea_list": (NO, NO, NO, YES, NO, YES, YES),  # of the owning think tank
}


@pytest.fixture
def people(nijkerk):
    return {
        "anoniem": None,
        "publiek": public_account("bewoner", established=True),
        "moderator": staff("moderator", "Moderator"),
        "eigen_denktank": staff("lid-preventie", "Denktank Preventie"),
        "andere_denktank": staff("lid-aanbod", "Denktank Aanbod"),
        "redacteur": staff("redacteur", "Redacteur"),
        "beheerder": staff("beheerder", "Beheerder"),
    }


def _allowed(response, ok_status=(200,)):
    if response.status_code in ok_status:
        return YES
    if response.status_code in (302, 403, 404, 405):
        return NO
    return f"unexpected {response.status_code}"


def check(client, name, author):
    """Try one thing; YES only when the response says so *and* the database changed."""
    if name == "see_queue":
        return _allowed(client.get(reverse("participation_admin:queue")))
    if name == "see_idea_list":  # the list, with the owning think tank's idea in it
        listed = idea(author, status=IdeaStatus.RECEIVED, title="Idee in de lijst")
        response = client.get(reverse("participation_admin:ideas"))
        return (
            YES if _allowed(response) == YES and listed.title in response.content.decode() else NO
        )
    if name in ("publish_idea", "reject_idea"):
        waiting = idea(author, title=f"Idee voor {name}")
        decision = "plaatsen" if name == "publish_idea" else "weigeren"
        client.post(
            reverse("participation_admin:decide_idea", args=[waiting.pk]),
            {f"idee-{waiting.pk}-decision": decision, f"idee-{waiting.pk}-reason": "Dubbel."},
        )
        waiting.refresh_from_db()
        return YES if waiting.status != IdeaStatus.WAITING else NO
    if name in ("restore_comment", "remove_comment"):
        on = idea(author, status=IdeaStatus.RECEIVED, title=f"Idee voor {name}")
        comment = hidden_comment(on, author, [])
        decision = "terugzetten" if name == "restore_comment" else "verwijderen"
        client.post(
            reverse("participation_admin:decide_comment", args=[comment.pk]),
            {f"reactie-{comment.pk}-decision": decision, f"reactie-{comment.pk}-reason": "spam"},
        )
        return YES if Comment.objects.get(pk=comment.pk).status != CommentStatus.HIDDEN else NO
    if name in ("undo_refusal", "publish_refused"):
        refused = idea(author, title=f"Idee voor {name}")
        moderation.reject_idea(refused, None, "Vergissing.")
        url = reverse("participation_admin:undo_idea", args=[refused.pk])
        confirm = _allowed(client.get(url))
        choice = "wachtrij" if name == "undo_refusal" else "plaatsen"
        client.post(url, {"besluit": choice})
        changed = Idea.objects.get(pk=refused.pk).status != IdeaStatus.REJECTED
        return YES if confirm == YES and changed else NO if confirm == NO and not changed else "?"
    if name == "restore_removed":
        on = idea(author, status=IdeaStatus.RECEIVED, title=f"Idee voor {name}")
        comment = hidden_comment(on, author, [])
        moderation.remove_comment(comment, None, "spam")
        url = reverse("participation_admin:undo_comment", args=[comment.pk])
        confirm = _allowed(client.get(url))
        client.post(url, {"besluit": "terugzetten"})
        changed = Comment.objects.get(pk=comment.pk).status != CommentStatus.REMOVED
        return YES if confirm == YES and changed else NO if confirm == NO and not changed else "?"
    if name in ("dismiss_reports", "remove_reported"):
        on = idea(author, status=IdeaStatus.RECEIVED, title=f"Idee voor {name}")
        comment = services.add_comment(on, author, "Gemelde reactie.")
        services.report_comment(comment, public_account(f"melder-{name}", established=True), "spam")
        decision = "afhandelen" if name == "dismiss_reports" else "verwijderen"
        client.post(
            reverse("participation_admin:decide_reported", args=[comment.pk]),
            {f"gemeld-{comment.pk}-decision": decision, f"gemeld-{comment.pk}-reason": "spam"},
        )
        if name == "remove_reported":
            return YES if Comment.objects.get(pk=comment.pk).status == CommentStatus.REMOVED else NO
        return YES if not comment.reports.filter(handled_at__isnull=True).exists() else NO
    if name in ("answer_idea", "link_actions"):
        received = idea(author, status=IdeaStatus.RECEIVED, title=f"Idee voor {name}")
        data = {
            "status": IdeaStatus.IN_PROGRESS,
            "note": "We kijken ernaar.",
            "state": received.state_id,
        }
        if name == "link_actions":
            action = Action.objects.filter(goal__think_tank__slug="preventie").first()
            action.is_example = False  # as an editor made it real: examples are not offered
            action.save(update_fields=["is_example"])
            data.update(status=IdeaStatus.ADOPTED, actions=[action.pk])
        client.post(reverse("participation_admin:answer", args=[received.pk]), data)
        received = Idea.objects.get(pk=received.pk)
        if name == "link_actions":
            return YES if received.actions.exists() else NO
        return YES if received.status == IdeaStatus.IN_PROGRESS else NO
    raise AssertionError(name)


@pytest.mark.django_db
@pytest.mark.parametrize("role_index, role", list(enumerate(ROLES)))
def test_permission_matrix(client, people, verified_login, role_index, role):
    user = people[role]
    if user is not None:
        if role == "publiek":
            client.force_login(user)  # a public account has no second factor
        else:
            verified_login(client, user)
    author = public_account("indiener")
    results = {name: check(client, name, author) for name in MATRIX}
    expected = {name: row[role_index] for name, row in MATRIX.items()}
    assert results == expected


@pytest.mark.django_db
def test_the_list_shows_only_the_own_think_tanks_ideas(client, people, verified_login):
    author = public_account("indiener")
    own = idea(author, status=IdeaStatus.RECEIVED, title="Idee voor preventie")
    other = idea(author, slug="aanbod", status=IdeaStatus.RECEIVED, title="Idee voor aanbod")
    idea(author, title="Wacht nog op moderatie")
    verified_login(client, people["eigen_denktank"])
    html = client.get(reverse("participation_admin:ideas")).content.decode()
    assert own.title in html and other.title not in html and "Wacht nog" not in html
    refused = client.get(reverse("participation_admin:answer", args=[other.pk]))
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    verified_login(client, people["beheerder"])
    html = client.get(reverse("participation_admin:ideas")).content.decode()
    assert own.title in html and other.title in html
    filtered = client.get(
        reverse("participation_admin:ideas"), {"denktank": other.think_tank_id, "status": "zzz"}
    ).content.decode()
    assert other.title in filtered and own.title not in filtered


@pytest.mark.django_db
def test_decisions_need_a_csrf_token_and_a_post(people, verified_login):
    from django.test import Client

    client = verified_login(Client(enforce_csrf_checks=True), people["moderator"])
    waiting = idea(public_account("indiener"))
    url = reverse("participation_admin:decide_idea", args=[waiting.pk])
    assert client.post(url, {f"idee-{waiting.pk}-decision": "plaatsen"}).status_code == 403
    assert client.get(url).status_code == 405
    waiting.refresh_from_db()
    assert waiting.status == IdeaStatus.WAITING


@pytest.mark.django_db
def test_menu_and_home_panel_for_moderators(client, people, verified_login):
    author = public_account("indiener")
    idea(author)
    hidden_comment(idea(author, status=IdeaStatus.RECEIVED, title="Ander idee"), author, [])
    verified_login(client, people["moderator"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 idee wacht op plaatsing." in home and "1 reactie is verborgen" in home
    queue, ideas = (
        f'"{reverse(name)}"' for name in ("participation_admin:queue", "participation_admin:ideas")
    )
    assert queue in home and ideas not in home
    verified_login(client, people["eigen_denktank"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert queue not in home and ideas in home


@pytest.mark.django_db
def test_the_screens_say_where_you_are_and_their_icons_exist(client, people, verified_login):
    """Walked as a moderator: the queue's header said "Home" (only the hidden h1 said
    "Moderatie"), and the menu item "Moderatie" had no icon (Wagtail has no "flag")."""
    import re

    from wagtail.admin.icons import get_icons

    from samenaanpak.participation import admin_views, wagtail_hooks

    sprite = get_icons()
    icons = {
        wagtail_hooks.register_moderation_menu_item().icon_name,
        wagtail_hooks.register_ideas_menu_item().icon_name,
        admin_views.ModerationView.header_icon,
        admin_views.AnswererView.header_icon,
    }
    assert all(f'id="icon-{name}"' in sprite for name in icons), icons

    def crumbs(response):
        html = response.content.decode()
        nav = re.search(r"<div data-w-breadcrumbs.*?</ol>", html, re.S)
        return re.sub(r"<[^>]+>|\s+", " ", nav.group(0)) if nav else ""

    verified_login(client, people["moderator"])
    assert "Moderatie" in crumbs(client.get(reverse("participation_admin:queue")))
    verified_login(client, people["eigen_denktank"])
    assert "Ideeën" in crumbs(client.get(reverse("participation_admin:ideas")))
