"""The reporter's side: the form, the receipt shown once, bad input, and the lookup with the code."""

import io
import struct
import time
import zlib

import pytest
from django.utils import timezone
from PIL import Image

from samenaanpak.core import throttle
from samenaanpak.core.history import record_status
from samenaanpak.core.public_forms import start_token
from samenaanpak.reports import vault
from samenaanpak.reports.models import Attachment, Message, QuarterCount, Report
from samenaanpak.reports.views import SESSION_COOKIE

from .helpers import jpeg, report_data, submit, upload

pytestmark = pytest.mark.django_db


def test_form_explains_what_is_stored_shows_crisis_block_and_is_not_cached(client, meldpunt):
    response = client.get("/melden/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Bel 112" in html and "IP-adres" in html and "niet meer anoniem" in html
    assert 'enctype="multipart/form-data"' in html and 'accept="image/jpeg,image/png"' in html
    assert response["Referrer-Policy"] == "same-origin"


def test_submit_shows_the_receipt_once_in_groups_of_four_and_stores_only_ciphertext(
    client, meldpunt
):
    response, receipt = submit(
        client,
        description="Er wordt gedeald bij de Oosterpoort.",
        email="melder@example.org",
        photos=[jpeg("Kerkstraat 12")],
        where="Oosterpoort",
        place="hoevelaken",
        when="2026-11-20",
    )
    assert response.status_code == 200 and "Location" not in response
    assert "no-store" in response["Cache-Control"]
    assert receipt and len(receipt.split("-")) == 5
    report = Report.objects.get()
    assert report.receipt_digest == vault.digest(receipt) and receipt not in report.receipt_digest
    for blob in (report.sealed_content, *Attachment.objects.values_list("sealed_data", flat=True)):
        assert b"Oosterpoort" not in bytes(blob) and b"melder@example.org" not in bytes(blob)
    assert QuarterCount.objects.get(category=report.category).count == 1
    assert (
        timezone.localtime(report.events.get().created_at).time().isoformat() == "00:00:00"
    )  # date only
    # The receipt is nowhere else: not in a header, a cookie or the session.
    assert receipt not in str(response.headers) and receipt not in str(response.cookies)
    assert client.get("/melden/").content.decode().count(receipt) == 0


def test_photo_is_reencoded_without_metadata(client, meldpunt):
    _, receipt = submit(client, photos=[jpeg("GPS 52.2,5.4 CANARY", name="IMG_20261128_2143.jpg")])
    report = Report.objects.get()
    private = vault.open_with_receipt(report, receipt)
    header, data = vault.open_file(private, Attachment.objects.get().sealed_data)
    assert header == {"name": "foto.jpg", "type": "image/jpeg"}  # not the camera's file name
    assert b"CANARY" not in data
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and "comment" not in image.info and image.size == (64, 48)


def _png_header_only(width, height):
    """A tiny PNG file that claims to be width × height pixels: a decompression bomb."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "Beschrijf wat er is gebeurd"),
        ({"description": "\u202e\u200b\x00 "}, "Beschrijf wat er is gebeurd"),
        ({"description": "x" * 5001}, "maximaal 5000 tekens (nu 5001)"),
        ({"category": "999"}, "Kies een van de onderwerpen"),
        ({"when": "gisteren"}, "Vul een datum in"),
        ({"when": "2099-01-01"}, "in de toekomst"),
        ({"email": "geen-adres"}, "geldig e-mailadres"),
        (
            {"photos": [upload(b"%PDF-1.7 not an image", "scan.jpg")]},
            "scan.jpg is geen JPEG- of PNG-foto",
        ),
        (
            {"photos": [upload(_png_header_only(30000, 30000), "bom.png")]},
            "bom.png heeft te veel beeldpunten",
        ),
        (
            {"photos": [upload(b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024), "groot.jpg")]},
            "groot.jpg is groter dan 10 MB",
        ),
        ({"photos": [jpeg(), jpeg(), jpeg(), jpeg()]}, "hoogstens 3 foto"),
    ],
)
def test_bad_input_gives_a_dutch_message_keeps_the_text_and_stores_nothing(
    client, meldpunt, overrides, message
):
    data = report_data(where="Achter de sporthal", **overrides)
    response = client.post("/melden/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html, html[html.find("foutmeldingen") :][:800]
    assert "Achter de sporthal" in html  # what was typed is still there
    if "photos" in overrides:
        assert "kies die opnieuw" in html
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert not QuarterCount.objects.exists()


def test_double_submit_stores_one_report_and_shows_the_same_code_again(client, meldpunt, settings):
    settings.FORM_MIN_FILL_SECONDS = 0
    form = client.get("/melden/").content.decode()
    started = form.split('name="started" value="')[1].split('"')[0]
    first, receipt = submit(client, started=started)
    second, again = submit(client, started=started)
    assert (
        receipt and again == receipt
    )  # a reload or double click: the person still has their one code
    assert "al verstuurd" in second.content.decode()
    assert Report.objects.count() == 1


def test_honeypot_stores_nothing_and_tells_the_bot_nothing(client, meldpunt):
    response, receipt = submit(client, website="http://spam.example")
    assert response.status_code == 200 and receipt is None and Report.objects.count() == 0


def test_rate_limit_per_client_and_global_cap(client, meldpunt, settings):
    settings.REPORT_CLIENT_HOURLY_LIMIT = 2
    assert submit(client)[1] and submit(client)[1]
    response, receipt = submit(client, description="De derde melding")
    assert receipt is None and "Meld Misdaad Anoniem" in response.content.decode()
    assert "De derde melding" in response.content.decode()
    # Another address has its own limit, but the hourly cap counts everyone.
    other = client.post("/melden/", report_data(), REMOTE_ADDR="198.51.100.9")
    assert "sa-receipt__group" in other.content.decode()
    settings.REPORT_HOURLY_CAP = 3  # the global counter has seen 4 reports this hour
    capped = client.post("/melden/", report_data(), REMOTE_ADDR="198.51.100.10")
    assert "erg veel meldingen" in capped.content.decode()
    assert Report.objects.count() == 3


# --- the lookup ----------------------------------------------------------------------------------


def _open(client, receipt):
    return client.post("/melden/mijn-melding/", {"receipt": receipt})


def test_lookup_accepts_any_case_missing_dashes_and_lookalike_letters(client, meldpunt):
    _, receipt = submit(client, description="Zorgen om mijn buurjongen.")
    typed = receipt.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    response = _open(client, typed)
    html = response.content.decode()
    assert response.status_code == 200 and "Zorgen om mijn buurjongen." in html
    assert "no-store" in response["Cache-Control"]
    cookie = response.cookies[SESSION_COOKIE]
    assert (
        cookie["httponly"]
        and cookie["samesite"] == "Strict"
        and cookie["path"] == "/melden/mijn-melding/"
    )
    assert receipt not in cookie.value and "buurjongen" not in cookie.value


def test_reporter_reads_a_reply_and_answers_which_extends_retention(client, meldpunt):
    _, receipt = submit(client)
    report = Report.objects.get()
    private = vault.open_with_receipt(report, receipt)
    vault.add_message(report, Message.Kind.TO_REPORTER, "Kunt u zeggen hoe laat dit meestal is?")
    vault.add_message(report, Message.Kind.NOTE, "Interne notitie: bekend adres")
    record_status(report, "afgehandeld")  # sets the retention date
    old_delete_after = report.delete_after
    html = _open(client, receipt).content.decode()
    assert "hoe laat dit meestal is" in html and "Interne notitie" not in html
    response = client.post("/melden/mijn-melding/", {"text": "Meestal rond tien uur 's avonds."})
    assert "Uw aanvulling is verstuurd" in response.content.decode()
    report.refresh_from_db()
    assert report.new_from_reporter
    texts = [m["text"] for m in vault.messages(report, private, include_notes=False)]
    assert texts[-1] == "Meestal rond tien uur 's avonds."
    assert report.delete_after == old_delete_after  # same day: restarted from today


def test_reply_can_carry_photos_and_bad_photos_keep_the_text(client, meldpunt):
    _, receipt = submit(client)
    _open(client, receipt)
    response = client.post(
        "/melden/mijn-melding/", {"text": "Hier is de auto.", "photos": [upload(b"%PDF", "x.jpg")]}
    )
    html = response.content.decode()
    assert (
        "x.jpg is geen JPEG- of PNG-foto" in html
        and "Hier is de auto." in html
        and "kies die opnieuw" in html
    )
    assert not Message.objects.exists()
    response = client.post(
        "/melden/mijn-melding/", {"text": "Hier is de auto.", "photos": [jpeg("KENTEKEN")]}
    )
    assert "1 foto meegestuurd." in response.content.decode()
    message = Message.objects.get()
    attachment = message.attachments.get()
    assert b"KENTEKEN" not in bytes(attachment.sealed_data)


def test_empty_reply_gives_an_error_and_keeps_the_session(client, meldpunt):
    _, receipt = submit(client)
    _open(client, receipt)
    response = client.post("/melden/mijn-melding/", {"text": "  "})
    assert "Schrijf eerst uw aanvulling" in response.content.decode()
    assert Message.objects.count() == 0


def test_wrong_codes_get_a_message_then_a_growing_delay_not_a_lockout(client, meldpunt):
    _, receipt = submit(client)
    bad = "7KQ2-M9XD-4HTE-PB31-ZW8C"
    assert "Deze meldcode kennen we niet" in _open(client, bad).content.decode()
    assert "geen geldige meldcode" in _open(client, "1234").content.decode()
    _open(client, bad)  # the third failure starts the delay (1 s)
    _open(client, bad)  # the fourth doubles it: room for a slow test run before the next request
    response = _open(client, receipt)
    html = response.content.decode()
    assert "Wacht" in html and "seconden" in html and receipt in html  # the code typed is kept
    throttle.store().clear()  # the delay has passed
    assert "Mijn melding" in _open(client, receipt).content.decode()
    assert client.cookies.get(SESSION_COOKIE)


def test_idle_session_expires_and_a_pending_answer_is_not_lost(client, meldpunt, settings):
    _, receipt = submit(client)
    _open(client, receipt)
    settings.REPORT_SESSION_IDLE_SECONDS = -1  # as if 15 minutes passed
    response = client.post("/melden/mijn-melding/", {"text": "Nog een detail over de auto."})
    html = response.content.decode()
    assert "niet actief" in html and "Nog een detail over de auto." in html
    assert Message.objects.count() == 0
    settings.REPORT_SESSION_IDLE_SECONDS = 900
    response = client.post(
        "/melden/mijn-melding/", {"receipt": receipt, "text": "Nog een detail over de auto."}
    )
    assert "Uw aanvulling is verstuurd" in response.content.decode()
    assert Message.objects.get().kind == Message.Kind.FROM_REPORTER


def test_leaving_clears_the_session_and_site_data(client, meldpunt):
    _, receipt = submit(client)
    _open(client, receipt)
    response = client.post("/melden/mijn-melding/afsluiten/")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response.cookies[SESSION_COOKIE].value == ""
    assert client.get("/melden/afsluiten/").status_code == 404
    assert "Melding openen" in client.get("/melden/mijn-melding/").content.decode()


def test_expired_csrf_token_keeps_what_was_typed_on_every_form(meldpunt):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get("/melden/")
    response = client.post(
        "/melden/", report_data(where="Bij de kerk", csrfmiddlewaretoken="verlopen")
    )
    assert response.status_code == 403 and "Bij de kerk" in response.content.decode()
    assert "verlopen" in response.content.decode() and Report.objects.count() == 0
    response = client.post(
        "/melden/mijn-melding/",
        {"receipt": "7KQ2-M9XD", "text": "Mijn antwoord", "csrfmiddlewaretoken": "verlopen"},
    )
    html = response.content.decode()
    assert (
        response.status_code == 403
        and "7KQ2-M9XD" in html
        and "Mijn antwoord" in html
        and "verlopen" in html
    )
    response = client.post("/melden/mijn-melding/afsluiten/", {"csrfmiddlewaretoken": "verlopen"})
    assert response["Clear-Site-Data"] and "Uw melding is gesloten" in response.content.decode()


def test_tampered_session_cookie_is_ignored(client, meldpunt):
    client.cookies[SESSION_COOKIE] = "bm9wZQ=="
    assert "Melding openen" in client.get("/melden/mijn-melding/").content.decode()


def test_figures_show_small_counts_as_under_five(client, meldpunt):
    for _ in range(6):
        submit(client, category=report_data()["category"])
        throttle.store().clear()  # rate limit
    submit(client, category=str(report_data()["category"] + 1))
    html = client.get("/melden/cijfers/").content.decode()
    assert '<td class="utrecht-table__cell utrecht-table__cell--numeric">6</td>' in html
    assert "&lt; 5" in html and ">1</td>" not in html


# --- attacks (security review of issue 8) --------------------------------------------------------


def test_photos_are_counted_before_any_is_decoded(client, meldpunt, settings, monkeypatch):
    """A few huge photos a minute took a worker's memory and seconds each: past the budget none is opened."""
    from samenaanpak.reports import forms

    settings.REPORT_CLIENT_HOURLY_PHOTOS = 3
    decoded = []
    real = forms.clean_photo
    monkeypatch.setattr(
        forms, "clean_photo", lambda name, data: decoded.append(name) or real(name, data)
    )
    assert submit(client, photos=[jpeg(), jpeg(), jpeg()])[1]
    assert len(decoded) == 3
    response, receipt = submit(client, description="Nog een melding met foto", photos=[jpeg()])
    html = response.content.decode()
    assert receipt is None and "veel foto" in html and "Nog een melding met foto" in html
    assert len(decoded) == 3  # the fourth photo was never decoded
    assert submit(client, description="Zonder foto")[1]  # the text alone still goes through


def test_png_with_too_many_pixels_is_refused_before_decoding(client, meldpunt):
    response, receipt = submit(client, photos=[upload(_png_header_only(5000, 4000), "scherm.png")])
    assert receipt is None and "scherm.png heeft te veel beeldpunten" in response.content.decode()


def test_large_phone_photo_is_decoded_at_reduced_scale_and_stored_smaller(client, meldpunt):
    _, receipt = submit(client, photos=[jpeg(size=(6000, 4000))])
    report = Report.objects.get()
    _, data = vault.open_file(
        vault.open_with_receipt(report, receipt), Attachment.objects.get().sealed_data
    )
    assert Image.open(io.BytesIO(data)).size == (2560, 1707)


def test_other_peoples_wrong_codes_never_delay_a_right_code(client, meldpunt):
    """31 failed lookups from 16 addresses made every lookup wait, also with the right code."""
    _, receipt = submit(client)
    for number in range(48):
        _open(client.__class__(REMOTE_ADDR=f"198.51.100.{number % 16}"), "7KQ2-M9XD-4HTE-PB31-ZW8C")
    reporter = client.__class__(REMOTE_ADDR="192.0.2.44")
    assert "Mijn melding" in _open(reporter, receipt).content.decode()
    # A guesser pays per try while the flood lasts: its next try waits.
    guesser = client.__class__(REMOTE_ADDR="198.51.100.3")
    assert "Wacht" in _open(guesser, "7KQ2-M9XD-4HTE-PB31-ZW8C").content.decode()


def test_a_copy_of_the_cookie_stops_working_after_leaving(client, meldpunt):
    _, receipt = submit(client)
    _open(client, receipt)
    copied = client.cookies[SESSION_COOKIE].value
    client.post("/melden/mijn-melding/afsluiten/")
    thief = client.__class__()
    thief.cookies[SESSION_COOKIE] = copied
    html = thief.get("/melden/mijn-melding/").content.decode()
    assert "Melding openen" in html and "fietsenhok" not in html
    response = thief.post("/melden/mijn-melding/", {"text": "Via een gestolen cookie"})
    assert Message.objects.count() == 0 and "Via een gestolen cookie" in response.content.decode()


@pytest.mark.parametrize("started", ["", "rommel", "eyJ0IjoxfQ:1abc:nep"])
def test_missing_or_forged_start_token_is_an_error_that_keeps_the_text(client, meldpunt, started):
    response = client.post("/melden/", report_data(started=started, where="Bij de molen"))
    html = response.content.decode()
    assert "Er is nog niets verstuurd" in html and "Bij de molen" in html
    assert Report.objects.count() == 0
    # The form now carries a valid token: sending it again works.
    again = html.split('name="started" value="')[1].split('"')[0]
    assert again and again != started


def test_category_of_a_team_without_a_key_is_not_offered_and_never_a_500(client, meldpunt):
    """Before any member of a new team has signed in, the team has no key: a report can't be sealed to it."""
    from django.contrib.auth.models import Group

    from samenaanpak.reports.models import Category, Team

    team = Team.objects.create(name="Nieuw team", group=Group.objects.create(name="Meldpunt nieuw"))
    category = Category.objects.create(name="Onderwerp zonder team", team=team)
    assert "Onderwerp zonder team" not in client.get("/melden/").content.decode()
    response, receipt = submit(client, category=category.pk)
    assert response.status_code == 200 and receipt is None
    assert (
        "Kies een van de onderwerpen" in response.content.decode() and Report.objects.count() == 0
    )


def test_a_double_click_on_a_reply_adds_it_once(client, meldpunt):
    _, receipt = submit(client)
    page = _open(client, receipt).content.decode()
    started = page.split('name="started" value="')[1].split('"')[0]
    for _ in range(2):
        response = client.post(
            "/melden/mijn-melding/", {"text": "Het was een blauwe auto.", "started": started}
        )
        assert "Uw aanvulling is verstuurd" in response.content.decode()
    assert Message.objects.count() == 1


def _progressive_jpeg(size):
    out = io.BytesIO()
    Image.new("RGB", size, (90, 10, 10)).save(out, format="JPEG", progressive=True, quality=20)
    out.seek(0)
    out.name = "progressief.jpg"
    return out


def test_large_progressive_jpeg_is_refused_before_decoding_and_a_small_one_is_fine(
    client, meldpunt
):
    """A progressive JPEG is decoded whole whatever the scale: 100 megapixels took 860 MB."""
    response, receipt = submit(client, photos=[_progressive_jpeg((5000, 4000))])
    assert (
        receipt is None and "progressief.jpg heeft te veel beeldpunten" in response.content.decode()
    )
    assert submit(client, photos=[_progressive_jpeg((3000, 2000))])[1]


def test_a_report_the_limits_refuse_has_its_photos_not_decoded(
    client, meldpunt, settings, monkeypatch
):
    from samenaanpak.reports import forms

    settings.REPORT_CLIENT_HOURLY_LIMIT = 1
    assert submit(client)[1]
    monkeypatch.setattr(
        forms, "clean_photo", lambda name, data: pytest.fail("decoded a refused report's photo")
    )
    response, receipt = submit(client, description="Tweede melding met foto", photos=[jpeg()])
    html = response.content.decode()
    assert receipt is None and "Meld Misdaad Anoniem" in html and "Tweede melding met foto" in html


def test_someone_elses_start_token_with_other_content_gets_no_code_and_stores_their_own(
    client, meldpunt
):
    """The duplicate check used the start token alone: whoever had it was shown the first reporter's code."""
    token = start_token(time.time() - 60)
    _, first = submit(client, started=token, description="Eerste melder")
    other = client.__class__(REMOTE_ADDR="198.51.100.77")
    response, second = submit(other, started=token, description="Iemand anders")
    assert first and second and first != second
    assert Report.objects.count() == 2
