"""The cache (Redis in production) going away: the site serves every page uncached, and the
readiness probe says so while it stays ready. A real Redis server is started and then shut down under the site."""

import shutil
import socket
import subprocess
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

PAGES = ["/", "/plan-van-aanpak/", "/hulp/", "/melden/", "/denk-mee/", "/zoeken/?q=hulp"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield port, process
    process.kill()
    process.wait()


@pytest.mark.django_db
def test_every_page_is_served_while_redis_is_down_and_the_probe_reports_it(
    client, nijkerk, own_redis
):
    port, process = own_redis
    redis_cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
    # override_settings resets the cache handler (django.test.signals)
    with override_settings(CACHES={**settings.CACHES, "default": redis_cache}):
        assert "django_redis" in type(caches["default"]).__module__
        assert client.get("/gezond/").json()["cache"] == "ok"
        for path in PAGES:
            assert client.get(path).status_code == 200, path
        process.terminate()
        process.wait()
        for path in PAGES:
            assert client.get(path).status_code == 200, path
        response = client.get("/gezond/")  # still ready: the pages above were served
        assert response.status_code == 200
        assert response.json() == {"status": "beperkt", "database": "ok", "cache": "fout"}
