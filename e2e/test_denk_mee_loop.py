"""The whole Denk mee loop in real browsers, through real screens only: a resident on a phone signs
up (the code from the mail), gives an idea (their first: it waits); a moderator, mailed by the
minute job, links an authenticator app on the real setup screen and publishes it; a member of the
think tank answers "overgenomen" with an action; the resident gets that answer at once as a service
mail although they chose the daily digest; the member moves the action forward; the daily digest
(the scheduler's minute job at 07:00) carries that change; the one-click unsubscribe works as a
mail program's POST (no cookies, no CSRF token) while a GET only shows a button; after it no bulk
mail comes.

Mail goes through the outbox, the task worker (`manage.py worker`, as in production: tasks are
stored, not run at once) and a real SMTP server on loopback. Nothing a person makes on these
screens is written into the database by the test; the staff accounts and the content (its
example actions made real, as an editor would) are the starting point. axe on every public
screen; screenshots in var/screenshots/loop/."""

import datetime
import re
import urllib.error
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from samenaanpak.core import scheduler
from samenaanpak.tests.factories import UserFactory

from .two_factor import enrol

SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots" / "loop"
PASSWORD = "een-lang-wachtwoord-123"
RESIDENT = "ouder@example.org"
IDEA = "Trainers praten op de sportclub over drugs"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def run_worker():
    """The task worker, as `manage.py worker` runs it, until the queue is empty."""
    with open("/dev/null", "w") as devnull:
        call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=devnull)


def body(message) -> str:
    return message.get_payload(decode=True).decode()


def mails_to(smtp, address):
    return [m for m in smtp.inbox.messages if m["To"] == address]


def too_wide(page) -> list[str]:
    """Elements that stick out of the screen (a phone must not scroll sideways)."""
    return page.evaluate("""() => [document.documentElement, ...document.querySelectorAll('main *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > innerWidth + 1)
        .filter(e => getComputedStyle(e).overflowX !== 'auto' && !e.closest('.sa-visually-hidden, .sa-honeypot'))
        .map(e => e.tagName + '.' + e.className)""")


def public_screen(page, axe, name):
    """A resident's screen: screenshot, axe (0 violations), nothing wider than the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe(page) == [], name
    assert too_wide(page) == [], name
    assert page.csp_errors == [], name


def keep(message, name):
    """The mail as it arrived, next to the screenshots, to read."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.eml").write_bytes(message.as_bytes())


def staff_screen(page, axe, name):
    """A back-office screen of ours (desktop): after Wagtail's background requests, screenshot
    and axe."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if axe is not None:
        assert axe(page) == [], name


def digest_moment(now, days_later):
    """The scheduler's minute at the digest time (NOTIFICATION_DIGEST_TIME), `days_later`."""
    from django.conf import settings

    hour, minute = map(int, settings.NOTIFICATION_DIGEST_TIME.split(":"))
    local = now.astimezone(ZoneInfo("Europe/Amsterdam")) + datetime.timedelta(days=days_later)
    return local.replace(hour=hour, minute=minute, second=20, microsecond=0)


def one_click_post(url):
    """What a mail program does with List-Unsubscribe-Post (RFC 8058): a bare POST, no cookies,
    no CSRF token, the body `List-Unsubscribe=One-Click`."""
    request = urllib.request.Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.browser
