"""The vrijplaats (/vrijplaats/) in real browsers, through real screens only.

- axe (0 violations) on the index, a category, a thread, the new-topic form with its errors (empty,
  then a phone number: the screening message, the text kept), the house rules, the join page with
  errors and the moderators' queue with items in it.
- A young person on a phone signs up (the code from the mail), joins (pseudonym, age 15, house
  rules), starts a topic that waits for a moderator and nobody else sees; a moderator signs in
  with an authenticator app and approves it; three trusted members report it until it is hidden;
  the moderator restores it.
- Crisis words: the help box (113, Kindertelefoon) before anything is stored; placed on request,
  visible, on top of the queue and marked urgent.
- Bad input: HTML and a script tag shown as text; a blocked member told clearly why.

The young person under test only ever acts through the screens. The other actors (the trusted
reporters' accounts and members, the staff account, a moderator's block) are set up through the
factories and services. Screenshots in /tmp/vrijplaats-shots/."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from samenaanpak.tests.factories import UserFactory

from .screens import DESKTOP, new_page, screenshot
from .two_factor import enrol

SHOTS = Path("/tmp/vrijplaats-shots")
PASSWORD = "een-lang-wachtwoord-123"
QUEUE = "/beheer/vrijplaats/"


# --- helpers -------------------------------------------------------------------------------------


def shot(page, name):
    screenshot(page, SHOTS, name)


def fits(page):
    """Nothing sticks out sideways on the phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px wide"


def public_screen(page, axe, name):
    """A young person's screen: screenshot, axe, nothing wider than the phone, no CSP errors."""
    shot(page, name)
    assert axe(page) == [], name
    fits(page)
    assert page.csp_errors == [], name


def staff_screen(page, axe, name):
    page.wait_for_load_state("networkidle")  # Wagtail's background requests
    shot(page, name)
    assert axe(page) == [], name


def sign_up(page, site, smtp, email, display_name):
    """The real account screens: the form, then the six-digit code from the mail."""
    page.goto(site.url + "/account/aanmelden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Account aanmaken")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Schermnaam").fill(display_name)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (nog een keer)").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig uw e-mailadres")
    [message] = [m for m in smtp.inbox.messages if m["To"] == email]
    code = re.search(r"\b(\d{6})\b", message.get_payload(decode=True).decode()).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Bevestigen").click()


def sign_in(page, site, email, next_path=""):
    page.goto(site.url + "/account/inloggen/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Inloggen")


def join(page, site, pseudonym, age="15"):
    """The join screen: pseudonym, age, the house rules accepted."""
    page.goto(site.url + "/vrijplaats/meedoen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Doe mee aan de vrijplaats")
    page.get_by_label("Je schuilnaam").fill(pseudonym)
    page.get_by_label("Hoe oud ben je?").fill(age)
    page.get_by_label("Ik heb de huisregels gelezen en houd me eraan.").check()
    page.get_by_role("button", name="Meedoen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vrijplaats")


def resident(email, name):
    """A public account as sign-up leaves it (for actors whose sign-up is not under test)."""
    from samenaanpak.accounts.tests.factories import public_account

    return public_account(name, email=email)


def trusted_member(email, pseudonym):
    """A background actor: a member a moderator set to trusted (level 1)."""
    from samenaanpak.forum.tests.factories import MemberFactory

    return MemberFactory(user=resident(email, pseudonym), pseudonym=pseudonym, trusted=True)


def moderator_account(username="moderator"):
    user = UserFactory(username=username, email=f"{username}@gemeente.example")
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


def start_topic(page, site, category, title, text):
    page.goto(site.url + f"/vrijplaats/{category}/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw onderwerp")
    page.get_by_label("Titel van je onderwerp").fill(title)
    page.get_by_label("Je bericht").fill(text)
    page.get_by_role("button", name="Onderwerp plaatsen").click()


def queue_item(page, title):
    """The queue's section of the item about the topic `title`."""
    return page.locator("section.sa-moderation-item").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(title)))
    )


def counts():
    from samenaanpak.forum.models import Post, Thread

    return Thread.objects.count(), Post.objects.count()


# --- 1. axe on every kind of screen ----------------------------------------------------------------


