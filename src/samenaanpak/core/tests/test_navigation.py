"""The menu and footer come from the site settings' page choosers (core.navigation): in one query
with their pages, whatever their number; renamed and moved pages keep their links."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from samenaanpak.core.models import ContentPage, NavigationLink, SiteSettings


def menu(html):
    nav = html.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    return re.findall(r'<a class="sa-nav__link" href="([^"]*)"[^>]*>([^<]+)</a>', nav)


def footer_links(html):
    section = html.split('id="footer-links"')[1].split("</section>")[0]
    return re.findall(r'<a class="utrecht-link" href="([^"]*)"[^>]*>([^<]+)</a>', section)


@pytest.mark.django_db
def test_the_menu_has_every_section_with_short_names(client, nijkerk):
    assert menu(client.get("/").content.decode()) == [
        ("/", "Home"),
        ("/hulp/", "Hulp"),
        ("/melden/", "Melden"),
        ("/vragen/", "Vragen"),
        ("/denk-mee/", "Denk mee"),
        ("/bijeenkomsten/", "Agenda"),
        ("/vrijplaats/", "Vrijplaats"),
        ("/plan-van-aanpak/", "Plan"),
        ("/denktanks/", "Denktanks"),
        ("/nieuws/", "Nieuws"),
        ("/contact/", "Contact"),
    ]


@pytest.mark.django_db
def test_footer_feed_and_privacy_link_follow_the_pages(client, examples_made_real):
    html = client.get("/").content.decode()
    assert footer_links(html)[:4] == [
        ("/contact/", "Contact"),
        ("/privacy/", "Privacyverklaring"),
        ("/toegankelijkheid/", "Toegankelijkheid"),
        ("/nieuws/rss/", "Nieuws als RSS-feed"),
    ]
    assert 'type="application/rss+xml" title="Nieuws (RSS)" href="/nieuws/rss/"' in html
    # An editor renames the news and privacy pages' slugs: every link follows.
    for slug, new in (("nieuws", "actueel"), ("privacy", "privacyverklaring")):
        page = Page.objects.get(slug=slug).specific
        page.slug = new
        page.save_revision().publish()
    html = client.get("/").content.decode()
    assert ("/actueel/rss/", "Nieuws als RSS-feed") in footer_links(html)
    assert ("/privacyverklaring/", "Privacyverklaring") in footer_links(html)
    assert 'href="/actueel/">Al het nieuws' in html
    assert 'href="/actueel/" aria-current="page">Nieuws' in client.get("/actueel/").content.decode()
    assert 'href="/privacyverklaring/">privacyverklaring' in client.get("/vragen/").content.decode()
    assert "/nieuws/" not in html and 'href="/privacy/"' not in html


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_menu(client, nijkerk, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

    def count():
        client.get("/plan-van-aanpak/")  # warm Wagtail's per-site caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/plan-van-aanpak/").status_code == 200
        return len(queries)

    before = count()
    site_settings = SiteSettings.load()
    home = Page.objects.get(depth=2)
    for i in range(8):
        page = home.add_child(instance=ContentPage(title=f"Extra {i}", slug=f"extra-{i}"))
        NavigationLink.objects.create(menu_of=site_settings, page=page, sort_order=100 + i)
        NavigationLink.objects.create(footer_of=site_settings, page=page, sort_order=100 + i)
    html = client.get("/plan-van-aanpak/").content.decode()
    assert ("/extra-7/", "Extra 7") in menu(html) and ("/extra-7/", "Extra 7") in footer_links(html)
    assert count() == before


@pytest.mark.django_db
def test_without_chosen_links_the_menu_is_the_page_tree(client, nijkerk):
    NavigationLink.objects.all().delete()
    items = menu(client.get("/hulp/").content.decode())
    assert ("/hulp/", "Ik zoek hulp") in items and ("/plan-van-aanpak/", "Plan van aanpak") in items


@pytest.mark.django_db
def test_unpublished_pages_leave_the_menu_and_defaults_never_overwrite(client, nijkerk):
    from samenaanpak.core.navigation import ensure_default_links

    Page.objects.get(slug="denk-mee").specific.unpublish()
    assert "Denk mee" not in dict(
        (label, url) for url, label in menu(client.get("/").content.decode())
    )
    NavigationLink.objects.filter(menu_of__isnull=False).exclude(label="Hulp").delete()
    ensure_default_links()
    assert [link.label for link in NavigationLink.objects.filter(menu_of__isnull=False)] == ["Hulp"]


@pytest.mark.django_db
def test_an_editor_reorders_the_menu_in_the_site_settings(client, role_users, verified_login):
    """The settings form carries the menu as an inline panel of page choosers; a redacteur edits it."""
    verified_login(client, role_users["redacteur"])
    url = f"/beheer/settings/core/sitesettings/{SiteSettings.load().pk}/"
    html = client.get(url).content.decode()
    assert 'name="menu_items-TOTAL_FORMS"' in html and 'name="footer_links-TOTAL_FORMS"' in html
    current = SiteSettings.load()

    def rows(relation, change):
        links = list(NavigationLink.objects.filter(**{relation: current}))
        forms = [
            {"id": link.pk, "page": link.page_id, "label": link.label, "ORDER": i, **change(link)}
            for i, link in enumerate(links)
        ]
        return inline_formset(forms, initial=len(links))

    data = nested_form_data(
        {
            "municipality_name": current.municipality_name,
            "places": current.places,
            "policy_officer_name": current.policy_officer_name,
            "policy_officer_email": current.policy_officer_email,
            "policy_officer_phone": current.policy_officer_phone,
            "privacy_page": current.privacy_page_id,
            "crisis_numbers": streamfield([]),
            "facebook_url": current.facebook_url,
            "security_contact": current.security_contact,
            # Only Melden stays, and becomes "Anoniem melden".
            "menu_items": rows(
                "menu_of",
                lambda link: (
                    {"label": "Anoniem melden"} if link.label == "Melden" else {"DELETE": "1"}
                ),
            ),
            "footer_links": rows("footer_of", lambda link: {}),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert menu(client.get("/").content.decode())[1:] == [("/melden/", "Anoniem melden")]


@pytest.mark.django_db
def test_the_privacy_link_costs_no_query_when_it_is_in_the_footer(client, nijkerk):
    client.get("/vragen/")
    with CaptureQueriesContext(connection) as footer:
        assert 'href="/privacy/">privacyverklaring' in client.get("/vragen/").content.decode()
    NavigationLink.objects.filter(footer_of__isnull=False, page__slug="privacy").delete()
    client.get("/vragen/")
    with CaptureQueriesContext(connection) as elsewhere:
        assert 'href="/privacy/">privacyverklaring' in client.get("/vragen/").content.decode()
    assert len(elsewhere) == len(footer) + 1
