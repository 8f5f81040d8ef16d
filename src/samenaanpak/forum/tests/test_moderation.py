"""The moderators' decisions on the vrijplaats queue: each action's effect (status, log row, queue
item closed, the author's mail with the reason explained), two moderators deciding the same item,
warnings that block automatically, and the screens (queue, member, log)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samenaanpak.core.history import TransitionError
from samenaanpak.core.models import OutgoingEmail
from samenaanpak.forum import moderation
from samenaanpak.forum.models import (
    Member,
    MemberWarning,
    ModerationLog,
    PostEvent,
    PostReport,
    QueueItem,
)
from samenaanpak.forum.status import ModerationAction, PostStatus

from .factories_mod import (
    CRISIS,
    HELD,
    HIDDEN,
    REPORTED,
    mod_member,
    mod_post,
    report,
    staff_user,
)


@pytest.fixture
def moderator(db, client, verified_login):
    user = staff_user("moderator", "Moderator")
    verified_login(client, user)
    return user


def decide(client, item, action, **fields):
    data = {f"item-{item.pk}-action": action}
    data.update({f"item-{item.pk}-{name}": value for name, value in fields.items()})
    return client.post(reverse("forum_admin:decide", args=[item.pk]), data)


def item_of(post):
    return QueueItem.objects.get(post=post)


def followed_messages(client, response):
    return client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_approve_places_the_post_counts_it_and_closes_the_item(client, moderator):
    post = mod_post(status=PostStatus.WAITING, kind=HELD)
    item = item_of(post)
    response = decide(client, item, "goedkeuren")
    assert response.status_code == 302 and response["Location"] == reverse("forum_admin:queue")
    post.refresh_from_db()
    item.refresh_from_db()
    assert post.status == PostStatus.VISIBLE and post.state.author == moderator
    post.thread.refresh_from_db()
    assert post.thread.is_public  # services.step recounted the thread
    assert Member.objects.get(pk=post.author_id).approved_posts == 1
    assert item.looked_at is not None and item.looked_by == moderator
    (row,) = ModerationLog.objects.all()
    assert (row.action, row.moderator, row.post, row.member) == (
        ModerationAction.APPROVE,
        moderator,
        post,
        post.author,
    )
    assert not OutgoingEmail.objects.exists()  # the post is simply there
    assert "Het bericht staat op de site." in followed_messages(client, response)


@pytest.mark.django_db
def test_remove_needs_a_reason_and_explains_it_to_the_author(client, moderator):
    post = mod_post(kind=REPORTED, text="Bel me op 0612345678")
    report(post, reason="persoonsgegevens")
    item = item_of(post)
    response = decide(client, item, "verwijderen")
    assert response.status_code == 400
    assert "Kies de reden" in response.content.decode()
    assert f'href="#id_item-{item.pk}-reason"' in response.content.decode()
    response = decide(client, item, "verwijderen", reason="persoonsgegevens", note="Nummer")
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED
    assert PostEvent.objects.filter(post=post).first().reason == "persoonsgegevens"
    assert not PostReport.objects.filter(post=post, handled_at__isnull=True).exists()
    assert item_of(post).looked_at is not None
    log = ModerationLog.objects.get()
    assert (log.action, log.reason, log.note) == ("verwijderd", "persoonsgegevens", "Nummer")
    (mail,) = OutgoingEmail.objects.all()
    assert mail.to == post.author.user.email
    assert mail.subject == "Je bericht in de vrijplaats is verwijderd"
    assert "Waarom?" in mail.body and "iedereen anoniem" in mail.body
    assert "Persoonsgegevens of contactgegevens" in mail.body
    assert "0612345678" not in mail.body
    assert not MemberWarning.objects.exists()


@pytest.mark.django_db
def test_remove_and_warn_in_one_decision(client, moderator):
    post = mod_post(kind=REPORTED)
    response = decide(client, item_of(post), "verwijderen", reason="pesten", warn_too="on")
    assert response.status_code == 302
    warning = MemberWarning.objects.get()
    assert (warning.member, warning.post, warning.given_by) == (post.author, post, moderator)
    assert set(ModerationLog.objects.values_list("action", flat=True)) == {
        "verwijderd",
        "gewaarschuwd",
    }
    (mail,) = OutgoingEmail.objects.all()
    assert "ook een waarschuwing" in mail.body


@pytest.mark.django_db
def test_hide_restore_and_dismiss(client, moderator):
    hidden = mod_post(kind=REPORTED)
    report(hidden, note="Gemeen")
    response = decide(client, item_of(hidden), "verbergen", reason="pesten")
    assert response.status_code == 302
    hidden.refresh_from_db()
    assert hidden.status == PostStatus.HIDDEN
    (mail,) = OutgoingEmail.objects.all()
    assert "verborgen" in mail.subject and "Waarom?" in mail.body and "kwetsen" in mail.body

    # Hidden after reports (the public side's automatic step): restored by a moderator.
    restored = mod_post(status=PostStatus.HIDDEN, kind=HIDDEN)
    report(restored)
    assert decide(client, item_of(restored), "terugzetten").status_code == 302
    restored.refresh_from_db()
    assert restored.status == PostStatus.VISIBLE
    assert not restored.reports.filter(handled_at__isnull=True).exists()
    assert ModerationLog.objects.filter(action="hersteld", post=restored).exists()

    kept = mod_post(kind=REPORTED)
    report(kept)
    assert decide(client, item_of(kept), "meldingen_afhandelen").status_code == 302
    kept.refresh_from_db()
    assert kept.status == PostStatus.VISIBLE and item_of(kept).looked_at is not None
    assert not kept.reports.filter(handled_at__isnull=True).exists()
    assert ModerationLog.objects.filter(action="meldingen_afgewezen", post=kept).exists()


@pytest.mark.django_db
def test_a_removed_post_can_be_restored_and_the_author_hears_it(moderator):
    post = mod_post()
    moderation.remove(post, moderator, "spam")
    moderation.restore(post, moderator)
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    restored = OutgoingEmail.objects.order_by("pk").last()
    assert "herzien" in restored.body
    # Once its text was erased (retention) there is nothing to restore.
    moderation.remove(post, moderator, "spam")
    type(post).objects.filter(pk=post.pk).update(text="", erased_at=timezone.now())
    with pytest.raises(TransitionError):
        moderation.restore(post, moderator)


@pytest.mark.django_db
def test_edit_out_keeps_no_trace_of_the_removed_part(client, moderator):
    post = mod_post(
        status=PostStatus.WAITING, kind=HELD, text="Ik zit op het Lorentz. Mijn nummer 0698765432."
    )
    url = reverse("forum_admin:edit_out", args=[post.pk])
    page = client.get(url).content.decode()
    assert "Mijn nummer 0698765432." in page  # prefilled
    response = client.post(url, {"text": post.text, "why": "x"})
    assert response.status_code == 400 and "niet veranderd" in response.content.decode()
    response = client.post(url, {"text": "Ik zit op school.", "why": ""})
    assert response.status_code == 400
    item = item_of(post)
    response = client.post(
        url,
        {
            "text": "Ik zit op school.",
            "why": "Naam van de school en telefoonnummer weggehaald.",
            "show": "on",
            "item": item.pk,
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.text == "Ik zit op school." and post.moderator_edited_at is not None
    assert post.moderator_note == "Naam van de school en telefoonnummer weggehaald."
    assert post.status == PostStatus.VISIBLE  # the part that held it back is gone
    log = ModerationLog.objects.get()
    assert log.action == "bewerkt" and log.note == post.moderator_note
    stored = " ".join(
        str(v) for row in ModerationLog.objects.values() for v in row.values()
    ) + " ".join(str(v) for row in PostEvent.objects.values() for v in row.values())
    assert "0698765432" not in stored and "Lorentz" not in stored
    (mail,) = OutgoingEmail.objects.all()
    assert "Naam van de school" in mail.body and "0698765432" not in mail.body
    assert item_of(post).looked_at is not None


@pytest.mark.django_db
def test_two_moderators_deciding_the_same_item(client, moderator, verified_login):
    """The second moderator had the same queue open: a message, not a second step or a 500."""
    from django.test import Client

    other = verified_login(Client(), staff_user("moderator2", "Moderator"))
    post = mod_post(status=PostStatus.WAITING, kind=HELD)
    item = item_of(post)
    assert decide(client, item, "goedkeuren").status_code == 302
    response = decide(other, item, "verwijderen", reason="spam")
    assert response.status_code == 302
    assert "Iemand anders heeft hierover intussen al besloten" in followed_messages(other, response)
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE and PostEvent.objects.filter(post=post).count() == 2
    assert ModerationLog.objects.count() == 1 and not OutgoingEmail.objects.exists()
    # A new report opens a new item; the stale expectation holds in the functions as well.
    reported = mod_post(kind=REPORTED)
    stale = item_of(reported)
    moderation.dismiss_reports(reported, moderator, item=stale)
    with pytest.raises(TransitionError):
        moderation.warn(reported.author, moderator, "pesten", post=reported, item=stale)
    assert not MemberWarning.objects.exists()


@pytest.mark.django_db
def test_three_warnings_within_a_year_block_automatically(moderator, settings):
    settings.FORUM_WARNINGS_TO_BLOCK, settings.FORUM_AUTO_BLOCK_DAYS = 3, 30
    member = mod_member()
    now = timezone.now()
    assert (
        moderation.warn(member, moderator, "pesten", now=now - datetime.timedelta(days=200)) is None
    )
    assert moderation.warn(member, moderator, "spam", now=now - datetime.timedelta(days=10)) is None
    assert not Member.objects.get(pk=member.pk).blocked_until
    until = moderation.warn(member, moderator, "huisregels", note="Derde keer", now=now)
    assert until == now + datetime.timedelta(days=30)
    member.refresh_from_db()
    assert member.blocked_until == until and member.is_blocked()
    auto = ModerationLog.objects.get(action=ModerationAction.AUTO_BLOCK)
    assert auto.moderator is None and auto.member == member
    last = OutgoingEmail.objects.order_by("pk").last()
    assert "niet schrijven" in last.body and str(until.year) in last.body


@pytest.mark.django_db
def test_a_warning_older_than_a_year_does_not_count(moderator):
    member = mod_member()
    now = timezone.now()
    moderation.warn(member, moderator, "pesten", now=now - datetime.timedelta(days=396))
    moderation.warn(member, moderator, "pesten", now=now - datetime.timedelta(days=30))
    assert moderation.warn(member, moderator, "pesten", now=now) is None
    member.refresh_from_db()
    assert member.blocked_until is None
    assert not ModerationLog.objects.filter(action=ModerationAction.AUTO_BLOCK).exists()


@pytest.mark.django_db
def test_block_unblock_and_level_on_the_member_page(client, moderator):
    member = mod_member("Vos")
    mod_post(member, text="Mijn eerste bericht")
    url = reverse("forum_admin:member", args=[member.pk])
    page = client.get(url).content.decode()
    assert "Vos" in page and "Mijn eerste bericht" in page
    assert member.user.email not in page  # moderators never see the address here
    response = client.post(url, {"formulier": "blokkade", "blokkade-days": "7"})
    assert response.status_code == 400  # a reason is required
    response = client.post(
        url, {"formulier": "blokkade", "blokkade-days": "7", "blokkade-reason": "Scheldt"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_blocked() and member.block_reason == "Scheldt"
    assert "Scheldt" in OutgoingEmail.objects.get().body
    client.post(url, {"formulier": "deblokkeren"})
    member.refresh_from_db()
    assert member.blocked_until is None
    client.post(url, {"formulier": "niveau", "niveau-level": "1"})
    member.refresh_from_db()
    assert member.level_override == 1
    client.post(url, {"formulier": "niveau", "niveau-level": ""})
    member.refresh_from_db()
    assert member.level_override is None
    client.post(url, {"formulier": "waarschuwing", "waarschuwing-reason": "spam"})
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "geblokkeerd",
        "deblokkeerd",
        "niveau",
        "niveau",
        "gewaarschuwd",
    ]
    assert client.get(url).content.decode().count("Spam of reclame") >= 1


@pytest.mark.django_db
def test_the_queue_shows_urgent_first_then_oldest_escaped_without_addresses(client, moderator):
    now = timezone.now()
    old = mod_post(
        status=PostStatus.WAITING,
        kind=HELD,
        text="Oudste <b>bericht</b>",
        created_at=now - datetime.timedelta(hours=3),
    )
    newer = mod_post(
        kind=REPORTED, text="Nieuwer bericht", created_at=now - datetime.timedelta(hours=1)
    )
    report(newer, reason="dealen", note="Verkoopt wiet")
    report(newer, reason="dealen")
    crisis = mod_post(kind=CRISIS, text="Ik zie het niet meer zitten", created_at=now)
    html = client.get(reverse("forum_admin:queue")).content.decode()
    assert html.index("Ik zie het niet meer zitten") < html.index("Oudste") < html.index("Nieuwer")
    assert "Urgent: mogelijk in nood" in html and "112" in html
    assert "Oudste &lt;b&gt;bericht&lt;/b&gt;" in html
    assert "2 meldingen" in html and "Dealen of drugs aanbieden (2)" in html
    assert "Verkoopt wiet" in html
    for post in (old, newer, crisis):
        assert post.author.pseudonym in html and post.author.user.email not in html
    assert '<option value="dealen" selected>' in html
    mod_post(old.author, status=PostStatus.WAITING, kind=HELD, thread=old.thread)
    html = client.get(reverse("forum_admin:queue")).content.decode()
    assert "2 berichten in de wachtrij" in html  # a new account's other waiting posts
    assert 'value="goedkeuren"' in html and 'value="meldingen_afhandelen"' in html


@pytest.mark.django_db
def test_the_log_page_filters_by_action_and_member(client, moderator):
    one, two = mod_member("Egel"), mod_member("Das")
    moderation.warn(one, moderator, "spam")
    moderation.block(two, moderator, days=3, reason="Spam")
    url = reverse("forum_admin:log")
    html = client.get(url).content.decode()
    assert "Egel" in html and "Das" in html and "Gewaarschuwd" in html
    html = client.get(url, {"actie": "geblokkeerd"}).content.decode()
    assert "Das" in html and "Egel" not in html
    html = client.get(url, {"deelnemer": one.pk}).content.decode()
    assert "Egel" in html and ">Das<" not in html


@pytest.mark.django_db
def test_the_audit_log_is_append_only(moderator):
    moderation.warn(mod_member(), moderator, "spam")
    with pytest.raises(TypeError):
        ModerationLog.objects.all().delete()
    with pytest.raises(TypeError):
        ModerationLog.objects.update(note="anders")


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_for_few_and_many_items(client, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("forum_admin:queue")).status_code == 200
        return len(queries)

    post = mod_post(kind=REPORTED)
    report(post)
    few = count()
    for _ in range(6):
        report(mod_post(kind=REPORTED))
        mod_post(status=PostStatus.WAITING, kind=HELD)
    assert count() == few


@pytest.mark.django_db
def test_an_urgent_item_can_be_marked_as_seen(client, moderator):
    post = mod_post(kind=CRISIS)
    report(post, reason="zorgen")
    html = client.get(reverse("forum_admin:queue")).content.decode()
    assert 'value="bekeken"' in html
    assert decide(client, item_of(post), "bekeken", note="Gereageerd met hulp").status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE and item_of(post).looked_at is not None
    assert not post.reports.filter(handled_at__isnull=True).exists()
    assert ModerationLog.objects.get().note == "Gereageerd met hulp"


@pytest.mark.django_db
def test_mails_link_to_the_house_rules_and_the_queue_to_the_post(client, moderator, settings):
    from wagtail.models import Page

    from samenaanpak.forum.models import ForumPage

    home = Page.objects.get(depth=2)
    home.add_child(instance=ForumPage(title="Vrijplaats", slug="vrijplaats"))
    post = mod_post(kind=REPORTED)
    html = client.get(reverse("forum_admin:queue")).content.decode()
    assert f'href="/vrijplaats/bericht/{post.pk}/"' in html
    moderation.remove(post, moderator, "huisregels")
    (mail,) = OutgoingEmail.objects.all()
    assert settings.SITE_URL.rstrip("/") + "/vrijplaats/huisregels/" in mail.body


@pytest.mark.django_db
def test_a_mistaken_removal_is_undone_from_the_queue_or_the_member_page(client, moderator):
    post = mod_post(kind=REPORTED, text="Toch een goed bericht")
    moderation.remove(post, moderator, "spam")
    html = client.get(reverse("forum_admin:queue")).content.decode()
    assert "Recent verwijderd" in html and "Toch een goed bericht" in html
    url = reverse("forum_admin:restore", args=[post.pk])
    response = client.post(url, {"expected": "verwijderd"})
    assert response.status_code == 302 and response["Location"] == reverse("forum_admin:queue")
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    assert "herzien" in OutgoingEmail.objects.order_by("pk").last().body
    response = client.post(url, {"expected": "verwijderd"})  # a second moderator, too late
    assert "Iemand anders heeft hierover" in followed_messages(client, response)
    assert ModerationLog.objects.filter(action="hersteld").count() == 1

    moderation.hide(post, moderator, "pesten")
    member_url = reverse("forum_admin:member", args=[post.author_id])
    assert 'name="expected" value="verborgen"' in client.get(member_url).content.decode()
    response = client.post(url, {"expected": "verborgen", "next": member_url})
    assert response["Location"] == member_url
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    response = client.post(url, {"expected": "verborgen", "next": "https://elders.example/"})
    assert response["Location"] == reverse("forum_admin:queue")