@pytest.mark.browser
def test_vrijplaats_screens_pass_axe(site, browser, axe):
    from samenaanpak.forum.models import Thread

    example = Thread.objects.filter(is_public=True, category__slug="praat-erover").first()
    page = new_page(browser)
    for name, path in (
        ("01-index", "/vrijplaats/"),
        ("02-categorie", "/vrijplaats/praat-erover/"),
        ("03-onderwerp", f"/vrijplaats/onderwerp/{example.pk}/"),
        ("04-huisregels", "/vrijplaats/huisregels/"),
    ):
        assert page.goto(site.url + path).status == 200, path
        public_screen(page, axe, f"axe-{name}")

    resident("jongere@example.org", "Jongere")
    sign_in(page, site, "jongere@example.org", "/vrijplaats/meedoen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Doe mee aan de vrijplaats")
    page.get_by_role("button", name="Meedoen").click()  # everything empty
    expect(page.locator(".sa-error-summary")).to_be_focused()
    assert page.title().startswith("Fout:")
    expect(page.locator(".sa-error-summary")).to_contain_text("Kies een schuilnaam.")
    public_screen(page, axe, "axe-05-meedoen-fouten")
    join(page, site, "Merel_15")

    page.goto(site.url + "/vrijplaats/praat-erover/nieuw/")
    page.get_by_role("button", name="Onderwerp plaatsen").click()  # empty
    assert page.title().startswith("Fout:")
    expect(page.locator(".sa-error-summary")).to_contain_text("Je bericht is nog leeg")
    public_screen(page, axe, "axe-06-nieuw-leeg")
    text = "Wie wil er zaterdag mee naar de skatebaan? App me op 06-12345678."
    page.get_by_label("Titel van je onderwerp").fill("Skaten in Nijkerk")
    page.get_by_label("Je bericht").fill(text)
    before = counts()
    page.get_by_role("button", name="Onderwerp plaatsen").click()
    expect(page.get_by_role("alert")).to_contain_text("een telefoonnummer")
    assert page.title().startswith("Fout:")
    expect(page.get_by_label("Je bericht")).to_have_value(text)  # nothing typed is lost
    expect(page.get_by_label("Titel van je onderwerp")).to_have_value("Skaten in Nijkerk")
    assert counts() == before
    public_screen(page, axe, "axe-07-nieuw-telefoonnummer")
    page.get_by_label("Je bericht").fill("Wie wil er zaterdag mee naar de skatebaan?")
    page.get_by_role("button", name="Onderwerp plaatsen").click()
    expect(page.get_by_text("Wacht op een moderator.")).to_be_visible()
    page.context.close()

    # The queue with items in it (the topic above, and a crisis item).
    moderator_account()
    staff = new_page(browser, DESKTOP)
    enrol(staff, site.url + QUEUE, "moderator")
    staff.goto(site.url + QUEUE)
    expect(queue_item(staff, "Skaten in Nijkerk")).to_be_visible()
    assert staff.title().startswith("Vrijplaats: wachtrij")
    assert "Recent verwijderd" not in staff.title()  # the title once carried a page section
    staff_screen(staff, axe, "axe-08-wachtrij")
    staff.context.close()


# --- 2. the whole way of a topic, on a phone --------------------------------------------------------


