"""While the database cannot be reached, people get a Dutch 503 that says nothing was sent and gives
back what they typed: never Django's 500, never a page that pretends to have worked."""

import pytest
from django.db import OperationalError
from django.db.backends import utils
from django.test import Client

from samenaanpak.core.public_forms import start_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_away(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError(
            'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
        )

    def away():
        monkeypatch.setattr(utils.CursorWrapper, "execute", refuse)
        monkeypatch.setattr(utils.CursorWrapper, "executemany", refuse)

    return away


def test_a_page_during_an_outage_is_a_dutch_503(meldpunt, database_away):
    client = Client(raise_request_exception=False)
    database_away()
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "120"
    assert "De site is even niet beschikbaar" in html and "0800-0113" in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("url", "data", "typed"),
    [
        (
            "/vragen/",
            {
                "text": "Mijn vraag over mijn zoon",
                "topic": "hulp",
                "name": "Anna",
                "email": "",
                "consent": "on",
                "website": "",
            },
            ["Mijn vraag over mijn zoon", "Anna"],
        ),
        (
            "/melden/",
            {
                "category": "1",
                "description": "Er wordt gedeald bij de brug",
                "where": "",
                "place": "",
                "when": "",
                "name": "",
                "email": "",
                "phone": "",
                "website": "",
            },
            ["Er wordt gedeald bij de brug"],
        ),
    ],
)
def test_a_form_sent_during_an_outage_says_nothing_was_sent_and_gives_the_text_back(
    meldpunt, database_away, url, data, typed
):
    client = Client(raise_request_exception=False)
    database_away()
    response = client.post(url, {**data, "started": start_token(0)})
    html = response.content.decode()
    assert response.status_code == 503
    assert "waarschijnlijk niet aangekomen" in html and "niet twee keer opgeslagen" in html
    for value in typed:
        assert value in html
    assert "consent" not in html and "topic" not in html  # only what a person typed, with a label
    assert "started" not in html.split("<main>")[1]  # the form machinery is not shown back


def test_a_save_that_fails_midway_leaves_no_reservation_and_the_retry_is_stored(
    meldpunt, monkeypatch
):
    """The duplicate key was reserved before the save and outlived a failed one: every retry of the
    form for 24 hours was told "already stored" while nothing was."""
    from samenaanpak.reports.models import QuarterCount, Report
    from samenaanpak.reports.tests.helpers import RECEIPT_GROUP, report_data

    client = Client(raise_request_exception=False)
    data = report_data(description="Melding tijdens een storing")
    real_update = QuarterCount.objects.filter

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    from samenaanpak.core.throttle import ThrottleStore

    # The database goes late in the report's transaction, and stays away for a cleanup after it.
    monkeypatch.setattr(QuarterCount.objects, "filter", database_gone)
    monkeypatch.setattr(ThrottleStore, "delete", lambda *args, **kwargs: database_gone())
    assert client.post("/melden/", data).status_code == 503
    assert Report.objects.count() == 0
    monkeypatch.setattr(QuarterCount.objects, "filter", real_update)
    retry = client.post("/melden/", data)
    html = retry.content.decode()
    assert RECEIPT_GROUP.findall(html) and "al verstuurd" not in html
    assert Report.objects.count() == 1


def test_an_outage_logs_one_line_a_minute_not_a_traceback_per_request():
    """A 61-second outage printed 63,203 lines (4.1 MB): a 90-line traceback for every request."""
    import logging
    import sys

    from samenaanpak.core.logging import DatabaseOutageFilter

    gate = DatabaseOutageFilter()
    records = []
    for _ in range(50):
        try:
            try:
                raise OperationalError("connection refused")
            except OperationalError as error:
                raise RuntimeError("wrapped") from error
        except RuntimeError:
            records.append(
                logging.LogRecord(
                    "django.request",
                    logging.ERROR,
                    __file__,
                    1,
                    "Service Unavailable: %s",
                    ("/vragen/",),
                    sys.exc_info(),
                )
            )
    passed = [record for record in records if gate.filter(record)]
    assert len(passed) == 1 and passed[0].exc_info is None
    assert (
        passed[0].getMessage()
        == "database unavailable (OperationalError); 0 similar error(s) suppressed in the last minute"
    )
    other = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "something else", (), None
    )
    assert gate.filter(other)  # other errors pass as before


def test_a_report_stored_just_before_the_database_went_still_shows_its_code(meldpunt, monkeypatch):
    from samenaanpak.reports import views
    from samenaanpak.reports.models import Report
    from samenaanpak.reports.tests.helpers import report_data

    real_render = views._render

    def render(page, request, template, **context):
        if template == "reports/received.html":
            raise OperationalError("server closed the connection unexpectedly")
        return real_render(page, request, template, **context)

    monkeypatch.setattr(views, "_render", render)
    response = Client(raise_request_exception=False).post("/melden/", report_data())
    html = response.content.decode()
    assert response.status_code == 200 and Report.objects.count() == 1
    code = html.split('class="receipt"')[1].split(">", 1)[1].split("<")[0]
    assert len(code.split("-")) == 5 and "no-store" in response["Cache-Control"]
