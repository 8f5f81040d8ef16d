"""Reports: weights, the hiding threshold, "ik maak me zorgen", once per member, not one's own."""

import pytest

from samenaanpak.core.models import OutgoingEmail

from .. import posting
from ..models import ModerationLog, PostReport, QueueItem
from ..services import Refused
from ..status import ModerationAction, PostStatus, QueueKind, Reason
from .factories import MemberFactory, moderator, place, professional, public_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(forum):
    thread = public_thread(category=forum)
    return place(thread, MemberFactory(trusted=True), "Jij bent echt dom.")


def test_three_trusted_reports_hide_the_post_and_tell_the_author(
    post, settings, django_capture_on_commit_callbacks
):
    settings.FORUM_HIDE_AFTER_REPORTS = 3
    for reason in (Reason.BULLYING, Reason.BULLYING):
        posting.report(MemberFactory(trusted=True), post, reason)
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    assert QueueItem.objects.get(post=post, looked_at=None).kind == QueueKind.REPORTED
    with django_capture_on_commit_callbacks(execute=True):
        posting.report(MemberFactory(trusted=True), post, Reason.SPAM)
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
    assert post.state.reason == Reason.BULLYING  # the most common reason
    assert ModerationLog.objects.filter(action=ModerationAction.AUTO_HIDE, post=post).exists()
    assert QueueItem.objects.filter(post=post, looked_at=None).count() == 1
    sent = OutgoingEmail.objects.get(to=post.author.user.email)
    assert "verborgen" in sent.subject and "Pesten of kwetsend" in sent.body
    assert f"/vrijplaats/bericht/{post.pk}/" in sent.body


@pytest.mark.parametrize("who", [professional, moderator])
def test_one_report_of_a_hulpverlener_or_moderator_hides(post, who):
    posting.report(who(), post, Reason.DEALING)
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN


def test_new_accounts_reports_are_counted_but_do_not_hide(post):
    for _n in range(5):
        posting.report(MemberFactory(), post, Reason.BULLYING)
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    assert PostReport.objects.filter(post=post, counts=False).count() == 5
    assert QueueItem.objects.get(post=post, looked_at=None).kind == QueueKind.REPORTED


def test_worried_goes_to_the_top_of_the_queue_and_never_hides(post):
    other = public_thread(category=post.thread.category)
    earlier = place(other, MemberFactory(trusted=True), "Ouder")
    posting.report(MemberFactory(trusted=True), earlier, Reason.SPAM)
    for _n in range(3):
        posting.report(moderator(), post, Reason.WORRIED)
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    from ..queue import open_items

    first = open_items().first()
    assert first.post_id == post.pk and first.urgent and first.kind == QueueKind.CRISIS


def test_twice_and_own_post_are_refused(post):
    reporter = MemberFactory(trusted=True)
    posting.report(reporter, post, Reason.SPAM)
    with pytest.raises(Refused) as twice:
        posting.report(reporter, post, Reason.SPAM)
    assert twice.value.code == "twice"
    with pytest.raises(Refused) as own:
        posting.report(post.author, post, Reason.SPAM)
    assert own.value.code == "own"


def test_report_screen_says_already_reported_and_own(client, post, forum):
    from samenaanpak.participation.tests.helpers import form_data

    reporter = MemberFactory(trusted=True)
    client.force_login(reporter.user)
    url = f"/vrijplaats/bericht/{post.pk}/melden/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(reason="zorgen", note="Ik maak me zorgen"))
    assert "Bedankt dat je je zorgen meldt" in response.content.decode()
    again = client.post(url, form_data(reason="spam"))
    assert again.status_code == 409 and "al gemeld" in again.content.decode()
    client.force_login(post.author.user)
    assert client.get(url).status_code == 403


def test_the_author_of_a_hidden_post_edits_once_to_ask_for_review(client, post, forum):
    from samenaanpak.participation.tests.helpers import form_data

    posting.report(moderator(), post, Reason.BULLYING)
    client.force_login(post.author.user)
    page = client.get(f"/vrijplaats/onderwerp/{post.thread_id}/").content.decode()
    assert "Pas aan en vraag om herbeoordeling" in page and "Pesten of kwetsend" in page
    response = client.post(
        f"/vrijplaats/bericht/{post.pk}/bewerken/", form_data(text="Sorry, dat was niet aardig.")
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.review_requested_at is not None and post.status == PostStatus.HIDDEN
    assert QueueItem.objects.get(post=post, looked_at=None).kind in (
        QueueKind.HIDDEN,
        QueueKind.REVIEW,
    )
    again = client.post(f"/vrijplaats/bericht/{post.pk}/bewerken/", form_data(text="Nog eens"))
    assert again.status_code == 403
    # Others see no text of the hidden post.
    client.force_login(MemberFactory().user)
    assert (
        "Sorry, dat was"
        not in client.get(f"/vrijplaats/onderwerp/{post.thread_id}/").content.decode()
    )
