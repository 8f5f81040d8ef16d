"""The moderators' queue and decisions, the mails they cause, and the throttled mail to moderators."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samenaanpak.core import scheduler
from samenaanpak.core.models import OutgoingEmail, ThrottleCounter
from samenaanpak.notifications.models import Follow
from samenaanpak.participation import moderation
from samenaanpak.participation.models import CommentEvent, CommentReport, IdeaEvent
from samenaanpak.participation.status import CommentStatus, IdeaStatus, ReportReason

from .backoffice import hidden_comment, idea, public_account, staff


@pytest.fixture
def moderator(nijkerk, client, verified_login):
    user = staff("moderator", "Moderator")
    verified_login(client, user)
    return user


def _decide_idea(client, target, decision, reason=""):
    return client.post(
        reverse("participation_admin:decide_idea", args=[target.pk]),
        {f"idee-{target.pk}-decision": decision, f"idee-{target.pk}-reason": reason},
    )


def _decide_comment(client, comment, decision, reason=""):
    return client.post(
        reverse("participation_admin:decide_comment", args=[comment.pk]),
        {f"reactie-{comment.pk}-decision": decision, f"reactie-{comment.pk}-reason": reason},
    )


@pytest.mark.django_db
def test_publishing_a_first_idea_approves_the_author_and_mails_them_over_smtp(
    client, moderator, smtp, django_capture_on_commit_callbacks
):
    author = public_account("nieuw")
    assert not author.profile.is_established()
    target = idea(author)
    with django_capture_on_commit_callbacks(execute=True):  # the worker sends the outbox
        response = _decide_idea(client, target, "plaatsen")
    assert response.status_code == 302 and response["Location"] == reverse(
        "participation_admin:queue"
    )
    target.refresh_from_db()
    author.profile.refresh_from_db()
    assert target.status == IdeaStatus.RECEIVED and target.published_at is not None
    assert target.state.author == moderator
    assert author.profile.approved_at is not None and author.profile.is_established()
    assert target.topic is not None
    assert Follow.objects.get(topic=target.topic, subscriber__user=author).source == "eigen"
    (message,) = smtp.inbox.messages
    assert message["To"] == author.email and message["Subject"] == "Uw idee staat op de site"
    assert "Meer jongerenwerk" in message.get_payload(decode=True).decode()
    assert "List-Unsubscribe" not in message  # a service mail, not a bulk mail
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    # A second moderator who had the same queue open: a message, not a second step.
    response = _decide_idea(client, target, "weigeren", "Te laat.")
    assert response.status_code == 302
    assert IdeaEvent.objects.filter(idea=target).count() == 2
    followed = client.get(response["Location"]).content.decode()
    assert "Iemand anders heeft hierover intussen al besloten" in followed


@pytest.mark.django_db
def test_refusing_needs_a_reason_that_the_author_is_told(client, moderator):
    author = public_account("nieuw")
    target = idea(author, title="Iets met een <script>")
    response = _decide_idea(client, target, "weigeren", "   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Fout:" in html and "Geef een reden" in html
    assert f'href="#id_idee-{target.pk}-reason"' in html  # the summary links to the field
    assert "Iets met een &lt;script&gt;" in html  # shown as text
    target.refresh_from_db()
    assert target.status == IdeaStatus.WAITING and not OutgoingEmail.objects.exists()
    response = _decide_idea(client, target, "weigeren", "Dit gaat over een persoon.")
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == IdeaStatus.REJECTED and target.published_at is None
    assert target.state.note == "Dit gaat over een persoon."
    (mail,) = OutgoingEmail.objects.all()
    assert mail.to == author.email and "Dit gaat over een persoon." in mail.body
    assert author.profile.approved_at is None


@pytest.mark.django_db
def test_the_queue_lists_waiting_items_oldest_first_with_their_reports(client, moderator):
    author = public_account("schrijver", established=True)
    reporters = [public_account(f"melder{i}", established=True) for i in range(3)]
    first, second = idea(author, title="Eerste idee"), idea(author, title="Tweede idee")
    on = idea(author, status=IdeaStatus.RECEIVED, title="Gepubliceerd idee")
    comment = hidden_comment(on, author, reporters[:2], reason=ReportReason.SPAM)
    CommentReport.objects.create(
        comment=comment, reporter=reporters[2], reason=ReportReason.OFFENSIVE, note="Scheldwoord"
    )
    html = client.get(reverse("participation_admin:queue")).content.decode()
    assert html.index("Eerste idee") < html.index("Tweede idee")
    assert "Gepubliceerd idee" in html  # only as the idea the comment belongs to
    assert "3 meldingen" in html and "Spam (2)" in html and "Kwetsend (1)" in html
    assert "Scheldwoord" in html and "Een nare reactie." in html
    assert author.email not in html
    # The most common reason is chosen for removal in advance.
    assert '<option value="spam" selected>' in html
    assert second.pk and first.pk


@pytest.mark.django_db
def test_restore_and_remove_comments(client, moderator):
    author = public_account("schrijver", established=True)
    reporter = public_account("melder", established=True)
    on = idea(author, status=IdeaStatus.RECEIVED)
    restored = hidden_comment(on, author, [reporter])
    assert _decide_comment(client, restored, "terugzetten").status_code == 302
    restored.refresh_from_db()
    assert restored.status == CommentStatus.VISIBLE
    assert not CommentReport.objects.filter(comment=restored, handled_at__isnull=True).exists()
    assert not OutgoingEmail.objects.exists()

    removed = hidden_comment(on, author, [reporter])
    response = _decide_comment(client, removed, "verwijderen", "")
    assert response.status_code == 400 and "Kies de reden" in response.content.decode()
    response = _decide_comment(client, removed, "verwijderen", "nonsens")
    assert response.status_code == 400
    assert _decide_comment(client, removed, "verwijderen", "persoonsgegevens").status_code == 302
    removed.refresh_from_db()
    assert removed.status == CommentStatus.REMOVED
    assert CommentEvent.objects.filter(comment=removed).first().reason == "persoonsgegevens"
    (mail,) = OutgoingEmail.objects.all()
    assert mail.to == author.email and "Persoonsgegevens" in mail.body
    assert "Een nare reactie." not in mail.body


@pytest.mark.django_db
def test_moderators_are_mailed_at_most_once_per_interval_and_only_when_something_waits(
    nijkerk, settings
):
    settings.MODERATOR_MAIL_INTERVAL_HOURS = 4
    mods = [staff("moderator1", "Moderator"), staff("moderator2", "Moderator")]
    staff("lid-preventie", "Denktank Preventie")
    assert moderation.notify_moderators() == 0  # nothing waits: no mail, no claim
    author = public_account("nieuw")
    target = idea(author, title="Geheim idee")
    assert moderation.notify_moderators() == 2
    mails = list(OutgoingEmail.objects.filter(purpose="moderatie"))
    assert sorted(m.to for m in mails) == sorted(u.email for u in mods)
    body = mails[0].body
    assert settings.SITE_URL + reverse("participation_admin:queue") in body
    assert "Geheim idee" not in body and author.email not in body
    idea(author, title="Nog een")
    assert moderation.notify_moderators() == 0  # within the interval
    assert "0 moderator mail(s)" in " ".join(scheduler.every_minute())
    # Four hours later, something still waits.
    ThrottleCounter.objects.filter(key__contains=moderation.MAIL_CLAIM_KEY).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert moderation.notify_moderators() == 2
    assert OutgoingEmail.objects.filter(purpose="moderatie").count() == 4
    assert target.pk


@pytest.mark.django_db
def test_a_moderator_added_later_is_mailed_at_once_not_hours_later(nijkerk, settings):
    """Found walking a fresh site: ideas waited before anyone was in the group Moderator; the
    minute job claimed the interval with nobody to mail, and the first moderator heard nothing
    for MODERATOR_MAIL_INTERVAL_HOURS."""
    settings.MODERATOR_MAIL_INTERVAL_HOURS = 4
    idea(public_account("nieuw"), title="Wacht al")
    assert moderation.notify_moderators() == 0  # nobody to mail: nothing claimed
    mod = staff("moderator1", "Moderator")
    assert moderation.notify_moderators() == 1
    assert OutgoingEmail.objects.get(purpose="moderatie").to == mod.email
    assert moderation.notify_moderators() == 0  # and then once per interval


@pytest.mark.django_db
def test_a_failed_moderator_mail_does_not_hold_the_interval(nijkerk, monkeypatch):
    staff("moderator1", "Moderator")
    idea(public_account("nieuw"), title="Wacht al")

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(moderation, "queue_email", broken)
    with pytest.raises(RuntimeError):
        moderation.notify_moderators()
    monkeypatch.undo()
    assert moderation.notify_moderators() == 1  # the next minute tries again


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_for_few_and_many_items(client, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = public_account("schrijver", established=True)
    reporters = [public_account(f"melder{i}", established=True) for i in range(3)]
    on = idea(author, status=IdeaStatus.RECEIVED, title="Gepubliceerd idee")

    def add(n):
        from samenaanpak.participation import services

        for i in range(n):
            idea(author, title=f"Wachtend {i}")
            hidden_comment(on, author, reporters)
            reported = services.add_comment(on, author, f"Gemeld {i}")
            services.report_comment(reported, reporters[0], "spam", "Reclame")
            moderation.reject_idea(idea(author, title=f"Geweigerd {i}"), None, "Dubbel.")
            moderation.remove_comment(services.add_comment(on, author, f"Weg {i}"), None, "spam")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("participation_admin:queue")).status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(10)
    assert count() == few


@pytest.mark.django_db
def test_the_number_of_reactions_counts_only_visible_comments(client, moderator):
    from samenaanpak.participation import services
    from samenaanpak.participation.models import Idea

    author = public_account("schrijver", established=True)
    on = idea(author, status=IdeaStatus.RECEIVED)
    services.add_comment(on, author, "Goed idee.")
    nasty = services.add_comment(on, author, "Een nare reactie.")

    def count():
        return Idea.objects.get(pk=on.pk).comment_count

    assert count() == 2
    for name in ("een", "twee", "drie")[: services.HIDE_AFTER_REPORTS]:
        services.report_comment(nasty, public_account(name, established=True), "kwetsend")
    nasty.refresh_from_db()
    assert nasty.status == CommentStatus.HIDDEN and count() == 1
    assert _decide_comment(client, nasty, "terugzetten").status_code == 302
    assert count() == 2
    services.report_comment(nasty, moderator, "kwetsend")  # a moderator's report hides at once
    assert count() == 1
    assert _decide_comment(client, nasty, "verwijderen", "kwetsend").status_code == 302
    assert count() == 1


# --- undoing a decision ------------------------------------------------------------------------


def _undo(client, kind, target, choice):
    return client.post(
        reverse(f"participation_admin:undo_{kind}", args=[target.pk]), {"besluit": choice}
    )


@pytest.mark.django_db
def test_a_refused_idea_goes_back_to_the_queue_or_is_placed_after_all(client, moderator):
    author = public_account("nieuw")
    target = idea(author, title="Per ongeluk geweigerd")
    assert _decide_idea(client, target, "weigeren", "Lijkt op reclame.").status_code == 302
    undo_url = reverse("participation_admin:undo_idea", args=[target.pk])
    queue = client.get(reverse("participation_admin:queue")).content.decode()
    recent = queue[queue.index('id="recent-beslist"') :]
    assert "Per ongeluk geweigerd" in recent and "Lijkt op reclame." in recent
    assert f'href="{undo_url}"' in recent
    # The confirm step: what was decided, by whom, and what each choice does.
    confirm = client.get(undo_url)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Lijkt op reclame." in html
    assert "Alsnog plaatsen" in html and "Terug in de wachtrij" in html
    assert client.post(undo_url, {"besluit": "onzin"}).status_code == 400
    target.refresh_from_db()
    assert target.status == IdeaStatus.REJECTED

    assert _undo(client, "idea", target, "wachtrij").status_code == 302
    target.refresh_from_db()
    assert target.status == IdeaStatus.WAITING and target.state.author == moderator
    steps = list(IdeaEvent.objects.filter(idea=target).order_by("created_at", "pk"))
    assert [e.status for e in steps] == ["wacht", "afgewezen", "wacht"]  # the refusal is kept
    assert steps[1].note == "Lijkt op reclame."
    told = OutgoingEmail.objects.filter(to=author.email).order_by("pk").last()
    assert told.subject == "Uw idee wordt opnieuw bekeken" and "Per ongeluk" in told.body
    queue = client.get(reverse("participation_admin:queue")).content.decode()
    assert queue.index("Per ongeluk geweigerd") < queue.index('id="recent-beslist"')
    # Undoing again is overtaken: a message, nothing stored.
    assert client.get(undo_url)["Location"] == reverse("participation_admin:queue")
    followed = client.get(_undo(client, "idea", target, "plaatsen")["Location"])
    assert "Iemand anders heeft hierover intussen al besloten" in followed.content.decode()
    assert IdeaEvent.objects.filter(idea=target).count() == 3

    # Refused once more, then placed after all: public, followed, the author told.
    _decide_idea(client, target, "weigeren", "Toch niet.")
    assert _undo(client, "idea", target, "plaatsen").status_code == 302
    target.refresh_from_db()
    author.profile.refresh_from_db()
    assert target.status == IdeaStatus.RECEIVED and target.published_at is not None
    assert target.topic is not None and author.profile.approved_at is not None
    placed = OutgoingEmail.objects.filter(to=author.email).order_by("pk").last()
    assert placed.subject == "Uw idee staat op de site" and "herzien" in placed.body
    assert IdeaEvent.objects.filter(idea=target).count() == 5


@pytest.mark.django_db
def test_a_removed_comment_is_restored_after_a_confirm_step(client, moderator):
    from samenaanpak.participation.models import Idea

    author = public_account("schrijver", established=True)
    on = idea(author, status=IdeaStatus.RECEIVED)
    comment = hidden_comment(on, author, [public_account("melder", established=True)])
    assert _decide_comment(client, comment, "verwijderen", "spam").status_code == 302
    assert Idea.objects.get(pk=on.pk).comment_count == 0
    undo_url = reverse("participation_admin:undo_comment", args=[comment.pk])
    queue = client.get(reverse("participation_admin:queue")).content.decode()
    recent = queue[queue.index('id="recent-beslist"') :]
    assert "Een nare reactie." in recent and "Spam" in recent and undo_url in recent
    html = client.get(undo_url).content.decode()
    assert "Reactie terugzetten" in html and "Spam" in html
    assert _undo(client, "comment", comment, "terugzetten").status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE and comment.state.author == moderator
    assert [e.status for e in CommentEvent.objects.filter(comment=comment).order_by("pk")] == [
        "zichtbaar",
        "verborgen",
        "verwijderd",
        "zichtbaar",
    ]
    assert Idea.objects.get(pk=on.pk).comment_count == 1
    told = OutgoingEmail.objects.filter(to=author.email).order_by("pk").last()
    assert told.subject == "Uw reactie staat weer op de site"
    assert "Een nare reactie." not in told.body  # mails quote reasons, never the comment
    queue = client.get(reverse("participation_admin:queue")).content.decode()
    assert undo_url not in queue and "Nog geen besluiten om te herzien." in queue


# --- reported comments that are still visible --------------------------------------------------


def _report_on_screen(comment, reporter, reason, note=""):
    """A resident reports the comment through the public report form."""
    from django.test import Client

    from .helpers import form_data

    resident = Client()
    resident.force_login(reporter)
    response = resident.post(
        f"/denk-mee/reactie/{comment.pk}/melden/", form_data(reason=reason, note=note)
    )
    assert response.status_code == 200 and "gemeld" in response.content.decode()


def _decide_reported(client, comment, decision, reason=""):
    return client.post(
        reverse("participation_admin:decide_reported", args=[comment.pk]),
        {f"gemeld-{comment.pk}-decision": decision, f"gemeld-{comment.pk}-reason": reason},
    )


@pytest.mark.django_db
def test_reported_comments_below_the_threshold_wait_for_a_moderator(client, moderator):
    from samenaanpak.participation import services
    from samenaanpak.participation.models import Comment, Idea

    author = public_account("schrijver", established=True)
    on = idea(author, status=IdeaStatus.RECEIVED, title="Idee met gemelde reactie")
    comment = services.add_comment(on, author, "Een twijfelachtige reactie.")
    _report_on_screen(comment, public_account("melder1", established=True), "spam")
    _report_on_screen(comment, public_account("melder2", established=True), "spam")
    _report_on_screen(comment, public_account("nieuwkomer"), "kwetsend", "Vervelende toon")
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.VISIBLE  # below 3 counting

    queue = client.get(reverse("participation_admin:queue")).content.decode()
    section = queue[queue.index('id="gemeld"') : queue.index('id="recent-beslist"')]
    assert "1 gemelde reactie, nog zichtbaar" in section
    assert "Een twijfelachtige reactie." in section and "Vervelende toon" in section
    assert "3 meldingen" in section and "2 van vaste deelnemers" in section
    assert "Spam (2)" in section and "Kwetsend (1)" in section
    assert '<option value="spam" selected>' in section
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 zichtbare reactie is gemeld." in home

    # The reports did not hold: handled, the comment stays, nobody is mailed, no history row.
    assert _decide_reported(client, comment, "afhandelen").status_code == 302
    assert not CommentReport.objects.filter(comment=comment, handled_at__isnull=True).exists()
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.VISIBLE
    assert CommentEvent.objects.filter(comment=comment).count() == 1
    assert not OutgoingEmail.objects.filter(to=author.email).exists()
    queue = client.get(reverse("participation_admin:queue")).content.decode()
    assert "Een twijfelachtige reactie." not in queue

    # A later report counts afresh; this time the moderator removes it, with a reason.
    _report_on_screen(comment, public_account("melder3", established=True), "kwetsend")
    queue = client.get(reverse("participation_admin:queue")).content.decode()
    assert "Een twijfelachtige reactie." in queue and "1 melding" in queue
    response = _decide_reported(client, comment, "verwijderen", "")
    assert response.status_code == 400 and "Kies de reden" in response.content.decode()
    assert f'href="#id_gemeld-{comment.pk}-reason"' in response.content.decode()
    assert _decide_reported(client, comment, "verwijderen", "kwetsend").status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED and comment.state.author == moderator
    assert Idea.objects.get(pk=on.pk).comment_count == 0
    (mail,) = OutgoingEmail.objects.filter(to=author.email)
    assert mail.subject == "Uw reactie is verwijderd" and "Kwetsend" in mail.body
    # A colleague's stale "afhandelen" after the removal: a message, nothing changes.
    followed = client.get(_decide_reported(client, comment, "afhandelen")["Location"])
    assert "Iemand anders heeft hierover intussen al besloten" in followed.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.REMOVED
