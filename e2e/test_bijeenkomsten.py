"""The meetings (/bijeenkomsten/) in a real browser on a phone (390x844), through real screens only.

- axe (0 violations), nothing wider than the phone and no CSP errors on: the list, the example
  parent evening, a 2015 meeting with its report, the sign-up form with errors (empty name, an
  invalid address: the summary on top, each error at its field, the text kept), the success
  state, the waiting-list state, the cancel-link page and its result.
- A resident finds the parent evening from the home page through the menu, signs up with a name
  and address, gets the confirmation mail (through the outbox, the task worker and a real SMTP
  server on loopback) with a calendar file that points back to the page, follows the cancel link
  from the mail (a GET only shows a button), cancels, and the first person on the waiting list
  gets the place and a mail "Er is een plek vrij" with a calendar file.

The resident only ever acts through the screens. The other people (who fill the meeting, who
waits) sign up through events.services.register, the code path of the sign-up form; a full
meeting is made by lowering its number of places, as an editor would. Screenshots in
/tmp/bijeenkomsten-shots/."""

import re
from pathlib import Path

import icalendar
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .screens import new_page, screenshot

SHOTS = Path("/tmp/bijeenkomsten-shots")
SLUG = "ouderavond-drugs-en-uitgaan"
TITLE = "Ouderavond over drugs en uitgaan (voorbeeld)"
EVENT_PATH = f"/bijeenkomsten/{SLUG}/"
PAST_SLUG = "startbijeenkomst-2-juli-2015"
RESIDENT = "ouder@example.org"


# --- helpers (also used by test_bijeenkomsten_backoffice.py) -------------------------------------


def shot(page, name):
    screenshot(page, SHOTS, name)


def public_screen(page, axe, name):
    """A resident's screen: screenshot, axe, nothing wider than the phone, no CSP errors."""
    shot(page, name)
    assert axe(page) == [], name
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"
    assert page.csp_errors == [], name


def staff_screen(page, axe, name):
    page.wait_for_load_state("networkidle")  # Wagtail's background requests
    shot(page, name)
    assert axe(page) == [], name


def run_worker():
    """The task worker, as `manage.py worker` runs it, until the queue is empty."""
    with open("/dev/null", "w") as devnull:
        call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=devnull)


def mails_to(smtp, address):
    return [m for m in smtp.inbox.messages if m["To"] == address]


def subject_of(message) -> str:
    """The subject as a mail program shows it (a long header arrives folded over lines)."""
    return " ".join(str(message["Subject"]).split())


def text_of(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text/plain part")


def calendar_of(message) -> icalendar.Event:
    """The one meeting in the mail's .ics attachment, parsed by icalendar."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "bijeenkomst.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    event.method = str(calendar.get("method"))
    return event


def keep(message, name):
    """The mail as it arrived, next to the screenshots, to read."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.eml").write_bytes(message.as_bytes())


def parent_evening():
    from samenaanpak.events.models import EventPage

    return EventPage.objects.get(slug=SLUG)


def fill(event, registered, waiting=0, capacity=None):
    """Other people sign up (the sign-up form's code path): `registered` take a place, then the
    meeting gets `capacity` places (lowered as an editor does; nobody loses a place) and
    `waiting` more sign up for the waiting list."""
    from samenaanpak.events import services
    from samenaanpak.events.models import EventPage

    people = [
        services.register(event, name=f"Buur {n}", email=f"buur{n}@example.org")
        for n in range(1, registered + 1)
    ]
    if capacity is not None:
        EventPage.objects.filter(pk=event.pk).update(capacity=capacity)
    people += [
        services.register(event, name=f"Wachtende {n}", email=f"wacht{n}@example.org")
        for n in range(1, waiting + 1)
    ]
    return people


def below(lower, upper):
    """`lower` starts under `upper` ends (stacked, not side by side)."""
    top = upper.bounding_box()
    assert lower.bounding_box()["y"] >= top["y"] + top["height"] - 1


def sign_up(page, name, email):
    form = page.locator("#aanmeldformulier")
    form.get_by_label("Uw naam").fill(name)
    form.get_by_label("Uw e-mailadres").fill(email)
    page.locator("#aanmeldknop").click()


# --- 1. axe on every kind of screen ----------------------------------------------------------------


