"""Writing in the vrijplaats through its screens: bad input, the screening, the crisis flow,
where a post lands, the author's own view, thanks, mutes, editing, deleting, following."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.accounts.tests.factories import public_account
from samenaanpak.notifications.models import Follow
from samenaanpak.participation.tests.helpers import form_data

from .. import posting, trust
from ..models import Member, Post, StaffedPeriod, Thread, WatchedWord
from ..queue import open_items
from ..status import HoldReason, PostStatus, QueueKind
from .factories import MemberFactory, place, professional, public_thread

pytestmark = pytest.mark.django_db
NEW = "/vrijplaats/praat-erover/nieuw/"


def _html(response):
    return response.content.decode()


@pytest.fixture
def trusted(client, forum):
    member = MemberFactory(trusted=True)
    client.force_login(member.user)
    return member


# --- bad input -------------------------------------------------------------------------------------


def test_empty_and_huge_posts_come_back_with_dutch_errors_and_the_text_kept(client, trusted):
    response = client.post(NEW, form_data(title="Een titel", text=""))
    assert response.status_code == 400 and "Je bericht is nog leeg" in _html(response)
    assert 'value="Een titel"' in _html(response)
    huge = "a" * 5001
    response = client.post(NEW, form_data(title="x" * 121, text=huge))
    page = _html(response)
    assert response.status_code == 400
    assert "maximaal 5000 tekens (nu 5001)" in page and "maximaal 120 tekens" in page
    assert huge in page
    assert not Post.objects.filter(author=trusted).exists()


def test_html_and_script_are_shown_as_text(client, trusted):
    text = '<script>alert("hoi")</script> <b>vet</b>'
    response = client.post(NEW, form_data(title="<i>titel</i>", text=text))
    thread = Thread.objects.get(author=trusted)
    page = _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    assert response.status_code == 302
    assert "&lt;script&gt;alert(&quot;hoi&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "&lt;i&gt;titel&lt;/i&gt;" in page


@pytest.mark.parametrize(
    "text",
    [
        "Bel me 06 12 34 56 78",
        "app me: 0 6 . 1 2 . 3 4 . 5 6 . 7 8",
        "mail naar sanne@example.nl",
        "sanne (at) example . nl",
        "nul zes een twee drie vier vijf zes zeven acht",
        "volg me, mijn insta is @sanne.x",
    ],
)
def test_contact_details_are_refused_with_the_text_kept(client, trusted, text):
    response = client.post(NEW, form_data(title="Contact", text=text))
    page = _html(response)
    assert response.status_code == 400 and "contactgegevens" in page
    assert text.replace("&", "&amp;") in page.replace("&#x27;", "'")
    assert not Post.objects.filter(author=trusted).exists()


def test_a_blocked_member_is_told_until_when_and_why(client, forum):
    member = MemberFactory(
        trusted=True,
        blocked_until=timezone.now() + datetime.timedelta(days=2),
        block_reason="Drie waarschuwingen",
    )
    client.force_login(member.user)
    assert "Drie waarschuwingen" in _html(client.get(NEW))
    response = client.post(NEW, form_data(title="Hoi", text="Mag ik weer?"))
    assert response.status_code == 403 and "geblokkeerd tot" in _html(response)
    assert "Mag ik weer?" in _html(response)


def test_the_daily_limit(client, forum):
    member = MemberFactory()  # a new account: NEW_DAILY_POSTS a day
    client.force_login(member.user)
    thread = public_thread(category=forum)
    for n in range(trust.NEW_DAILY_POSTS):
        place(thread, member, f"bericht {n}", status=PostStatus.WAITING)
    response = client.post(
        f"/vrijplaats/onderwerp/{thread.pk}/reageren/", form_data(text="Nog eentje")
    )
    assert response.status_code == 403 and "Morgen kun je weer verder" in _html(response)
    assert "Nog eentje" in _html(response)


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Zie https://voorbeeld.nl", True),
        ("Kijk op www.jongerenwerk", True),
        ("Het staat op jouwweb.nl", True),
        ("Ik ben klaar. Me too", False),
        ("Om 3.15 uur begint het", False),
    ],
)
def test_a_new_account_may_not_link(client, forum, text, link):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post(NEW, form_data(title="Tip", text=text))
    assert ("Links plaatsen kan nog niet" in _html(response)) is link
    assert response.status_code == (400 if link else 302)


# --- where a post lands ----------------------------------------------------------------------------


def test_a_new_account_waits_and_only_the_author_sees_it(client, forum):
    member = MemberFactory()
    client.force_login(member.user)
    thread = public_thread(category=forum)
    client.post(f"/vrijplaats/onderwerp/{thread.pk}/reageren/", form_data(text="Mijn eerste"))
    post = Post.objects.get(author=member)
    assert post.status == PostStatus.WAITING and post.hold_reason == HoldReason.NEW_ACCOUNT
    assert open_items().get(post=post).kind == QueueKind.HELD
    page = _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    assert "Mijn eerste" in page and "Wacht op een moderator" in page
    client.force_login(MemberFactory().user)
    assert "Mijn eerste" not in _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    client.logout()
    assert "Mijn eerste" not in _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))


def test_outside_staffed_hours_a_new_account_waits_and_the_page_says_when(client, forum):
    StaffedPeriod.objects.all().delete()
    now = timezone.localtime(timezone.now(), trust.AMSTERDAM)
    tomorrow = (now + datetime.timedelta(days=1)).weekday()
    StaffedPeriod.objects.create(weekday=tomorrow, starts=datetime.time(15), ends=datetime.time(21))
    member = MemberFactory(approved_posts=trust.FIRST_POSTS_HELD)
    client.force_login(member.user)
    assert "De volgende kijkt vanaf" in _html(client.get("/vrijplaats/"))
    client.post(NEW, form_data(title="Laat", text="Nog iemand wakker?"))
    post = Post.objects.get(author=member)
    assert post.status == PostStatus.WAITING and post.hold_reason == HoldReason.OFF_HOURS
    # A trusted account is placed at once.
    other = MemberFactory(trusted=True)
    client.force_login(other.user)
    client.post(NEW, form_data(title="Ook laat", text="Ik wel"))
    assert Post.objects.get(author=other).status == PostStatus.VISIBLE


def test_a_watched_word_holds_the_post(client, trusted):
    WatchedWord.objects.get_or_create(kind=WatchedWord.Kind.HOLD, phrase="xtc te koop")
    client.post(NEW, form_data(title="Feest", text="Wie heeft er XTC te koop zaterdag?"))
    post = Post.objects.get(author=trusted)
    assert post.status == PostStatus.WAITING and post.hold_reason == HoldReason.WATCHED_WORD
    assert open_items().get(post=post).kind == QueueKind.HELD


def test_a_hulpverlener_answer_gets_a_badge_and_ends_the_wait(client, ask, verified_login):
    thread = public_thread(category=ask, title="Een vraag")
    thread.refresh_from_db()
    assert thread.awaits_professional
    assert "Wacht nog op een hulpverlener" in _html(
        client.get("/vrijplaats/vraag-het-een-hulpverlener/")
    )
    helper = professional()
    verified_login(client, helper.user)
    client.post(f"/vrijplaats/onderwerp/{thread.pk}/reageren/", form_data(text="Goede vraag!"))
    thread.refresh_from_db()
    assert not thread.awaits_professional and thread.reply_count == 1
    page = _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    assert '<span class="sa-badge">Hulpverlener</span>' in page


# --- the crisis flow -------------------------------------------------------------------------------


def test_crisis_words_show_help_first_and_store_nothing_then_place_urgently(client, trusted):
    from ..queue import enqueue

    other = public_thread()
    enqueue(place(other, MemberFactory(trusted=True), "ouder"), QueueKind.REPORTED)
    data = form_data(title="Het gaat niet", text="Ik denk aan zelfmoord.", follow="on")
    response = client.post(NEW, data)
    page = _html(response)
    assert response.status_code == 200
    assert "0800-0113" in page and "0800-0432" in page and "113.nl" in page
    assert "Ik denk aan zelfmoord." in page and "Plaats mijn bericht" in page
    assert "Eerst hulp zoeken" in page
    assert not Post.objects.filter(author=trusted).exists()
    # A forged confirmation is not enough.
    assert client.post(NEW, {**data, "confirmed": "nep"}).status_code == 200
    assert not Post.objects.filter(author=trusted).exists()
    token = page.split('name="confirmed" value="')[1].split('"')[0]
    response = client.post(NEW, {**data, "confirmed": token})
    assert response.status_code == 302
    post = Post.objects.get(author=trusted)
    assert post.status == PostStatus.VISIBLE and post.urgent
    first = open_items().first()
    assert first.post_id == post.pk and first.kind == QueueKind.CRISIS and first.urgent


def test_the_crisis_box_is_on_every_page(client, forum):
    thread = public_thread(category=forum)
    for url in (
        "/vrijplaats/",
        "/vrijplaats/huisregels/",
        "/vrijplaats/praat-erover/",
        f"/vrijplaats/onderwerp/{thread.pk}/",
    ):
        page = _html(client.get(url))
        assert "Dit is geen crisisdienst" in page and "0800-0113" in page and "0800-0432" in page


# --- the thread page -------------------------------------------------------------------------------


def test_thanks_toggle_mute_and_removed_placeholders(client, forum):
    thread = public_thread(category=forum)
    loud = MemberFactory(trusted=True, pseudonym="Luidruchtig")
    post = place(thread, loud, "Iets wat je liever niet leest")
    gone = place(thread, loud, "Dit trek ik in")
    posting.withdraw(loud, gone)
    reader = MemberFactory(trusted=True)
    client.force_login(reader.user)
    client.post(f"/vrijplaats/bericht/{post.pk}/bedankt/")
    post.refresh_from_db()
    assert post.thanks_count == 1
    client.post(f"/vrijplaats/bericht/{post.pk}/bedankt/")
    post.refresh_from_db()
    assert post.thanks_count == 0
    client.post(f"/vrijplaats/deelnemer/{loud.pk}/dempen/")
    page = _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))
    assert "Je hebt Luidruchtig gedempt" in page
    assert "Bericht verwijderd." in page and "Dit trek ik in" not in page
    assert "Luidruchtig" in _html(client.get("/vrijplaats/instellingen/"))
    client.post(f"/vrijplaats/deelnemer/{loud.pk}/dempen/", {"opheffen": "1"})
    assert "Je hebt Luidruchtig gedempt" not in _html(
        client.get(f"/vrijplaats/onderwerp/{thread.pk}/")
    )
    # Not one's own post, not oneself.
    client.force_login(loud.user)
    client.post(f"/vrijplaats/bericht/{post.pk}/bedankt/")
    client.post(f"/vrijplaats/deelnemer/{loud.pk}/dempen/")
    post.refresh_from_db()
    assert post.thanks_count == 0 and not loud.mutes.exists()


def test_edit_within_the_window_and_delete_with_confirmation(client, trusted):
    client.post(NEW, form_data(title="Vraag", text="Eerste versie"))
    post = Post.objects.get(author=trusted)
    response = client.post(
        f"/vrijplaats/bericht/{post.pk}/bewerken/", form_data(title="Vraag", text="Tweede versie")
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.text == "Tweede versie" and post.edited_at
    assert "bewerkt" in _html(client.get(f"/vrijplaats/onderwerp/{post.thread_id}/"))
    # The edit is screened again.
    response = client.post(
        f"/vrijplaats/bericht/{post.pk}/bewerken/", form_data(title="Vraag", text="bel 0612345678")
    )
    assert response.status_code == 400
    confirm = client.get(f"/vrijplaats/bericht/{post.pk}/verwijderen/")
    assert "Wil je dit bericht verwijderen?" in _html(confirm)
    client.post(f"/vrijplaats/bericht/{post.pk}/verwijderen/")
    post.refresh_from_db()
    assert post.status == PostStatus.WITHDRAWN


def test_post_link_goes_to_the_right_page(client, forum):
    thread = public_thread(category=forum, replies=25)
    last = Post.objects.filter(thread=thread).order_by("-created_at", "-pk").first()
    response = client.get(f"/vrijplaats/bericht/{last.pk}/")
    assert response["Location"] == f"/vrijplaats/onderwerp/{thread.pk}/?pagina=2#bericht-{last.pk}"


def test_follow_when_posting_and_with_the_button(client, trusted):
    client.post(NEW, form_data(title="Volgen", text="Mail me", follow="on"))
    thread = Thread.objects.get(author=trusted)
    assert Follow.objects.filter(topic=thread.topic, subscriber__user=trusted.user).exists()
    client.post(f"/vrijplaats/onderwerp/{thread.pk}/volgen/", {"stoppen": "1"})
    assert not Follow.objects.filter(topic=thread.topic, subscriber__user=trusted.user).exists()
    client.post(f"/vrijplaats/onderwerp/{thread.pk}/volgen/")
    assert Follow.objects.filter(topic=thread.topic, subscriber__user=trusted.user).exists()


def test_two_identical_posts_at_once_store_one(client, trusted):
    data = form_data(title="Dubbel", text="Twee keer geklikt")
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Post.objects.filter(author=trusted).count() == 1


def test_anonymous_pages_are_cacheable_and_signed_in_ones_private(client, trusted):
    client.logout()
    response = client.get("/vrijplaats/")
    assert "Cookie" in response["Vary"] and "private" not in response.get("Cache-Control", "")
    assert "csrftoken" not in response.cookies
    client.force_login(trusted.user)
    response = client.get("/vrijplaats/")
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_no_email_address_on_the_pages(client, trusted):
    client.post(NEW, form_data(title="Wie ben ik", text="Niemand weet het"))
    thread = Thread.objects.get(author=trusted)
    assert trusted.user.email not in _html(client.get(f"/vrijplaats/onderwerp/{thread.pk}/"))


# --- joining ---------------------------------------------------------------------------------------


def test_join_asks_a_pseudonym_an_age_and_the_house_rules(client, forum):
    user = public_account()
    assert client.get("/vrijplaats/meedoen/")["Location"].startswith("/account")
    client.force_login(user)
    response = client.post("/vrijplaats/meedoen/", form_data(pseudonym="a b", age="", accept=""))
    page = _html(response)
    assert response.status_code == 400
    assert "3 tot 30 tekens" in page and "Vul je leeftijd in" in page and "huisregels" in page
    MemberFactory(pseudonym="Bezet")
    response = client.post(
        "/vrijplaats/meedoen/", form_data(pseudonym="bEZET", age="15", accept="on")
    )
    assert "al bezet" in _html(response)
    response = client.post(
        "/vrijplaats/meedoen/", form_data(pseudonym="0612345678", age="15", accept="on")
    )
    assert "contactgegevens" in _html(response) or "3 tot 30" in _html(response)
    response = client.post(
        "/vrijplaats/meedoen/", form_data(pseudonym="Zonnetje", age="15", accept="on")
    )
    assert response.status_code == 302
    member = Member.objects.get(user=user)
    assert member.pseudonym == "Zonnetje" and member.stated_age == 15


@pytest.mark.parametrize("age", ["11", "24", "40"])
def test_outside_the_age_range_nothing_is_stored(client, forum, age):
    user = public_account()
    client.force_login(user)
    response = client.post(
        "/vrijplaats/meedoen/", form_data(pseudonym="Te_oud", age=age, accept="on")
    )
    assert "12 tot en met 23 jaar" in _html(response) and "niets van je bewaard" in _html(response)
    assert not Member.objects.filter(user=user).exists()


@pytest.mark.parametrize("age", ["-1", "0", "150"])
def test_an_impossible_age_is_an_error_at_the_field_even_beside_other_errors(client, forum, age):
    user = public_account()
    client.force_login(user)
    response = client.post("/vrijplaats/meedoen/", form_data(pseudonym="", age=age, accept="on"))
    page = _html(response)
    assert response.status_code == 400 and "Vul je echte leeftijd in" in page
    assert 'href="#id_age"' in page and f'value="{age}"' in page
    assert 'inputmode="numeric"' in page and not Member.objects.filter(user=user).exists()


def test_writing_without_membership_goes_to_join(client, forum):
    client.force_login(public_account())
    response = client.get(NEW)
    assert response["Location"].startswith("/vrijplaats/meedoen/")
