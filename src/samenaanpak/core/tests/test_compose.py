"""deploy/compose.yaml, the single-host setup. No container engine runs here, so the file is read
and the structure the setup relies on is checked: one image and one set of settings for every
app service, the entrypoint's commands, the migration before everything else, hardened
containers; and the nginx configuration it mounts is exactly what deploy/nginx_conf.py renders
from the shipped template (and passes `nginx -t` where nginx is installed)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[4]
DEPLOY = REPO / "deploy"
sys.path.insert(0, str(DEPLOY))
import nginx_conf  # noqa: E402 - deploy/ is not a package

APP_SERVICES = {
    "migrate": ["migrate"],
    "web1": ["web"],
    "web2": ["web"],
    "worker": ["worker"],
    "scheduler": ["scheduler"],
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_every_app_service_runs_the_same_image_and_settings_hardened(compose):
    services = compose["services"]
    first = services["web1"]
    for name, command in APP_SERVICES.items():
        service = services[name]
        assert service["command"] == command, name
        for key in ("image", "env_file", "environment", "volumes"):
            assert service[key] == first[key], (name, key)
        assert service["user"] == "1000:1000", name
        assert service["read_only"] is True, name
        assert service["tmpfs"] == ["/tmp"], name
        assert service["volumes"] == ["data:/data"], name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
    assert first["environment"]["BEHIND_TLS_PROXY"] == "1"
    assert first["environment"]["TRUSTED_CLIENT_IP_HEADER"] == "HTTP_X_REAL_IP"


def test_the_migration_runs_once_before_every_app_service(compose):
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    assert "migrate" not in services["migrate"]["depends_on"]
    for name in set(APP_SERVICES) - {"migrate"}:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
        assert services[name]["restart"] == "unless-stopped", name
    for name in APP_SERVICES:
        for backing in ("postgres", "redis"):
            assert services[name]["depends_on"][backing] == {"condition": "service_healthy"}


def test_backing_services_and_health(compose):
    services = compose["services"]
    assert services["postgres"]["image"].endswith("/postgres:15")
    assert services["redis"]["image"].endswith("/redis:7")
    for name in ("postgres", "redis", "web1", "web2"):
        assert services[name]["healthcheck"]["test"], name
    # The web health check asks /gezond/ with the site's host and as https.
    check = " ".join(services["web1"]["healthcheck"]["test"])
    assert "/gezond/" in check and "ALLOWED_HOSTS" in check and "https" in check
    # nginx balances both web servers and waits until they are healthy.
    nginx = services["nginx"]
    for web in ("web1", "web2"):
        assert nginx["depends_on"][web]["condition"] == "service_healthy"
    assert "./compose/nginx.conf:/etc/nginx/samenaanpak.conf:ro" in nginx["volumes"]
    assert nginx["read_only"] is True and nginx["cap_drop"] == ["ALL"]


def test_env_example_names_every_variable_the_file_needs(compose):
    text = (DEPLOY / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", text))
    example = (DEPLOY / ".env.example").read_text()
    assert example.startswith("# EXAMPLE ONLY")
    values = dict(
        line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#")
    )
    assert required <= set(values), required - set(values)
    for key in ("SECRET_KEY", "REPORT_RECEIPT_PEPPER", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_URL"):
        assert key in values, key
    for key in ("SECRET_KEY", "REPORT_RECEIPT_PEPPER", "POSTGRES_PASSWORD", "REDIS_PASSWORD"):
        assert values[key] == "CHANGE-ME", key
    assert not values["SAMENAANPAK_IMAGE"].endswith(":latest")


def test_the_committed_nginx_conf_is_what_nginx_conf_renders(monkeypatch):
    monkeypatch.delenv("ADMIN_PATH", raising=False)
    committed = nginx_conf.COMPOSE_CONF.read_text()
    assert committed == nginx_conf.compose(), "run: python deploy/nginx_conf.py compose"
    assert "server web1:8000 max_fails=1 fail_timeout=10s;" in committed
    assert "server web2:8000 max_fails=1 fail_timeout=10s;" in committed
    assert "listen 8443 ssl;" in committed and "listen 127.0.0.1" not in committed
    directives = [line for line in committed.splitlines() if not line.strip().startswith("#")]
    assert not [line for line in directives if "{{" in line]


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")), reason="nginx or openssl missing"
)
def test_the_compose_nginx_conf_passes_nginx_t(tmp_path, monkeypatch):
    monkeypatch.delenv("ADMIN_PATH", raising=False)
    (tmp_path / "tls").mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
            "-keyout",
            tmp_path / "tls/privkey.pem",
            "-out",
            tmp_path / "tls/fullchain.pem",
        ],
        check=True,
        capture_output=True,
    )
    # The same text with this machine's paths (web1/web2 do not resolve here).
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx_conf.compose(
            directory=tmp_path,
            tls=tmp_path / "tls",
            error_pages=DEPLOY / "error-pages",
            upstream="127.0.0.1:8000,127.0.0.2:8000",
        )
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0
    if shutil.which("docker")
    else True,
    reason="docker compose is not installed",
)
def test_docker_compose_config_accepts_the_file(tmp_path):
    env = tmp_path / ".env"
    env.write_text((DEPLOY / ".env.example").read_text())
    result = subprocess.run(
        ["docker", "compose", "-f", DEPLOY / "compose.yaml", "--env-file", env, "config", "-q"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