@pytest.mark.browser
def test_meeting_screens_pass_axe_on_a_phone(site, browser, axe, settings):
    settings.SITE_URL = site.url
    page = new_page(browser)

    assert page.goto(site.url + "/bijeenkomsten/").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Bijeenkomsten")
    upcoming = page.locator("section:has(#komend) li.sa-event")
    expect(upcoming.filter(has_text=TITLE).locator(".sa-badge")).to_have_text("Voorbeeld")
    past = page.locator("section:has(#geweest) li.sa-event")
    expect(past).to_have_count(2)
    expect(past.get_by_role("link", name=re.compile("^Verslag"))).to_have_count(2)
    public_screen(page, axe, "axe-01-lijst")

    # The filter form (a GET, works without JavaScript).
    page.locator("#bijeenkomsten-filter").get_by_label("Bijeenkomsten van").select_option(
        label="Denktank Preventie"
    )
    page.locator("#bijeenkomsten-filter").get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"\?denktank="))
    expect(upcoming.filter(has_text=TITLE)).to_have_count(1)
    public_screen(page, axe, "axe-02-lijst-gefilterd")

    assert page.goto(site.url + EVENT_PATH).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".sa-event-example")).to_be_visible()
    expect(page.locator("a.sa-add-to-calendar")).to_have_text("Zet in mijn agenda")
    expect(page.locator("#aanmeldknop")).to_have_text("Aanmelden")
    # On a phone each fact's label stands above its value: the date gets the whole width.
    facts = page.locator(".sa-event-facts")
    below(facts.locator("dd").first, facts.get_by_text("Wanneer", exact=True))
    public_screen(page, axe, "axe-03-bijeenkomst")

    # Errors: an empty name, an invalid address. Nothing stored, the text kept.
    from samenaanpak.events.models import Registration

    page.locator("#aanmeldformulier").get_by_label("Uw e-mailadres").fill("ouder@example")
    page.locator("#aanmeldknop").click()
    summary = page.locator(".sa-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Fout:")
    expect(summary.get_by_role("link", name="Vul uw naam in.")).to_be_visible()
    expect(
        summary.get_by_role("link", name=re.compile("Vul een geldig e-mailadres in"))
    ).to_be_visible()
    expect(page.locator("#id_name-fout")).to_have_text(re.compile("Vul uw naam in."))
    expect(page.locator("#id_email-fout")).to_have_text(re.compile("Vul een geldig e-mailadres in"))
    expect(page.locator("#id_email")).to_have_value("ouder@example")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    # The summary above the fields.
    summary_box = summary.bounding_box()
    assert summary_box["y"] < page.locator("#id_name").bounding_box()["y"]
    assert Registration.objects.count() == 0
    public_screen(page, axe, "axe-04-fouten")

    # Success.
    page.locator("#id_name").fill("Anna de Vries")
    page.locator("#id_email").fill("anna@example.org")
    page.locator("#aanmeldknop").click()
    status = page.locator("#aanmelding-status")
    expect(status).to_contain_text("U bent aangemeld.")
    expect(page.locator("a.sa-cancel-link")).to_have_text("Afmelden")
    # The status's two lines stack (a flex row once squeezed them into two narrow columns).
    below(status.locator("p").nth(1), status.locator("p").first)
    public_screen(page, axe, "axe-05-aangemeld")
    cancel_href = page.locator("a.sa-cancel-link").get_attribute("href")

    # A full meeting: the waiting list, in another browser.
    event = parent_evening()
    fill(event, registered=2, capacity=3)
    other = new_page(browser)
    other.goto(site.url + EVENT_PATH)
    expect(other.locator(".sa-registration-full")).to_be_visible()
    expect(other.locator("#aanmeldknop")).to_have_text("Zet mij op de wachtlijst")
    public_screen(other, axe, "axe-06-vol")
    sign_up(other, "Bram Jansen", "bram@example.org")
    expect(other.locator("#aanmelding-status")).to_contain_text(
        "U staat op de wachtlijst, plaats 1."
    )
    expect(other.locator("a.sa-cancel-link")).to_have_text("Van de wachtlijst af")
    public_screen(other, axe, "axe-07-wachtlijst")
    other.goto(site.url + "/bijeenkomsten/")
    expect(
        other.locator("section:has(#komend) li.sa-event", has_text=TITLE).locator(".sa-badge")
    ).to_have_text(["Voorbeeld", "Vol – wachtlijst"])
    other.context.close()

    # The cancel page (GET: a button, nothing cancelled) and its result.
    page.goto(cancel_href if cancel_href.startswith("http") else site.url + cancel_href)
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmelden")
    expect(page.locator("#afmeldknop")).to_have_text("Afmelden")
    assert Registration.objects.get(email="anna@example.org").status == "aangemeld"
    public_screen(page, axe, "axe-08-afmelden")
    page.locator("#afmeldknop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("U bent afgemeld")
    expect(page.locator(".sa-cancel-result")).to_be_visible()
    public_screen(page, axe, "axe-09-afgemeld")
    assert Registration.objects.get(email="anna@example.org").status == "afgemeld"
    assert Registration.objects.get(email="bram@example.org").status == "aangemeld"

    # A 2015 meeting with its report (no form, no "Zet in mijn agenda").
    page.goto(site.url + "/bijeenkomsten/")
    page.locator("section:has(#geweest) li.sa-event", has_text="Startbijeenkomst").get_by_role(
        "link", name=re.compile("^Verslag")
    ).click()
    expect(page).to_have_url(re.compile(rf"/bijeenkomsten/{PAST_SLUG}/#verslag$"))
    expect(page.get_by_role("heading", name="Verslag")).to_be_visible()
    expect(page.get_by_role("region", name="Verslag")).to_contain_text("ruim vijfenzeventig mensen")
    expect(page.locator("#aanmeldformulier")).to_have_count(0)
    expect(page.locator("a.sa-add-to-calendar")).to_have_count(0)
    public_screen(page, axe, "axe-10-verslag")
    page.context.close()


# --- 2. the resident's way, on a phone ------------------------------------------------------------


@pytest.mark.browser
def test_phone_sign_up_mail_ics_cancel_link_and_the_waiting_list_moves_up(
    site, browser, axe, smtp, db_tasks, settings
):
    from samenaanpak.events.models import Registration

    settings.SITE_URL = site.url  # the links in the mails and calendars lead to this server
    event = parent_evening()
    fill(event, registered=2, capacity=3)  # one place left, for the resident
    run_worker()  # what loading the content and the neighbours' sign-ups queued
    smtp.inbox.messages.clear()

    page = new_page(browser)
    page.goto(site.url + "/")
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Agenda", exact=True
    ).click()
    page.wait_for_url("**/bijeenkomsten/")
    item = page.locator("section:has(#komend) li.sa-event", has_text=TITLE)
    expect(item).to_contain_text("Voor: ouders")
    public_screen(page, axe, "flow-01-lijst")
    item.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".sa-places-left")).to_have_text("Nog 1 plek vrij.")
    public_screen(page, axe, "flow-02-bijeenkomst")
    # "Zet in mijn agenda": the same meeting (UID) as the mail's attachment will carry.
    href = page.locator("a.sa-add-to-calendar").get_attribute("href")
    response = page.request.get(site.url + href if href.startswith("/") else href)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    [page_ics] = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")

    sign_up(page, "Carla Bos", RESIDENT)
    expect(page.locator("#aanmelding-status")).to_contain_text("U bent aangemeld.")
    expect(page.locator("#aanmelding-status")).to_contain_text(RESIDENT)
    public_screen(page, axe, "flow-03-aangemeld")
    assert mails_to(smtp, RESIDENT) == []  # in the outbox, not sent before the worker runs
    run_worker()

    [confirmation] = mails_to(smtp, RESIDENT)
    keep(confirmation, "mail-1-bevestiging")
    assert subject_of(confirmation) == f"U bent aangemeld: {TITLE}"
    text = text_of(confirmation)
    assert "Beste Carla Bos," in text
    ics = calendar_of(confirmation)
    assert ics.method == "PUBLISH"
    assert str(ics["uid"]).startswith(f"bijeenkomst-{event.pk}@")
    assert str(ics["uid"]) == str(page_ics["uid"])
    assert ics.decoded("dtstart") == event.start
    assert str(ics["url"]) == site.url + EVENT_PATH
    assert str(ics["status"]) == "CONFIRMED"
    assert page.goto(str(ics["url"])).status == 200  # the calendar's link leads to the page

    # The meeting is full now; someone else goes on the waiting list.
    [waiting] = fill(event, registered=0, waiting=1)
    assert waiting.status == "wachtlijst"
    run_worker()

    # The cancel link from the mail, opened in the browser: a button, nothing cancelled yet.
    link = re.search(r"https?://\S+/bijeenkomsten/afmelden/\S+/", text).group(0)
    assert link.startswith(site.url)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmelden")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    public_screen(page, axe, "flow-04-afmelden")
    mine = Registration.objects.get(email=RESIDENT)
    assert mine.status == "aangemeld"
    page.locator("#afmeldknop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("U bent afgemeld")
    expect(page.locator(".sa-cancel-result")).to_contain_text("Dank u wel")
    public_screen(page, axe, "flow-05-afgemeld")
    mine.refresh_from_db()
    assert mine.status == "afgemeld"
    waiting.refresh_from_db()
    assert waiting.status == "aangemeld"

    run_worker()
    [_, cancelled] = mails_to(smtp, RESIDENT)
    assert subject_of(cancelled) == f"U bent afgemeld: {TITLE}"
    [promoted] = mails_to(smtp, "wacht1@example.org")[-1:]
    keep(promoted, "mail-2-plek-vrij")
    assert subject_of(promoted) == f"Er is een plek vrij: u bent aangemeld voor {TITLE}"
    assert "Er is een plek vrijgekomen" in text_of(promoted)
    promoted_ics = calendar_of(promoted)
    assert str(promoted_ics["uid"]) == str(ics["uid"])
    assert str(promoted_ics["url"]) == site.url + EVENT_PATH

    # The same link again: already cancelled, nothing happens twice.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("U bent al afgemeld")
    page.goto(site.url + EVENT_PATH)
    expect(page.locator("#aanmeldknop")).to_have_text("Zet mij op de wachtlijst")  # full again
    page.context.close()
