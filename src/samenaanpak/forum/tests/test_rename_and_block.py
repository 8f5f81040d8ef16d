"""Renaming is limited (once per 30 days), logged, and impossible while blocked; a blocked member
cannot report or thank, but may still withdraw own posts and mute."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.participation.tests.helpers import form_data

from .. import posting
from ..forms import clean_pseudonym
from ..models import Member, ModerationLog, Mute, PostReport, Thanks
from ..services import Refused
from ..status import ModerationAction, PostStatus, Reason
from .factories import MemberFactory, moderator, place, public_thread

pytestmark = pytest.mark.django_db

# --- renaming --------------------------------------------------------------------------------------


def _blocked(**fields):
    return MemberFactory(
        trusted=True,
        blocked_until=timezone.now() + datetime.timedelta(days=3),
        block_reason="Drie waarschuwingen",
        **fields,
    )


def test_a_blocked_member_cannot_rename(client, forum, verified_login):
    member = _blocked(pseudonym="Stoorzender")
    verified_login(client, member.user)
    response = client.post("/vrijplaats/instellingen/", form_data(pseudonym="Rustig_nu"))
    assert response.status_code == 400
    assert "geblokkeerd tot" in response.content.decode()
    member.refresh_from_db()
    assert member.pseudonym == "Stoorzender"
    assert not ModerationLog.objects.filter(action=ModerationAction.RENAME).exists()
    # and posing as staff is refused before that
    response = client.post("/vrijplaats/instellingen/", form_data(pseudonym="Moderator"))
    assert response.status_code == 400


def test_renaming_once_per_30_days_and_logged(client, forum, verified_login):
    member = MemberFactory(pseudonym="Eerste_naam")
    verified_login(client, member.user)
    response = client.post("/vrijplaats/instellingen/", form_data(pseudonym="Tweede_naam"))
    assert response.status_code == 200 and "Je schuilnaam is aangepast" in response.content.decode()
    member.refresh_from_db()
    assert member.pseudonym == "Tweede_naam" and member.pseudonym_key == "tweedenaam"
    entry = ModerationLog.objects.get(action=ModerationAction.RENAME)
    assert entry.member == member and entry.moderator is None
    assert entry.note == "Eerste_naam → Tweede_naam"

    response = client.post("/vrijplaats/instellingen/", form_data(pseudonym="Derde_naam"))
    page = response.content.decode()
    assert response.status_code == 400 and "één keer per 30 dagen" in page
    again = timezone.localtime(member.renamed_at + datetime.timedelta(days=30))
    assert again.strftime("%d-%m-%Y") in page
    member.refresh_from_db()
    assert member.pseudonym == "Tweede_naam"

    # saving the same name again is no rename
    posting.rename(member, "Tweede_naam")
    later = member.renamed_at + datetime.timedelta(days=30, minutes=1)
    posting.rename(member, "Derde_naam", now=later)
    member.refresh_from_db()
    assert member.pseudonym == "Derde_naam"
    assert ModerationLog.objects.filter(action=ModerationAction.RENAME).count() == 2


def test_a_moderator_keeps_own_reserved_name_on_rename():
    staff = moderator()
    posting.rename(staff, clean_pseudonym("Moderator_Anna", staff, staff=True))
    assert Member.objects.get(pk=staff.pk).pseudonym == "Moderator_Anna"


# --- what a blocked member may still do ------------------------------------------------------------


def test_a_blocked_member_cannot_report_or_thank_but_may_withdraw_mute_and_worry(forum):
    thread = public_thread(category=forum)
    other = MemberFactory(trusted=True)
    post = place(thread, other, "Van iemand anders")
    member = _blocked()
    own = place(thread, member, "Van mij")
    with pytest.raises(Refused) as caught:
        posting.report(member, post, Reason.BULLYING)
    assert caught.value.code == "blocked" and "geblokkeerd tot" in caught.value.message
    with pytest.raises(Refused) as caught:
        posting.toggle_thanks(member, post)
    assert caught.value.code == "blocked"
    assert not PostReport.objects.exists() and not Thanks.objects.exists()
    posting.withdraw(member, own)
    own.refresh_from_db()
    assert own.status == PostStatus.WITHDRAWN
    posting.mute(member, other)
    assert Mute.objects.filter(member=member, muted=other).exists()
    # Worry about someone is a safety channel that a block does not close.
    posting.report(member, post, Reason.WORRIED)
    assert PostReport.objects.filter(reporter=member, reason=Reason.WORRIED).count() == 1


def test_a_blocked_member_sees_why_on_the_report_and_thanks_screens(client, forum, verified_login):
    thread = public_thread(category=forum)
    post = place(thread, MemberFactory(trusted=True), "Van iemand anders")
    member = _blocked()
    verified_login(client, member.user)
    response = client.get(f"/vrijplaats/bericht/{post.pk}/melden/")
    page = response.content.decode()
    # Only "Ik maak me zorgen" is offered: the one report a block leaves open.
    assert response.status_code == 200 and "Je account is geblokkeerd" in page
    assert 'value="zorgen"' in page and 'value="pesten"' not in page
    response = client.post(
        f"/vrijplaats/bericht/{post.pk}/melden/", form_data(reason="pesten", note="")
    )
    assert response.status_code == 400 and not PostReport.objects.exists()
    response = client.post(f"/vrijplaats/bericht/{post.pk}/bedankt/")
    assert response.status_code == 403 and "Bedanken kan weer" in response.content.decode()
