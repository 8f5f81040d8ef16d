"""The loader turns the first release's "coming soon" page at /denk-mee/ into the ideas page
(unless an editor changed it) and loads example ideas through the status history."""

import pytest
from wagtail.models import Page

from samenaanpak.core.content import load_content
from samenaanpak.core.models import ContentPage, HomePage, LoadedContent, SiteSettings

from ..models import Idea, IdeasPage
from ..status import IdeaStatus

pytestmark = pytest.mark.django_db

BEFORE = """
pages:
  type: core.HomePage
  title: Thuis
  children:
  - type: plan.ThinkTankIndexPage
    slug: denktanks
    title: Denktanks
    children:
    - {type: plan.ThinkTankPage, slug: jeugd, title: Jeugd}
  - type: core.ContentPage
    slug: denk-mee
    title: Denk mee
    show_in_menus: true
    body:
    - paragraph: Binnenkort
entry_points:
- {title: Denk mee, text: Ideeën, page: denk-mee}
"""
AFTER_PAGE = """  - type: participation.IdeasPage
    slug: denk-mee
    title: Denk mee
    intro: Geef een idee.
    how_it_works: Zo werkt het hier.
entry_points:"""
IDEAS = """
ideas:
- think_tank: denktanks/jeugd
  title: Een voorbeeld
  text: Tekst van het voorbeeld.
  supports: 2
  history:
  - {status: ontvangen}
  - {status: niet_overgenomen, note: Omdat het niet kan.}
"""


def _write(folder, pages, ideas=""):
    folder.mkdir(exist_ok=True)
    (folder / "pages.yaml").write_text(pages)
    if ideas:
        (folder / "ideas.yaml").write_text(ideas)
    return folder


def _after():
    start = BEFORE.index("  - type: core.ContentPage")
    end = BEFORE.index("entry_points:")
    return BEFORE[:start] + AFTER_PAGE + BEFORE[end + len("entry_points:") :]


def test_coming_soon_page_becomes_the_ideas_page(client, tmp_path):
    folder = _write(tmp_path / "gemeente", BEFORE)
    load_content(folder)
    old = ContentPage.objects.get(slug="denk-mee")
    _write(folder, _after(), IDEAS)
    load_content(folder)

    page = IdeasPage.objects.get()
    assert page.url == "/denk-mee/" and page.live and page.show_in_menus
    assert not ContentPage.objects.filter(pk=old.pk).exists()
    assert LoadedContent.objects.get(kind="page", key="denk-mee").object_id == page.pk
    home = HomePage.objects.get()
    assert [block.value["page"].pk for block in home.entry_points] == [page.pk]
    assert page.pk in SiteSettings.load().menu_items.values_list("page_id", flat=True)
    # The page sits where the old one was (after the think tanks).
    assert [p.slug for p in Page.objects.child_of(home)] == ["denktanks", "denk-mee"]

    idea = Idea.objects.get()
    assert idea.is_example and idea.author is None and idea.support_count == 2
    assert idea.status == IdeaStatus.NOT_ADOPTED and idea.events.count() == 2
    assert idea.state.note == "Omdat het niet kan."
    html = client.get("/denk-mee/").content.decode()
    assert "Zo werkt het hier." in html and "Een voorbeeld" in html

    load_content(folder)  # a rerun changes nothing
    assert IdeasPage.objects.get().pk == page.pk and Idea.objects.count() == 1


def test_a_coming_soon_page_an_editor_changed_stays(tmp_path):
    folder = _write(tmp_path / "gemeente", BEFORE)
    load_content(folder)
    old = ContentPage.objects.get(slug="denk-mee")
    old.title = "Denk mee (eigen tekst)"
    old.save_revision().publish()
    _write(folder, _after(), IDEAS)
    load_content(folder)
    assert not IdeasPage.objects.exists()
    assert ContentPage.objects.get(pk=old.pk).title == "Denk mee (eigen tekst)"
    assert Idea.objects.count() == 1  # the examples load; an editor adds the page