def test_idea_to_answer_to_action_progress_to_digest_to_unsubscribe(
    site_examples_made_real,
    browser,
    axe,
    smtp,
    db_tasks,
    settings,
):
    from django.utils import timezone

    from samenaanpak.plan.models import Action

    site = site_examples_made_real
    settings.SITE_URL = site.url  # the links in the mails lead to this server
    start = timezone.now()
    moderator = UserFactory(username="moderator", email="moderator@gemeente.example")
    moderator.groups.add(Group.objects.get(name="Moderator"))
    member = UserFactory(username="lid-preventie", email="lid@gemeente.example")
    member.groups.add(Group.objects.get(name="Denktank Preventie"))
    action = Action.objects.get(title="Weerbaarheidstraining bij sportverenigingen")  # gepland
    run_worker()  # what loading the content queued (search indexing)

    resident_context = browser.new_context(locale="nl-NL", viewport=PHONE)
    resident = resident_context.new_page()
    resident.csp_errors = []
    resident.on(
        "console",
        lambda msg: (
            resident.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )

    # 1. Sign up on a phone; the code comes by mail.
    resident.goto(site.url + "/denk-mee/")
    expect(resident.get_by_role("heading", level=1)).to_have_text("Denk mee")
    public_screen(resident, axe, "01-denk-mee")
    resident.get_by_role("link", name="Log in om een idee te geven").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Inloggen")
    public_screen(resident, axe, "02-inloggen")
    resident.get_by_role("link", name="Maak een account aan").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Account aanmaken")
    resident.get_by_label("E-mailadres").fill(RESIDENT)
    resident.get_by_label("Schermnaam").fill("Ouder uit Nijkerk")
    resident.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    resident.get_by_label("Wachtwoord (nog een keer)").fill(PASSWORD)
    public_screen(resident, axe, "03-aanmelden")
    resident.get_by_role("button", name="Account aanmaken").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Bevestig uw e-mailadres")
    public_screen(resident, axe, "04-code")
    assert mails_to(smtp, RESIDENT) == []  # stored in the outbox, not yet sent
    run_worker()
    [verification] = mails_to(smtp, RESIDENT)
    assert "List-Unsubscribe" not in verification  # a service mail
    code = re.search(r"\b(\d{6})\b", body(verification)).group(1)
    resident.get_by_label("Code").fill(code)
    resident.get_by_role("button", name="Bevestigen").click()

    # 2. The idea (the first of a new account: it waits for a moderator).
    expect(resident.get_by_role("heading", level=1)).to_have_text("Geef een idee")
    public_screen(resident, axe, "05-idee-formulier")
    resident.get_by_label("Titel van uw idee").fill(IDEA)
    resident.get_by_label("Aan welke denktank geeft u uw idee?").select_option(label="Preventie")
    resident.locator("#id_text").fill(
        "Trainers zien de jongeren elke week. Geef ze een avond uitleg, zodat ze het gesprek "
        "over drugs durven te voeren."
    )
    resident.get_by_role("button", name="Idee versturen").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(IDEA)
    expect(resident.get_by_text("bekijkt een moderator het eerst")).to_be_visible()
    public_screen(resident, axe, "06-idee-wacht")
    idea_url = resident.url

    # The settings: daily digest (the default, chosen here on the screen).
    resident.goto(site.url + "/account/meldingen/")
    resident.get_by_label("Eén keer per dag").check()
    resident.get_by_role("button", name="Opslaan").click()
    expect(resident.get_by_role("status")).to_have_text("Opgeslagen.")
    public_screen(resident, axe, "07-meldingen-dagelijks")

    # A visitor does not see the waiting idea.
    visitor = browser.new_context(locale="nl-NL", viewport=PHONE).new_page()
    assert visitor.goto(idea_url).status == 404
    visitor.context.close()

    # 3. The minute job mails the moderators; the moderator follows the link and publishes.
    scheduler.every_minute()
    run_worker()
    [to_moderator] = mails_to(smtp, moderator.email)
    queue_url = re.search(r"http://\S+/beheer/denk-mee/moderatie/", body(to_moderator)).group(0)
    staff_context = browser.new_context(locale="nl-NL", viewport=DESKTOP)
    staff = staff_context.new_page()
    enrol(staff, queue_url, "moderator")
    staff.goto(queue_url)
    expect(staff.get_by_role("heading", name=IDEA)).to_be_visible()
    staff_screen(staff, axe, "08-moderatie")
    staff.get_by_role("button", name="Plaatsen", exact=True).click()
    expect(staff.get_by_text("staat op de site")).to_be_visible()
    staff_context.close()
    run_worker()
    placed = mails_to(smtp, RESIDENT)[-1]
    assert "List-Unsubscribe" not in placed

    resident.goto(idea_url)
    expect(resident.get_by_text("bekijkt een moderator het eerst")).to_have_count(0)
    expect(resident.get_by_text("U volgt dit.")).to_be_visible()  # the author follows it
    public_screen(resident, axe, "09-idee-geplaatst")

    # 4. A member of the think tank answers "overgenomen" and links the action.
    staff_context = browser.new_context(locale="nl-NL", viewport=DESKTOP)
    staff = staff_context.new_page()
    enrol(staff, site.url + "/beheer/denk-mee/", "lid-preventie")
    staff.goto(site.url + "/beheer/denk-mee/")
    staff.get_by_role("link", name=IDEA).click()
    staff.get_by_label("Overgenomen", exact=True).check()
    staff.get_by_label("Toelichting (openbaar, bij het idee)").fill(
        "Goed idee: de trainers krijgen de uitleg bij de weerbaarheidstraining."
    )
    staff.get_by_label(action.title, exact=False).first.check()
    staff_screen(staff, axe, "10-antwoord")
    staff.get_by_role("button", name="Antwoord opslaan").click()
    expect(staff.get_by_text(f"Het antwoord op “{IDEA}” is opgeslagen")).to_be_visible()

    # The answer reaches the resident at once, as a service mail, although they chose "dagelijks".
    before = len(mails_to(smtp, RESIDENT))
    run_worker()
    [answer] = mails_to(smtp, RESIDENT)[before:]
    assert answer["Subject"] == "De denktank heeft uw idee beantwoord"
    assert "List-Unsubscribe" not in answer and "List-Unsubscribe-Post" not in answer
    assert "trainers krijgen de uitleg" in body(answer)
    keep(answer, "mail-antwoord")

    resident.goto(idea_url)
    expect(resident.get_by_role("heading", name="Antwoord van de denktank")).to_be_visible()
    expect(resident.get_by_text(action.title).first).to_be_visible()
    public_screen(resident, axe, "11-idee-beantwoord")

    # The action's think tank page names the idea it came from.
    resident.goto(site.url + "/denktanks/preventie/")
    card = resident.locator(".sa-action", has_text=action.title)
    expect(card.get_by_role("link", name=IDEA)).to_have_attribute("href", idea_url[len(site.url) :])
    public_screen(resident, axe, "11b-denktank")

    # 5. The member moves the action forward.
    staff.goto(f"{site.url}/beheer/acties/edit/{action.pk}/")
    staff.locator("#id_new_status").select_option("in_uitvoering")
    staff.locator("#id_new_progress").fill("40")
    staff.locator("#id_note").fill("De eerste drie clubs doen mee")
    # Wagtail's own snippet edit view: its header has no <h1> (axe's best-practice rule), so
    # only the screenshot here.
    staff_screen(staff, None, "12-actie")
    staff.get_by_role("button", name="Opslaan").click()
    staff.wait_for_url(f"{site.url}/beheer/acties/")
    before = len(mails_to(smtp, RESIDENT))
    run_worker()  # the fan-out: a delivery waits for the digest, no mail now
    assert mails_to(smtp, RESIDENT)[before:] == []

    resident.goto(idea_url)
    expect(resident.locator("main")).to_contain_text("40")
    public_screen(resident, axe, "13-idee-voortgang")

    # 6. The next morning at the digest time the scheduler's minute job sends the digest.
    scheduler.every_minute(digest_moment(start, days_later=1))
    run_worker()
    [digest] = mails_to(smtp, RESIDENT)[before:]
    text = body(digest)
    keep(digest, "mail-overzicht")
    assert action.title in text and "40" in text, text
    assert IDEA in text
    unsubscribe_url = re.fullmatch(r"\s*<(\S+)>", digest["List-Unsubscribe"]).group(1)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url.startswith(site.url + "/volgen/afmelden/")
    assert not re.search(r"<img|utm_|/r/|track", text, re.IGNORECASE)  # no tracking

    # 7. One-click unsubscribe. A GET (a link scanner, or a person clicking) shows a button and
    # changes nothing; the mail program's POST unsubscribes at once.
    resident.goto(unsubscribe_url)
    expect(resident.get_by_role("heading", level=1)).to_have_text("Afmelden")
    expect(resident.get_by_role("button", name="Afmelden voor alle e-mail")).to_be_visible()
    public_screen(resident, axe, "14-afmelden-get")
    resident.goto(site.url + "/account/meldingen/")
    expect(resident.get_by_label("Eén keer per dag")).to_be_checked()

    status, headers = one_click_post(unsubscribe_url)
    assert status == 200 and "Set-Cookie" not in headers
    resident.goto(site.url + "/account/meldingen/")
    expect(resident.get_by_label("Geen e-mail")).to_be_checked()
    public_screen(resident, axe, "15-meldingen-na-afmelden")
    resident.goto(unsubscribe_url)  # the used link no longer works
    expect(resident.get_by_role("heading", level=1)).not_to_have_text("Afmelden")
    public_screen(resident, axe, "16-afmelden-link-gebruikt")

    # 8. No more bulk mail: a new step of the action, the next digest time.
    staff.goto(f"{site.url}/beheer/acties/edit/{action.pk}/")
    staff.locator("#id_new_status").select_option("in_uitvoering")
    staff.locator("#id_new_progress").fill("80")
    staff.locator("#id_note").fill("Bijna alle clubs doen mee")
    staff.get_by_role("button", name="Opslaan").click()
    staff.wait_for_url(f"{site.url}/beheer/acties/")
    staff_context.close()
    before = len(mails_to(smtp, RESIDENT))
    run_worker()
    scheduler.every_minute(digest_moment(start, days_later=2))
    scheduler.every_minute(digest_moment(start, days_later=9))  # the weekly one too
    run_worker()
    assert mails_to(smtp, RESIDENT)[before:] == []
    resident_context.close()
