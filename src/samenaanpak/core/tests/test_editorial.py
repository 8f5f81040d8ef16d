"""Example content and facts to confirm (core.editorial): residents never read an invented figure
or an example as fact; editors see what is open, in the back office."""

import pytest
from django.urls import reverse

from samenaanpak.core.history import record_status
from samenaanpak.core.models import SiteSettings
from samenaanpak.help.models import HelpOffer
from samenaanpak.plan.models import Action, Goal, ThinkTankPage, UpdatePage, progress_overview
from samenaanpak.questions.models import FaqEntry

pytestmark = pytest.mark.django_db

EXAMPLE_WORDS = ("voorbeeld", "Voorbeeld", "controleer deze tekst", "te controleren")


def test_residents_see_no_example_actions_news_or_editor_notes(client, nijkerk):
    assert Action.objects.filter(is_example=True).exists()
    for url in ("/", "/plan-van-aanpak/", "/denktanks/", "/nieuws/", "/hulp/", "/vragen/"):
        html = client.get(url).content.decode()
        for word in EXAMPLE_WORDS:
            assert word not in html, (url, word)
    tank_html = client.get("/denktanks/preventie/").content.decode()
    for action in Action.objects.filter(goal__think_tank__slug="preventie"):
        assert action.title not in tank_html
    faq = client.get("/vragen/veelgestelde-vragen/").content.decode()
    assert "vier denktanks" in faq and "Voorbeeld" not in faq
    # Example news was loaded as a draft: not listed, not reachable, not in the feed.
    example_news = UpdatePage.objects.filter(is_example=True)
    assert example_news.exists() and not example_news.filter(live=True).exists()
    assert client.get(example_news.first().url_path.replace("/home", "", 1)).status_code == 404
    assert example_news.first().title not in client.get("/nieuws/rss/").content.decode()


def test_example_actions_count_in_no_figure(nijkerk):
    tank = ThinkTankPage.objects.get(slug="aanbod")
    assert progress_overview([tank])[0]["total"] == 0  # only examples so far
    real = Action.objects.create(goal=Goal.objects.filter(think_tank=tank).first(), title="Echt")
    record_status(real, "gepland", progress=0)
    record_status(real, "in_uitvoering", progress=40)
    overview = progress_overview([tank])[0]
    assert overview["total"] == 1 and overview["progress"] == 40
    assert overview["counts"]["in_uitvoering"] == 1


def test_nothing_checked_is_shown_as_checked(client, nijkerk):
    assert not HelpOffer.objects.filter(last_checked__isnull=False).exists()
    offer = HelpOffer.objects.get(name="Lianne van Egmond")
    html = client.get(f"/hulp/aanbod/{offer.pk}/").content.decode()
    assert "Laatst gecontroleerd" not in html and "2015" not in html


def test_facts_to_confirm_are_marked_in_the_content(nijkerk):
    assert "jaar" in SiteSettings.load().to_confirm or "Facebook" in SiteSettings.load().to_confirm
    assert not Goal.objects.filter(to_confirm="").exists()  # every aim's think tank
    assert FaqEntry.objects.exclude(to_confirm="").exists()
    from samenaanpak.plan.models import PlanPage

    assert "16 november" in PlanPage.objects.get().to_confirm


def test_editor_sees_what_to_confirm_and_the_examples(client, nijkerk, role_users, verified_login):
    verified_login(client, role_users["redacteur"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Te bevestigen" in home and reverse("core_to_confirm") in home
    html = client.get(reverse("core_to_confirm")).content.decode()
    goal = Goal.objects.first()
    assert goal.title in html and goal.to_confirm[:40] in html
    assert reverse("wagtailsnippets_plan_goal:edit", args=[goal.pk]) in html
    assert "Jellinek Adviespunt" in html
    faq = FaqEntry.objects.exclude(to_confirm="").first()
    assert faq.question not in html  # the FAQ is the policy officer's (group Vragen)
    # The examples residents do not see: actions and the draft news.
    assert Action.objects.filter(is_example=True).first().title in html
    assert UpdatePage.objects.filter(is_example=True).first().title in html


def test_confirming_empties_the_list(client, nijkerk, role_users, verified_login):
    verified_login(client, role_users["redacteur"])
    goal = Goal.objects.first()
    response = client.post(
        reverse("wagtailsnippets_plan_goal:edit", args=[goal.pk]),
        {
            "think_tank": goal.think_tank_id,
            "title": goal.title,
            "description": goal.description,
            "to_confirm": "",
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.to_confirm == ""
    html = client.get(reverse("core_to_confirm")).content.decode()
    edit_url = reverse("wagtailsnippets_plan_goal:edit", args=[goal.pk])
    assert f'<a href="{edit_url}">{goal.title}</a>' not in html


def test_the_policy_officer_sees_the_faq_to_confirm(client, nijkerk, verified_login):
    from django.contrib.auth.models import Group

    from samenaanpak.tests.factories import UserFactory

    officer = UserFactory(username="beleid")
    officer.groups.add(Group.objects.get(name="Vragen"))
    verified_login(client, officer)
    html = client.get(reverse("core_to_confirm")).content.decode()
    faq = FaqEntry.objects.exclude(to_confirm="").first()
    assert reverse("wagtailsnippets_questions_faqentry:edit", args=[faq.pk]) in html
    assert faq.to_confirm[:30] in html


def test_a_think_tank_member_sees_only_what_they_may_edit(
    client, nijkerk, role_users, verified_login
):
    verified_login(client, role_users["denktank_preventie"])
    html = client.get(reverse("core_to_confirm")).content.decode()
    own = Action.objects.filter(is_example=True, goal__think_tank__slug="preventie").first()
    other = Action.objects.filter(is_example=True).exclude(goal__think_tank__slug="preventie")
    assert own.title in html
    assert other.first().title not in html
    assert "Jellinek Adviespunt" not in html  # help offers are the redacteur's


def test_marking_offers_checked_today_leaves_nothing_to_confirm(
    client, nijkerk, role_users, verified_login
):
    offer = HelpOffer.objects.exclude(to_confirm="").first()
    verified_login(client, role_users["redacteur"])
    url = (
        reverse("wagtail_bulk_action", args=["help", "helpoffer", "gecontroleerd"])
        + f"?id={offer.pk}"
    )
    assert client.post(url).status_code == 302
    offer.refresh_from_db()
    assert offer.to_confirm == "" and offer.last_checked is not None


def test_an_example_published_by_mistake_stays_out_of_sight(client, nijkerk):
    page = UpdatePage.objects.filter(is_example=True).first()
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.live
    url = page.get_url()
    assert client.get(url).status_code == 404
    for listing in ("/", "/nieuws/", "/nieuws/rss/", "/sitemap.xml", f"/zoeken/?q={page.title}"):
        assert url not in client.get(listing).content.decode(), listing
    assert page.title not in client.get(page.get_parent().url).content.decode()