@pytest.mark.browser
def test_phone_topic_held_approved_reported_hidden_restored(site, browser, axe, smtp):
    from samenaanpak.forum.models import Thread

    title = "Hoe zeg ik tegen mijn ouders dat ik gestopt ben met vapen?"
    moderator_account()
    reporters = [trusted_member(f"melder{n}@example.org", f"Melder_{n}") for n in range(1, 4)]

    # A young person signs up on the real screens, then joins.
    young = new_page(browser)
    young.goto(site.url + "/vrijplaats/")
    expect(young.get_by_role("heading", level=1)).to_have_text("Vrijplaats")
    public_screen(young, axe, "flow-01-vrijplaats")
    sign_up(young, site, smtp, "sam@example.org", "Sam")
    young.goto(site.url + "/vrijplaats/praat-erover/")
    young.get_by_role("link", name="Begin een nieuw onderwerp").click()
    # Signed in, not yet a member: the join screen first, and then onward to the form.
    expect(young.get_by_role("heading", level=1)).to_have_text("Doe mee aan de vrijplaats")
    public_screen(young, axe, "flow-02-meedoen")
    young.get_by_label("Je schuilnaam").fill("Sterretje15")
    young.get_by_label("Hoe oud ben je?").fill("15")
    young.get_by_label("Ik heb de huisregels gelezen en houd me eraan.").check()
    young.get_by_role("button", name="Meedoen").click()
    expect(young.get_by_role("heading", level=1)).to_have_text("Nieuw onderwerp")
    public_screen(young, axe, "flow-03-nieuw-onderwerp")
    young.get_by_label("Titel van je onderwerp").fill(title)
    young.get_by_label("Je bericht").fill(
        "Ik vapete elke dag, nu al drie weken niet meer. Ik wil het mijn ouders vertellen maar "
        "weet niet hoe ze reageren. Tips?"
    )
    young.get_by_role("button", name="Onderwerp plaatsen").click()
    expect(young.get_by_role("heading", level=1)).to_have_text(title)
    expect(young.get_by_text(re.compile("wacht op een moderator", re.I))).to_be_visible()
    public_screen(young, axe, "flow-04-wacht")
    thread_url = young.url.split("#")[0]
    thread = Thread.objects.get(title=title)

    # Nobody else sees it: not a visitor, not another member.
    visitor = new_page(browser)
    assert visitor.goto(thread_url).status == 404
    visitor.goto(site.url + "/vrijplaats/praat-erover/")
    expect(visitor.get_by_text(title)).to_have_count(0)
    other = new_page(browser)
    sign_in(other, site, reporters[0].user.email)
    assert other.goto(thread_url).status == 404

    # The moderator approves it in the queue.
    staff = new_page(browser, DESKTOP)
    enrol(staff, site.url + QUEUE, "moderator")
    staff.goto(site.url + QUEUE)
    item = queue_item(staff, title)
    expect(item).to_contain_text("Wacht op goedkeuring")
    expect(item).to_contain_text("Sterretje15")
    staff_screen(staff, axe, "flow-05-wachtrij")
    item.get_by_role("button", name="Goedkeuren").click()
    expect(staff.get_by_text("Het bericht staat op de site.")).to_be_visible()
    expect(queue_item(staff, title)).to_have_count(0)

    assert visitor.goto(thread_url).status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.get_by_text("drie weken niet meer")).to_be_visible()
    public_screen(visitor, axe, "flow-06-zichtbaar-voor-bezoeker")

    # Three trusted members report it: hidden until a moderator looks.
    for number, reporter in enumerate(reporters, start=1):
        page = other if number == 1 else new_page(browser)
        if number > 1:
            sign_in(page, site, reporter.user.email)
        page.goto(thread_url)
        page.get_by_role("link", name=re.compile(r"^Melden")).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bericht melden")
        if number == 1:
            public_screen(page, axe, "flow-07-melden")
        page.get_by_label("Spam of reclame").check()
        page.get_by_role("button", name="Melding versturen").click()
        expect(page.get_by_text("Bedankt voor je melding.")).to_be_visible()
        page.context.close()
    # A hidden opening post takes its topic with it: gone from the list and its address.
    assert visitor.goto(thread_url).status == 404
    visitor.goto(site.url + "/vrijplaats/praat-erover/")
    expect(visitor.get_by_text(title)).to_have_count(0)
    public_screen(visitor, axe, "flow-08-verborgen-voor-bezoeker")
    young.reload()
    notice = young.get_by_text("Je bericht is verborgen na meldingen.")
    expect(notice).to_be_visible()
    # The alert's two lines stack (a flex row once squeezed them into two narrow columns).
    link = young.get_by_role("link", name="Pas aan en vraag om herbeoordeling")
    assert link.bounding_box()["y"] >= notice.bounding_box()["y"] + notice.bounding_box()["height"]
    public_screen(young, axe, "flow-09-verborgen-voor-schrijver")

    # The moderator restores it.
    staff.goto(site.url + QUEUE)
    item = queue_item(staff, title)
    expect(item).to_contain_text("Verborgen na meldingen")
    expect(item).to_contain_text("3 meldingen")
    staff_screen(staff, axe, "flow-10-wachtrij-verborgen")
    item.get_by_role("button", name="Terugzetten").click()
    expect(staff.get_by_text("Het bericht staat weer op de site.")).to_be_visible()
    assert visitor.goto(thread_url).status == 200
    expect(visitor.get_by_text("drie weken niet meer")).to_be_visible()
    public_screen(visitor, axe, "flow-11-weer-zichtbaar")
    thread.refresh_from_db()
    assert thread.is_public
    for page in (young, visitor, staff):
        page.context.close()


# --- 3. crisis words -------------------------------------------------------------------------------


