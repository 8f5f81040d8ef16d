"""The content loader: any municipality's content set loads without a code change, in the
declared order, once (a rerun changes nothing; new items in the files are added)."""

import shutil

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from samenaanpak.core.content import ContentError, load_content, read
from samenaanpak.core.models import Area, LoadedContent, SiteSettings
from samenaanpak.help.models import HelpOffer
from samenaanpak.plan.models import ThinkTankPage


@pytest.fixture
def voorbeeldstad(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return load_content("voorbeeldstad")


@pytest.mark.django_db
def test_a_second_municipality_renders_with_its_own_content_and_kernen(client, voorbeeldstad):
    home = client.get("/")
    html = home.content.decode()
    assert home.status_code == 200
    assert "Samen sterk in Voorbeeldstad" in html and "gemeente Voorbeeldstad" in html
    assert 'href="/hulp/"' in html and 'href="/denktanks/jeugd/"' in html  # entry points
    help_page = client.get("/hulp/").content.decode()
    assert "Inloop Zuidhaven" in help_page
    for kern in ("Noorddorp", "Zuidhaven"):
        assert f"> {kern}</label>" in help_page or f">{kern}</label>" in help_page, kern
    assert (
        client.get("/hulp/", {"gebied": "noorddorp"})
        .content.decode()
        .count('class="sa-card sa-offer"')
        == 0
    )
    assert "Inloop Zuidhaven" in client.get("/hulp/", {"gebied": "zuidhaven"}).content.decode()
    for body in (html, help_page, client.get("/denktanks/jeugd/").content.decode()):
        for word in ("Nijkerk", "Hoevelaken"):
            assert word not in body
    assert [a.slug for a in Area.objects.all()] == ["noorddorp", "zuidhaven"]
    # The think tank got its group from core.roles, named after the page.
    assert ThinkTankPage.objects.get().group.name == "Denktank Jeugd"
    # An unquoted 17:00 in YAML is the number 1020; the loader reads it as the time.
    hours = HelpOffer.objects.get().opening_hours.get()
    assert (hours.weekday, str(hours.opens), str(hours.closes)) == (2, "13:00:00", "17:00:00")


@pytest.mark.django_db
def test_rerun_changes_nothing_and_adds_new_items_from_the_files(voorbeeldstad, settings, tmp_path):
    folder = tmp_path / "voorbeeldstad"
    shutil.copytree(settings.CONTENT_DIR / "voorbeeldstad", folder)
    Area.objects.filter(slug="noorddorp").update(name="Noorddorp-Oost")  # an editor's change
    Page.objects.get(slug="jeugd").delete()  # and an editor's deletion
    records = LoadedContent.objects.count()

    load_content(folder)
    assert LoadedContent.objects.count() == records
    assert Area.objects.get(slug="noorddorp").name == "Noorddorp-Oost"
    assert not ThinkTankPage.objects.exists()

    with open(folder / "site.yaml", "a") as file:
        file.write("contact_persons:\n- {name: Kim Jansen, phone: 06-00000000}\n")
    load_content(folder)
    assert LoadedContent.objects.filter(kind="contact_person", key="Kim Jansen").exists()
    assert SiteSettings.load().policy_officer_name == "Sam de Vries"


def test_unknown_kinds_and_kinds_in_two_files_are_errors(tmp_path):
    (tmp_path / "a.yaml").write_text("paginas: []\n")
    with pytest.raises(ContentError, match="unknown kind 'paginas'"):
        read(tmp_path)
    (tmp_path / "a.yaml").write_text("faq: []\n")
    (tmp_path / "b.yaml").write_text("faq: []\n")
    with pytest.raises(ContentError, match="also in another file"):
        read(tmp_path)


@pytest.mark.django_db
def test_command_names_a_missing_content_set():
    with pytest.raises(CommandError, match="no content set 'atlantis'"):
        call_command("load_content", "atlantis")


@pytest.mark.django_db
def test_no_municipality_text_in_python():
    """Nijkerk's texts live in content/nijkerk/, not in the code (tests and migrations aside)."""
    from pathlib import Path

    import samenaanpak

    root = Path(samenaanpak.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "settings.py"  # SITE_NAME's default and an example address
        and ("Nijkerk" in path.read_text() or "Hoevelaken" in path.read_text())
    ]
    assert offenders == []
