"""The header's account link: visitors without a session cookie get "Inloggen" without the session
being read, so public pages stay cacheable for everyone."""

import pytest

from .conftest import log_in, make_resident


@pytest.mark.django_db
def test_visitors_without_a_session_get_the_login_link_and_the_session_is_not_read(client, nijkerk):
    response = client.get("/")
    page = response.content.decode()
    assert 'class="sa-account-link" href="/account/inloggen/"' in page and "Inloggen" in page
    assert response.wsgi_request.session.accessed is False
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies  # no cookie set either


@pytest.mark.django_db
def test_a_signed_in_resident_gets_my_account(client, nijkerk):
    resident = make_resident()
    log_in(client, resident.email)
    page = client.get("/hulp/").content.decode()
    assert 'class="sa-account-link" href="/account/"' in page and "Mijn account" in page
