"""Two app servers on one database and cache, as behind a load balancer: every request of one
visitor goes to the other server than the one before. Rate limits, the login lockout, the meldpunt's
delays and session, CSRF, sessions, the two-factor sign-in and the meldpunt key all hold across them,
and the same form sent to both at the same instant is stored once. Real gunicorn processes, real
form posts; on SQLite (a file) and, when DATABASE_URL/REDIS_URL are set, PostgreSQL and Redis."""

import re
import threading

import pytest

from samenaanpak.accounts.tests.factories import PASSWORD as RESIDENT_PASSWORD
from samenaanpak.accounts.tests.factories import public_account
from samenaanpak.reports.demo import DEMO_HANDLER, DEMO_PASSWORD
from samenaanpak.tests.replicas import (
    app_servers,
    count,
    form_fields,
    main_text,
    receipt_in,
    rows,
    staff_first_sign_in,
    staff_login,
    visitor,
)
from samenaanpak.tests.servers import database_url

pytestmark = pytest.mark.django_db(transaction=True)

CATEGORY = re.compile(r'name="category"[^>]*value="(\d+)"|<option value="(\d+)"')
REPORT_LIMIT = 3


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The servers check passwords with the production hashers, so the accounts are made with them
    (instead of the test suite's fast MD5, which they do not know)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _category(html: str) -> str:
    return next(a or b for a, b in CATEGORY.findall(html) if a or b)


def _report_form(session, node) -> dict:
    html = session.get(f"{node}/melden/").text
    return {
        **form_fields(html),
        "category": _category(html),
        "where": "",
        "place": "",
        "when": "",
        "name": "",
        "email": "",
        "phone": "",
        "website": "",
    }


def _report(session, form_node, post_node, description):
    data = {**_report_form(session, form_node), "description": description}
    return session.post(f"{post_node}/melden/", data=data)


def _lookup(session, node, receipt):
    html = session.get(f"{node}/melden/mijn-melding/").text
    return session.post(
        f"{node}/melden/mijn-melding/", data={**form_fields(html), "receipt": receipt}
    )


def test_public_side_across_two_app_servers(meldpunt, tmp_path):
    public_account("Bert", email="bert@example.org")  # an account exists; signing in is the test
    url = database_url(tmp_path)
    with app_servers(tmp_path, url=url, REPORT_CLIENT_HOURLY_LIMIT=REPORT_LIMIT) as (a, b):
        # CSRF: the token and cookie that node A gave are accepted by node B; the report is stored.
        reporter = visitor("192.0.2.1")
        response = _report(reporter, a, b, "Bij de sporthal wordt gedeald.")
        receipt = receipt_in(response.text)
        assert response.status_code == 200 and receipt, main_text(response.text)
        assert count(url, "reports_report") == 1

        # The receipt made on A opens the report on B; the meldpunt's session (its own encrypted
        # cookie, revocable in the shared store) then works on A.
        response = _lookup(reporter, b, receipt)
        assert "Bij de sporthal wordt gedeald." in response.text
        assert "Bij de sporthal wordt gedeald." in reporter.get(f"{a}/melden/mijn-melding/").text
        # "Afsluiten" on B revokes the session in the shared store: a copy of the cookie stops on A.
        copy = dict(reporter.cookies.get_dict(path="/melden/mijn-melding/"))
        html = reporter.get(f"{b}/melden/mijn-melding/").text
        reporter.post(f"{b}/melden/mijn-melding/afsluiten/", data=form_fields(html))
        thief = visitor("192.0.2.1")
        for name, value in copy.items():
            thief.cookies.set(name, value, path="/melden/mijn-melding/")
        assert "Bij de sporthal wordt gedeald." not in thief.get(f"{a}/melden/mijn-melding/").text

        # Wrong receipts: three free tries spread over both nodes, then the delay the third one set
        # holds on the other node as well.
        guesser = visitor("192.0.2.2")
        wrong = "7KQ2-M9XD-4HTE-PB31-ZW8C"
        for node in (a, b, a):
            assert "Deze meldcode kennen we niet" in _lookup(guesser, node, wrong).text
        assert "Wacht" in _lookup(guesser, b, wrong).text
        # ... and only for that client: the reporter's own code still opens at once on B.
        assert "Bij de sporthal wordt gedeald." in _lookup(visitor("192.0.2.1"), b, receipt).text

        # The hourly limit per client counts on both nodes together.
        sender = visitor("192.0.2.3")
        for number, node in enumerate((a, b, a)[:REPORT_LIMIT]):
            response = _report(sender, node, node, f"Melding {number}")
            assert response.status_code == 200 and receipt_in(response.text), number
        refused = _report(sender, a, b, "Nog een melding")
        assert "al een aantal meldingen gedaan" in refused.text and not receipt_in(refused.text)
        assert count(url, "reports_report") == 1 + REPORT_LIMIT

        # The same filled-in form sent to both nodes at the same instant (a double click that the
        # load balancer spread) is stored once; both answers show its receipt.
        twice = visitor("192.0.2.4")
        data = {**_report_form(twice, a), "description": "Twee keer verstuurd."}
        answers, barrier = {}, threading.Barrier(2)

        def post(node):
            barrier.wait()
            answers[node] = twice.post(f"{node}/melden/", data=data)

        threads = [threading.Thread(target=post, args=(node,)) for node in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert {answer.status_code for answer in answers.values()} == {200}
        receipts = {receipt_in(answer.text) for answer in answers.values()}
        assert len(receipts) == 1 and None not in receipts, receipts
        assert count(url, "reports_report") == 2 + REPORT_LIMIT

        # A resident signs in on B with the form from A, and is signed in on A.
        resident = visitor("192.0.2.5")
        html = resident.get(f"{a}/account/inloggen/").text
        response = resident.post(
            f"{b}/account/inloggen/",
            data={**form_fields(html), "login": "bert@example.org", "password": RESIDENT_PASSWORD},
            allow_redirects=False,
        )
        assert response.status_code == 302, main_text(response.text)
        overview = resident.get(f"{a}/account/", allow_redirects=False)
        assert overview.status_code == 200 and "Bert" in overview.text
        # Signing out on A ends the session on B too (it lives in the database).
        html = resident.get(f"{a}/account/uitloggen/").text
        resident.post(f"{a}/account/uitloggen/", data=form_fields(html))
        assert resident.get(f"{b}/account/", allow_redirects=False).status_code == 302

        # A sign-in code asked for on A (allauth keeps the pending sign-in in the session) is
        # accepted on B. The code is read from the mail in the outbox, as the resident reads it.
        by_code = visitor("192.0.2.6")
        html = by_code.get(f"{a}/account/inloggen/code/").text
        response = by_code.post(
            f"{a}/account/inloggen/code/",
            data={**form_fields(html), "email": "bert@example.org"},
            allow_redirects=False,
        )
        assert response.status_code == 302, main_text(response.text)
        [(body,)] = rows(
            url, 'SELECT body FROM core_outgoingemail WHERE "to" = %s', ["bert@example.org"]
        )
        code = re.search(r"\b(\d{6})\b", body).group(1)
        html = by_code.get(f"{b}/account/inloggen/code/invullen/").text
        by_code.post(
            f"{b}/account/inloggen/code/invullen/", data={**form_fields(html), "code": code}
        )
        overview = by_code.get(f"{a}/account/", allow_redirects=False)
        assert overview.status_code == 200 and "Bert" in overview.text


def test_back_office_across_two_app_servers(meldpunt, tmp_path, settings):
    url = database_url(tmp_path)
    with app_servers(tmp_path, url=url) as (a, b):
        reporter = visitor("198.51.100.1")
        receipt = receipt_in(_report(reporter, a, b, "Een melding voor het team.").text)
        assert receipt
        [(report_id,)] = rows(url, "SELECT id FROM reports_report")

        # Failed logins spread over both nodes lock the client out on both, even with the right
        # password (django-axes counts in the shared throttle store).
        guesser = visitor("198.51.100.2")
        statuses = [
            staff_login(guesser, (a, b)[attempt % 2], DEMO_HANDLER, "fout-wachtwoord-1").status_code
            for attempt in range(settings.AXES_FAILURE_LIMIT)
        ]
        assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the 5th locks
        for node in (a, b):
            assert staff_login(guesser, node, DEMO_HANDLER, DEMO_PASSWORD).status_code == 429

        # A handler's first sign-in: the password on A (which unlocks the meldpunt key into the
        # session and the key cookie), the authenticator setup on B, its code on A; then B opens
        # the report with the key from the session and the cookie.
        handler = visitor("198.51.100.3")
        staff_first_sign_in(handler, (a, b, a), DEMO_HANDLER, DEMO_PASSWORD)
        opened = handler.get(f"{b}/beheer/meldpunt/{report_id}/")
        assert opened.status_code == 200 and "Een melding voor het team." in opened.text
        assert "Een melding voor het team." in handler.get(f"{a}/beheer/meldpunt/{report_id}/").text
