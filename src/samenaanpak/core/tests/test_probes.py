"""The liveness and readiness probes (/gezond/leeft/ and /gezond/) as a kubelet sends them: over
plain http, with the pod's address as Host, while production redirects to https and allows only
the site's own host name."""

import pytest


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["samenaanpak.example.nl"]
    settings.SECURE_SSL_REDIRECT = True


POD = {"HTTP_HOST": "10.42.0.7:8000"}


def test_liveness_touches_neither_database_nor_cache(client, settings, production_hosts):
    # No django_db mark: any query fails the test. The cache is the database table here, so a
    # cache call would be a query too (also when CI points the cache at Redis).
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "x"},
    }
    response = client.get("/gezond/leeft/", **POD)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_readiness_answers_a_probe_from_any_host_over_http(client, production_hosts):
    response = client.get("/gezond/", **POD)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_other_paths_keep_the_host_check_and_the_https_redirect(client, production_hosts):
    assert client.get("/", **POD).status_code == 400
    assert client.get("/gezond/nietsbestaands/", **POD).status_code == 400
    response = client.get("/", HTTP_HOST="samenaanpak.example.nl")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://samenaanpak.example.nl/"


def test_probes_only_answer_get(client, production_hosts):
    assert client.post("/gezond/leeft/", **POD).status_code == 405


@pytest.mark.django_db
def test_readiness_fails_only_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import OperationalError, connection

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/gezond/", **POD)
    assert response.status_code == 503
    assert response.json()["status"] == "fout" and response.json()["database"] == "fout"


@pytest.mark.django_db
def test_readiness_fails_while_the_schema_is_behind_this_release(client):
    # An upgrade's new pods before the migrate Job finished, or an empty database by mistake.
    from django.db.migrations.recorder import MigrationRecorder

    latest = MigrationRecorder.Migration.objects.filter(app="core").order_by("-id").first()
    assert client.get("/gezond/", **POD).status_code == 200
    MigrationRecorder.Migration.objects.filter(pk=latest.pk).delete()
    response = client.get("/gezond/", **POD)
    assert response.status_code == 503 and response.json()["database"] == "fout"
