import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samenaanpak.help.models import (
    STALE_AFTER,
    Audience,
    HelpIndexPage,
    HelpOffer,
    OpeningHours,
    Topic,
)


def result_count(html):
    return int(re.search(r'id="aantal-resultaten" role="status">(\d+) resulta', html).group(1))


@pytest.mark.django_db
def test_loader_turns_contact_persons_into_offers_and_marks_what_to_confirm(nijkerk):
    page = HelpIndexPage.objects.get()
    assert page.url == "/hulp/" and page.show_in_menus
    local = HelpOffer.objects.filter(kind=HelpOffer.Kind.LOCAL_PERSON)
    assert sorted(local.values_list("name", flat=True)) == [
        "Esther van den Hof",
        "Jan Bjsterbosch",
        "Kristel Kreijne",
        "Lianne van Egmond",
    ]
    to_confirm = HelpOffer.objects.exclude(to_confirm="")
    assert {
        "113 Zelfmoordpreventie",
        "De Kindertelefoon",
        "Drugs Infolijn",
        "Jellinek Adviespunt",
    } <= set(to_confirm.values_list("name", flat=True))
    # Nobody checked anything yet: no invented "laatst gecontroleerd" dates.
    assert not HelpOffer.objects.filter(last_checked__isnull=False).exists()
    assert local.first().audiences.filter(slug="ouders").exists()  # many-to-many saved


@pytest.mark.django_db
def test_home_entry_point_leads_to_the_help_directory(client, nijkerk):
    assert 'href="/hulp/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_directory_lists_offers_with_crisis_block_and_tel_links(client, nijkerk):
    html = client.get("/hulp/").content.decode()
    assert result_count(html) == HelpOffer.objects.active().count()
    assert html.index('class="sa-crisis') < html.index("<h1")  # the crisis block comes first
    assert 'href="tel:0612989357"' in html and 'href="tel:08000113"' in html
    # Only our own files, no inline script (the CSP allows scripts from our origin only).
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(
        re.fullmatch(r'<script src="/static/js/[\w.-]+\.js" defer>', tag) for tag in scripts
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected_names, unexpected_names",
    [
        ({"voor": "professionals"}, {"Drugs Infolijn"}, {"Lianne van Egmond", "De Kindertelefoon"}),
        (
            {"onderwerp": "alcohol"},
            {"Jellinek Adviespunt", "De Kindertelefoon"},
            {"Lianne van Egmond"},
        ),
        ({"hoe": "chat"}, {"113 Zelfmoordpreventie"}, {"Drugs Infolijn", "Lianne van Egmond"}),
        ({"hoe": "persoonlijk"}, {"Lianne van Egmond"}, {"113 Zelfmoordpreventie"}),
        ({"gebied": "nijkerk"}, {"Kristel Kreijne"}, {"Jellinek Adviespunt"}),
        # The local contacts are there for the whole municipality, so for every kern.
        ({"gebied": "hoevelaken"}, {"Kristel Kreijne", "Lianne van Egmond"}, {"Drugs Infolijn"}),
        ({"gebied": "nijkerkerveen"}, {"Jan Bjsterbosch"}, {"De Kindertelefoon"}),
        ({"gebied": "landelijk"}, {"Drugs Infolijn"}, {"Kristel Kreijne"}),
        ({"anoniem": "on"}, {"De Kindertelefoon"}, {"Lianne van Egmond"}),
        ({"voor": ["professionals", "jongeren"]}, {"Drugs Infolijn", "De Kindertelefoon"}, set()),
    ],
)
def test_filters(client, nijkerk, query, expected_names, unexpected_names):
    html = client.get("/hulp/", query).content.decode()
    for name in expected_names:
        assert f">{name}</a>" in html, name
    for name in unexpected_names:
        assert f">{name}</a>" not in html, name
    assert result_count(html) == html.count('class="sa-card sa-offer"')


@pytest.mark.django_db
def test_an_offer_in_one_kern_shows_only_under_that_kern(client, nijkerk):
    from samenaanpak.core.models import Area

    offer = HelpOffer.objects.get(name="Kristel Kreijne")
    offer.reach = HelpOffer.Reach.AREAS
    offer.areas.set([Area.objects.get(slug="hoevelaken")])
    offer.save()
    assert ">Kristel Kreijne</a>" in client.get("/hulp/?gebied=hoevelaken").content.decode()
    html = client.get("/hulp/?gebied=nijkerk&gebied=landelijk").content.decode()
    assert ">Kristel Kreijne</a>" not in html and ">Lianne van Egmond</a>" in html
    assert "Hoevelaken" in client.get(f"/hulp/aanbod/{offer.pk}/").content.decode()


