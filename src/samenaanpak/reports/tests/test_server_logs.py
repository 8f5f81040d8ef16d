"""What the real web servers print while a reporter uses the meldpunt: nothing that names /melden/.
A request line there would date each report (the numbers are sequential): gunicorn's access log
(`make serve`) and Django's development server (`make run`) print none, the error logs no path.
All of it recognises the meldpunt by its address, so the page cannot leave /melden/."""

import re

import pytest

from samenaanpak.tests import servers
from samenaanpak.tests.servers import free_port, procfile_command, raw_request, request, running

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served_db(meldpunt, tmp_path):
    from samenaanpak.core.content import load_content

    load_content("nijkerk", only={"pages", "faq"}, pages={"vragen"})
    return servers.database_url(tmp_path)


def _visit_meldpunt_and_questions(port):
    assert request(port, "GET", "/melden/")[0] == 200
    assert request(port, "GET", "/melden")[0] == 301
    assert (
        request(
            port,
            "POST",
            "/melden/",
            b"description=iets",
            {"Content-Type": "application/x-www-form-urlencoded"},
        )[0]
        == 403
    )  # no CSRF token
    assert request(port, "GET", "/melden/onbekend/")[0] == 404
    assert request(port, "GET", "/melden/", headers={"Host": "kwaadaardig.example"})[0] == 400
    # Percent-encoded, it is still the meldpunt; the request line must not pass either.
    assert request(port, "GET", "/%6Delden/onbekend/")[0] == 404
    assert request(port, "GET", "/%6Delden/", headers={"Host": "kwaadaardig.example"})[0] == 400
    assert request(port, "GET", "/vragen/")[0] == 200
    assert request(port, "GET", "/vragen/onbekend/")[0] == 404


def test_gunicorn_as_in_make_serve_prints_no_request_of_the_meldpunt(served_db, tmp_path):
    port = free_port()
    env = {**servers.production_env(tmp_path, port), "DATABASE_URL": served_db}
    with running(procfile_command("Procfile"), tmp_path=tmp_path, port=port, env=env) as output:
        _visit_meldpunt_and_questions(port)
        # A report over the 2.5 MB form limit: the Dutch page, and no more in the log than the rest.
        # (Just over it: Django stops reading at the limit, and gunicorn drains only 64 KB of what
        # is left before it closes; more unread data would reset the connection under the reply.)
        status, headers, html = request(port, "GET", "/melden/")
        cookie = next(
            c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken=")
        )
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = (
            b"".join(
                b'--grens\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % part
                for part in (
                    (b"csrfmiddlewaretoken", token),
                    (b"description", b"x" * (2_621_440 + 20_000)),
                )
            )
            + b"--grens--\r\n"
        )
        status, headers, html = request(
            port,
            "POST",
            "/melden/",
            body,
            {"Cookie": cookie, "Content-Type": "multipart/form-data; boundary=grens"},
        )
        assert status == 400 and "Wat u stuurde, konden wij niet verwerken" in html.decode(), (
            status,
            html[:300],
        )
        # Malformed requests end in gunicorn itself, which logs them in its error log.
        assert b" 400 " in raw_request(
            port, b"GET /melden/ HTTP/1.1\r\nHost: 127.0.0.1\r\nKapot Veld: x\r\n\r\n"
        )
        assert b" 400 " in raw_request(port, b"GET /melden/mijn-melding/ HTTP/9.x\r\n\r\n")
        logs = output(waiting_for="GET /vragen/onbekend/ 404")
    assert "GET /vragen/ 200" in logs, (
        logs
    )  # the access log works: it is the meldpunt that is missing
    assert "/melden" not in logs and "%6delden" not in logs.lower(), logs
    assert "Invalid request from ip=-" in logs and "ip=127.0.0.1" not in logs, logs


def test_development_server_as_in_make_run_prints_no_request_of_the_meldpunt(served_db, tmp_path):
    port = free_port()
    env = {"DATABASE_URL": served_db, "SAMENAANPAK_ENV": "development"}
    with running(
        procfile_command("Procfile.dev") + " --noreload", tmp_path=tmp_path, port=port, env=env
    ) as output:
        _visit_meldpunt_and_questions(port)
        logs = output(waiting_for="GET /vragen/onbekend/")
    assert 'GET /vragen/onbekend/ HTTP/1.1" 404' in logs, (
        logs
    )  # it logs 4xx request lines, except the meldpunt's
    assert "/melden" not in logs and "%6delden" not in logs.lower(), logs


def test_an_editor_cannot_move_the_meldpunt_away_from_its_protected_address(
    client, meldpunt, verified_login
):
    # Everything above recognises the meldpunt by /melden/; at another address it would have no protection.
    from django.urls import reverse

    from samenaanpak.reports.models import ReportPage
    from samenaanpak.tests.factories import UserFactory

    page = ReportPage.objects.get()
    verified_login(client, UserFactory(username="hoofdredacteur", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {"title": page.title, "slug": "meldpunt", "intro": page.intro, "action-publish": "1"},
    )
    assert (
        response.status_code == 200
        and "Het meldpunt blijft op /melden/" in response.content.decode()
    )
    page.refresh_from_db()
    assert page.url_path.endswith("/melden/") and page.live


def test_make_run_shows_the_site_as_residents_see_it(served_db, tmp_path):
    """make run had DEBUG on: a wrong address showed Django's yellow debug page, not the Dutch 404."""
    port = free_port()
    env = {
        "DATABASE_URL": served_db,
        "SAMENAANPAK_ENV": "development",
        "DEBUG": "0",
    }  # as the Makefile's run
    with running(
        procfile_command("Procfile.dev") + " --noreload", tmp_path=tmp_path, port=port, env=env
    ):
        status, _, html = request(port, "GET", "/bestaat-niet/")
        assert (
            status == 404
            and "Pagina niet gevonden" in html.decode()
            and "Traceback" not in html.decode()
        )
        assert (
            request(port, "GET", "/static/css/site.css")[0] == 200
        )  # without DEBUG, WhiteNoise serves it
    makefile = (servers.ROOT / "Makefile").read_text()
    assert 'DEBUG="$${DEBUG:-0}"' in makefile.split("\nrun: db")[1].split("\n\n")[0]