@pytest.mark.browser
def test_crisis_words_show_help_first_then_a_new_members_post_waits_urgent_on_top(
    site, browser, axe
):
    """A crisis word is no way past the moderators: the new member sees the help, is told a
    moderator reads it first, and the post waits, urgent, on top of the queue."""
    from samenaanpak.forum.models import Post

    title = "Het gaat niet goed"
    text = "Alles is zwaar op school en thuis. Soms denk ik: ik wil niet meer leven."
    moderator_account()
    # Something older in the queue, so "on top" means something.
    young = new_page(browser)
    resident("noor@example.org", "Noor")
    sign_in(young, site, "noor@example.org", "/vrijplaats/")
    join(young, site, "Maanlicht")
    start_topic(young, site, "praat-erover", "Wie gaat er mee zwemmen?", "Zaterdag, wie gaat mee?")
    expect(young.get_by_text("Wacht op een moderator.")).to_be_visible()

    before = counts()
    start_topic(young, site, "praat-erover", title, text)
    expect(young.get_by_role("heading", level=1)).to_have_text(
        "Eerst even dit: je bent niet alleen"
    )
    main = young.locator("main")
    expect(main.get_by_role("link", name="0800-0113").first).to_be_visible()
    expect(main.get_by_role("link", name="0800-0113").first).to_have_attribute(
        "href", "tel:08000113"
    )
    expect(main.get_by_role("link", name="0800-0432").first).to_be_visible()  # Kindertelefoon
    expect(young.get_by_label("Je bericht")).to_have_value(text)
    expect(main.get_by_text("Een moderator leest het eerst")).to_be_visible()
    assert counts() == before  # nothing stored before they choose
    public_screen(young, axe, "crisis-01-hulp")

    young.get_by_role("button", name="Plaats mijn bericht").click()
    expect(young.get_by_role("heading", level=1)).to_have_text(title)
    expect(young.get_by_text("ik wil niet meer leven")).to_be_visible()
    expect(young.get_by_text("Wacht op een moderator.")).to_be_visible()
    expect(young.get_by_text("Kun je niet wachten?")).to_be_visible()  # the help, after too
    public_screen(young, axe, "crisis-02-wacht")
    thread_url = young.url.split("#")[0]
    post = Post.objects.get(thread__title=title)
    assert post.urgent and post.status == "wacht" and post.hold_reason == "nieuw"

    visitor = new_page(browser)
    assert visitor.goto(thread_url).status == 404  # not public before a moderator looked

    staff = new_page(browser, DESKTOP)
    enrol(staff, site.url + QUEUE, "moderator")
    staff.goto(site.url + QUEUE)
    items = staff.locator("section.sa-moderation-item")
    expect(items).to_have_count(2)
    expect(items.first.get_by_role("heading")).to_contain_text(title)
    expect(items.first.get_by_role("heading")).to_contain_text("Urgent: mogelijk in nood")
    expect(items.nth(1).get_by_role("heading")).not_to_contain_text("Urgent")
    staff_screen(staff, axe, "crisis-03-wachtrij")
    for page in (young, visitor, staff):
        page.context.close()


# --- 4. bad input ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_markup_is_shown_as_text_and_a_blocked_member_is_told_why(site, browser, axe):
    from samenaanpak.forum import moderation
    from samenaanpak.forum.models import Member

    script = '<script>alert("xss")</script><b>vet</b> <img src=x onerror="alert(1)">'
    young = new_page(browser)
    dialogs = []
    young.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    resident("kai@example.org", "Kai")
    sign_in(young, site, "kai@example.org", "/vrijplaats/")
    join(young, site, "Kai_2010", age="16")
    start_topic(young, site, "vrije-tijd", "<i>Schuin</i> <script>alert(2)</script>", script)
    expect(young.get_by_text("Wacht op een moderator.")).to_be_visible()
    expect(young.get_by_role("heading", level=1)).to_have_text(
        "<i>Schuin</i> <script>alert(2)</script>"
    )
    text = young.locator(".sa-forum-post__text")
    expect(text).to_contain_text('<script>alert("xss")</script><b>vet</b>')
    assert text.locator("script, b, img").count() == 0
    assert young.evaluate("document.title").startswith("<i>Schuin</i>")
    young.wait_for_timeout(200)  # an onerror would have fired by now
    assert dialogs == []
    public_screen(young, axe, "bad-01-markup-als-tekst")

    # A moderator (a background actor) blocks the member; the screens say so, clearly.
    moderation.block(
        Member.objects.get(pseudonym="Kai_2010"),
        moderator_account(),
        days=7,
        reason="Je plaatste telefoonnummers van anderen",
    )
    young.goto(site.url + "/vrijplaats/vrije-tijd/nieuw/")
    alert = young.get_by_role("alert")
    expect(alert).to_contain_text("Je account is geblokkeerd tot")
    expect(alert).to_contain_text("Je plaatste telefoonnummers van anderen")
    expect(alert).to_contain_text("Lezen kan nog wel")
    public_screen(young, axe, "bad-02-geblokkeerd")
    before = counts()
    young.get_by_label("Titel van je onderwerp").fill("Toch proberen")
    young.get_by_label("Je bericht").fill("Mag ik nog iets zeggen?")
    young.get_by_role("button", name="Onderwerp plaatsen").click()
    expect(young.get_by_role("alert")).to_contain_text("Je account is geblokkeerd tot")
    expect(young.get_by_label("Je bericht")).to_have_value("Mag ik nog iets zeggen?")
    assert counts() == before
    young.context.close()