@pytest.mark.django_db
def test_filtered_list_keeps_choices_checked_and_shareable(client, nijkerk):
    html = client.get("/hulp/?voor=ouders&hoe=telefoon").content.decode()
    assert re.search(r'value="ouders"[^>]*checked', html) and re.search(
        r'value="telefoon"[^>]*checked', html
    )
    assert "Wis alle filters" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, expected",
    [
        ("mijzelf", "voor=jongeren"),
        ("mijn-kind", "voor=ouders"),
        ("iemand-anders", "voor=familie-en-vrienden&onderwerp=zorgen-om-een-ander"),
    ],
)
def test_guided_start_leads_to_filtered_list(client, nijkerk, who, expected):
    response = client.get("/hulp/", {"voor-wie": who})
    assert response.status_code == 302 and response["Location"] == f"/hulp/?{expected}"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "voor=bestaat-niet",
        "gebied=mars&hoe=duif",
        "anoniem=%00%01",
        "voor-wie=x",
        "voor=" + "a" * 5000,
    ],
)
def test_bad_filter_input_gives_a_normal_page(client, nijkerk, query):
    response = client.get("/hulp/?" + query)
    assert response.status_code == 200
    assert "resulta" in response.content.decode()


@pytest.mark.django_db
def test_online_page_lists_only_online_help(client, nijkerk):
    html = client.get("/hulp/online/").content.decode()
    assert "Jellinek Adviespunt" in html and "113 Zelfmoordpreventie" in html
    assert "Lianne van Egmond" not in html
    assert 'class="sa-crisis' in html


@pytest.mark.django_db
def test_offer_page_shows_details_and_open_state(client, nijkerk):
    offer = HelpOffer.objects.get(name="113 Zelfmoordpreventie")
    html = client.get(f"/hulp/aanbod/{offer.pk}/").content.decode()
    assert 'href="tel:08000113"' in html and "nu open" in html and "Dag en nacht" in html
    assert client.get("/hulp/aanbod/999999/").status_code == 404
    offer.active = False
    offer.save()
    assert client.get(f"/hulp/aanbod/{offer.pk}/").status_code == 404


@pytest.mark.django_db
def test_open_now_is_computed_on_the_server(client, nijkerk):
    offer = HelpOffer.objects.create(
        name="Inloop test", description="x", kind=HelpOffer.Kind.WALK_IN
    )
    now = timezone.localtime()
    OpeningHours.objects.create(
        offer=offer, weekday=now.weekday(), opens=datetime.time(0, 0), closes=datetime.time(0, 0)
    )
    assert offer.is_open_at(timezone.now()) is True
    html = client.get(f"/hulp/aanbod/{offer.pk}/").content.decode()
    assert "nu open" in html
    closed = HelpOffer.objects.create(
        name="Nooit open", description="x", kind=HelpOffer.Kind.WALK_IN
    )
    OpeningHours.objects.create(
        offer=closed,
        weekday=(now.weekday() + 3) % 7,
        opens=datetime.time(9),
        closes=datetime.time(10),
    )
    assert "nu gesloten" in client.get(f"/hulp/aanbod/{closed.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/hulp/", "/hulp/?voor=jongeren&hoe=telefoon", "/hulp/?voor=ouders", "/hulp/online/"]
)
def test_directory_query_count_is_the_same_for_n_and_5n_offers(
    client, nijkerk, settings, django_assert_num_queries, url
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    # The kernen of offers limited to some kernen cost one query, once there is such an offer.
    from samenaanpak.core.models import Area

    for offer in HelpOffer.objects.active().exclude(kind=HelpOffer.Kind.LOCAL_PERSON)[:1]:
        offer.reach = HelpOffer.Reach.AREAS
        offer.save()
        offer.areas.set([Area.objects.first()])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        small = client.get(url).content.decode()
    n = HelpOffer.objects.active().count()
    audiences, topics = list(Audience.objects.all()), list(Topic.objects.all())
    areas = list(Area.objects.all())
    for i in range(4 * n):  # every one matches the filters above, with hours, audiences, topics
        offer = HelpOffer.objects.create(
            name=f"Extra {i}",
            description="x",
            kind=HelpOffer.Kind.CHAT,
            phone="0331234567",
            chat_url="https://example.org/",
            reach=HelpOffer.Reach.values[i % len(HelpOffer.Reach.values)],
        )
        if offer.reach == HelpOffer.Reach.AREAS:
            offer.areas.set(areas[: 1 + i % len(areas)])
        offer.audiences.set(audiences)
        offer.topics.set(topics[: 1 + i % len(topics)])
        offer.save()
        for weekday in range(i % 7):
            OpeningHours.objects.create(
                offer=offer, weekday=weekday, opens=datetime.time(9), closes=datetime.time(17)
            )
    with django_assert_num_queries(len(before.captured_queries)):
        large = client.get(url).content.decode()
    cards = 'class="sa-card sa-offer"'
    assert large.count(cards) == small.count(cards) + 4 * n
    assert len(before.captured_queries) <= 15


@pytest.mark.django_db
def test_stale_offers_are_shown_to_editors(client, role_users, verified_login):
    old = HelpOffer.objects.get(name="Lianne van Egmond")
    assert old.is_stale  # never checked
    fresh = HelpOffer.objects.get(name="Drugs Infolijn")
    fresh.last_checked = timezone.localdate() - STALE_AFTER + datetime.timedelta(days=5)
    fresh.save()
    assert set(HelpOffer.objects.stale().values_list("name", flat=True)) >= {"Lianne van Egmond"}
    assert "Drugs Infolijn" not in HelpOffer.objects.stale().values_list("name", flat=True)

    verified_login(client, role_users["redacteur"])
    listing = client.get(
        reverse("wagtailsnippets_help_helpoffer:list") + "?stale=true"
    ).content.decode()
    assert (
        "Lianne van Egmond" in listing
        and "controleren!" in listing
        and "Drugs Infolijn" not in listing
    )
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "langer dan 6 maanden niet gecontroleerd" in dashboard


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed", [("redacteur", True), ("beheerder", True), ("denktank_preventie", False)]
)
def test_who_may_edit_help_offers(client, role_users, verified_login, role, allowed):
    verified_login(client, role_users[role])
    offer = HelpOffer.objects.first()
    response = client.get(reverse("wagtailsnippets_help_helpoffer:edit", args=[offer.pk]))
    assert (response.status_code == 200) is allowed


