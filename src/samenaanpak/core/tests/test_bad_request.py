"""A request Django refuses before any form sees it (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a
host not in ALLOWED_HOSTS): a Dutch page that says what happened and what to do, never Django's
English "Bad Request (400)", never a 500, never cached."""

import re

import pytest
from django.test import Client

from samenaanpak.questions.models import Question
from samenaanpak.reports.models import Report

pytestmark = pytest.mark.django_db

TEXT_OVER_LIMIT = "Dit is een hele lange tekst. " * 110_000  # about 3 MB, the limit is 2.5 MB
DUTCH = ("Wat u stuurde, konden wij niet verwerken", "Er is niets opgeslagen", "tot 10 MB per foto")


@pytest.fixture
def pages(meldpunt):
    from samenaanpak.core.content import load_content

    load_content("nijkerk", only={"pages", "faq"}, pages={"vragen"})


def _csrf_client(url):
    client = Client(enforce_csrf_checks=True)
    html = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client, token


def _assert_dutch_400(response):
    assert response.status_code == 400
    html = response.content.decode()
    for text in DUTCH:
        assert text in html, text
    assert "Bad Request" not in html
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(("url", "field"), [("/vragen/", "text"), ("/melden/", "description")])
def test_three_megabytes_of_text_get_a_dutch_400_and_nothing_is_stored(pages, url, field):
    client, token = _csrf_client(
        url
    )  # through the CSRF check, as a browser: it reads the body first
    response = client.post(url, {"csrfmiddlewaretoken": token, field: TEXT_OVER_LIMIT})
    _assert_dutch_400(response)
    assert 'class="sa-nav' in response.content.decode()  # the site's own page, with its menu
    assert not Question.objects.exists() and not Report.objects.exists()


def test_the_meldpunt_keeps_its_headers_on_the_400(pages):
    client, token = _csrf_client("/melden/")
    response = client.post(
        "/melden/", {"csrfmiddlewaretoken": token, "description": TEXT_OVER_LIMIT}
    )
    _assert_dutch_400(response)
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_hundred_megabyte_form_is_refused_by_its_length_alone(pages):
    # Django refuses a form body by its Content-Length before reading it; the test client sends
    # a small body under a large length, which is all the server gets to look at.
    response = Client().post(
        "/vragen/",
        "text=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    _assert_dutch_400(response)


def test_a_foreign_host_gets_the_dutch_page_not_a_500(pages):
    response = Client().get("/melden/", HTTP_HOST="kwaadaardig.example")
    _assert_dutch_400(response)


def test_the_400_page_needs_no_database(pages):
    # The database away (or the site tree broken): the site's page cannot be built, a plain one can.
    from django.db import OperationalError, connection

    def database_away(execute, sql, params, many, context):
        raise OperationalError("database is away")

    client, token = _csrf_client("/vragen/")
    with connection.execute_wrapper(
        database_away
    ):  # the CSRF check reads the body before any query
        response = client.post("/vragen/", {"csrfmiddlewaretoken": token, "text": TEXT_OVER_LIMIT})
    _assert_dutch_400(response)
    assert (
        'class="sa-nav' not in response.content.decode()
        and "tel:113" not in response.content.decode()
    )
    assert 'href="tel:112"' in response.content.decode()  # still the emergency numbers
