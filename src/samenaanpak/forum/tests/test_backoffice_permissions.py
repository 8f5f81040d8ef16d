"""Who may use the vrijplaats's back office: one matrix of roles × views. Only who holds
`forum.moderate_forum` (the group Moderator; the Beheerder holds every permission) gets in; a
Hulpverlener enters the back office but not these screens. A refused decision changes nothing."""

import pytest
from django.urls import reverse

from samenaanpak.forum.models import Category, QueueItem
from samenaanpak.forum.status import PostStatus

from .factories_mod import HELD, mod_member, mod_post, staff_user

ROLES = ["anoniem", "publiek", "hulpverlener", "moderator", "beheerder", "redacteur", "meldpunt"]
OK, AWAY = 200, 302  # refused: the login page, or the back office's home with a message
MATRIX = {
    #            anoniem publiek hulpverl moderator beheerder redacteur meldpunt
    "queue": (AWAY, AWAY, AWAY, OK, OK, AWAY, AWAY),
    "decide": (AWAY, AWAY, AWAY, "decided", "decided", AWAY, AWAY),
    "edit_out": (AWAY, AWAY, AWAY, OK, OK, AWAY, AWAY),
    "log": (AWAY, AWAY, AWAY, OK, OK, AWAY, AWAY),
    "member": (AWAY, AWAY, AWAY, OK, OK, AWAY, AWAY),
    "figures": (AWAY, AWAY, AWAY, OK, OK, AWAY, AWAY),
    "snippets": (AWAY, AWAY, AWAY, OK, OK, AWAY, AWAY),
}
GROUPS = {
    "hulpverlener": "Hulpverlener",
    "moderator": "Moderator",
    "beheerder": "Beheerder",
    "redacteur": "Redacteur",
    "meldpunt": "Meldpunt",
}


def check(client, name):
    if name == "decide":
        post = mod_post(status=PostStatus.WAITING, kind=HELD)
        item = QueueItem.objects.get(post=post)
        response = client.post(
            reverse("forum_admin:decide", args=[item.pk]),
            {f"item-{item.pk}-action": "goedkeuren"},
        )
        post.refresh_from_db()
        decided = post.status == PostStatus.VISIBLE
        return "decided" if decided else response.status_code
    if name == "edit_out":
        url = reverse("forum_admin:edit_out", args=[mod_post().pk])
    elif name == "member":
        url = reverse("forum_admin:member", args=[mod_member().pk])
    elif name == "snippets":
        Category.objects.get_or_create(slug="praten", defaults={"name": "Praten"})
        url = reverse("wagtailsnippets_forum_category:list")
    else:
        url = reverse(f"forum_admin:{name}")
    return client.get(url).status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role_index, role", list(enumerate(ROLES)))
def test_permission_matrix(client, verified_login, role_index, role):
    from samenaanpak.accounts.tests.factories import public_account

    if role == "publiek":
        user = public_account("Jongere", email="jongere@example.org")
        client.force_login(user)  # a public account has no second factor
    elif role != "anoniem":
        verified_login(client, staff_user(role, GROUPS[role]))
    results = {name: check(client, name) for name in MATRIX}
    assert results == {name: row[role_index] for name, row in MATRIX.items()}


@pytest.mark.django_db
def test_decisions_need_a_csrf_token_and_a_post(verified_login):
    from django.test import Client

    client = verified_login(Client(enforce_csrf_checks=True), staff_user("mod", "Moderator"))
    post = mod_post(status=PostStatus.WAITING, kind=HELD)
    item = QueueItem.objects.get(post=post)
    url = reverse("forum_admin:decide", args=[item.pk])
    assert client.post(url, {f"item-{item.pk}-action": "goedkeuren"}).status_code == 403
    assert client.get(url).status_code == 405
    post.refresh_from_db()
    assert post.status == PostStatus.WAITING


@pytest.mark.django_db
def test_menu_and_home_panel_only_for_moderators(client, verified_login):
    mod_post(status=PostStatus.WAITING, kind=HELD)
    mod_post(kind="crisis")
    queue_url = f'"{reverse("forum_admin:queue")}"'
    verified_login(client, staff_user("moderator", "Moderator"))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 berichten wachten op een moderator." in home
    assert "Urgent: 1 bericht" in home and queue_url in home
    assert "Vrijplaats" in home
    verified_login(client, staff_user("hulpverlener", "Hulpverlener"))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert queue_url not in home and "wachten op een moderator" not in home
    assert "vrijplaats-categorieen" not in home


@pytest.mark.django_db
def test_the_audit_log_is_no_snippet_and_the_icons_exist():
    from wagtail.admin.icons import get_icons
    from wagtail.snippets.models import get_snippet_models

    from samenaanpak.forum import admin_views, wagtail_hooks
    from samenaanpak.forum.models import ModerationLog

    assert ModerationLog not in get_snippet_models()
    group = wagtail_hooks.ForumViewSetGroup()
    icons = {group.menu_icon, admin_views.ForumModeratorView.header_icon}
    icons |= {item.icon_name for item in group.get_submenu_items()}
    sprite = get_icons()
    assert all(f'id="icon-{name}"' in sprite for name in icons), icons