@pytest.mark.django_db
def test_parent_gets_advice_for_tonight_and_hours_with_next_opening(client, nijkerk, monkeypatch):
    # Tuesday 1 December 2026, 23:30 in Nijkerk: the weekday lines are closed.
    tuesday_night = datetime.datetime(2026, 12, 1, 22, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: tuesday_night)
    html = client.get("/hulp/?voor=ouders").content.decode()
    assert "Wat u nu al kunt doen" in html and "bel 112" in html and "113" in html
    assert (
        html.index("sa-crisis")
        < html.index("Wat u nu al kunt doen")
        < html.index('id="resultaten-titel"')
    )
    infolijn = html[html.index(">Drugs Infolijn<") :]
    infolijn = infolijn[: infolijn.index("</li>")]
    assert "ma t/m vr 9:00–17:00" in infolijn and "Weer open: morgen 9:00" in infolijn
    assert "Dag en nacht bereikbaar" in html  # 113
    # Filters fold away (results first on a phone); no guide for other visitors.
    assert '<details class="sa-filters" data-filters>' in html and "(1 gekozen)" in html
    assert "Wat u nu al kunt doen" not in client.get("/hulp/?voor=professionals").content.decode()


@pytest.mark.django_db
def test_offer_page_says_when_it_opens_again(client, nijkerk, monkeypatch):
    friday_evening = datetime.datetime(2026, 12, 4, 19, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: friday_evening)
    offer = HelpOffer.objects.get(name="Drugs Infolijn")
    html = client.get(f"/hulp/aanbod/{offer.pk}/").content.decode()
    assert "nu gesloten" in html and "Weer open: maandag 9:00" in html


@pytest.mark.django_db
def test_young_person_is_addressed_with_je(client, nijkerk):
    html = client.get("/hulp/?voor-wie=mijzelf", follow=True).content.decode()
    assert "Hier vind je hulp" in html and "Alle hulp die je online kunt vinden" in html
    assert "Hier vindt u hulp" not in html and "Wat u nu al" not in html
    # The history tip in the young person's words, before the results (review fix).
    assert html.index("Wil je niet dat iemand ziet dat je hier was?") < html.index("sa-offer")
    assert "Hier vind je hulp" not in client.get("/hulp/?voor=ouders").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/hulp/", "/hulp/?voor=jongeren", "/hulp/online/", "offer"])
def test_help_pages_offer_a_quick_exit_and_a_history_tip(client, nijkerk, path):
    if path == "offer":
        path = f"/hulp/aanbod/{HelpOffer.objects.get(name='Drugs Infolijn').pk}/"
    html = client.get(path).content.decode()
    assert re.search(
        r'<a class="sa-quick-exit__link" href="https://www\.buienradar\.nl/" rel="noreferrer" '
        r"data-quick-exit>Snel weg",
        html,
    )
    assert html.index("data-quick-exit") < html.index("<h1")  # reachable first
    assert "privévenster" in html
    assert "geschiedenis van uw browser" in html or "geschiedenis van je browser" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["", "voor=ouders&hoe=telefoon&gebied=regio", "voor=bestaat-niet&hoe=<b>", "anoniem=on"],
)
def test_filter_checkboxes_are_written_as_djangos_widgets_write_them(nijkerk, query):
    from django.http import QueryDict

    from samenaanpak.help.filters import HelpOfferFilter
    from samenaanpak.help.templatetags.help_tags import option_input

    form = HelpOfferFilter(
        QueryDict(query) if query else None, queryset=HelpOffer.objects.all()
    ).form
    options = [choice for field in form if field.name != "anoniem" for choice in field]
    assert len(options) == 18
    for choice in options:
        assert option_input(choice) == choice.tag()
