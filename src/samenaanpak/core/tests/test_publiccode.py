"""publiccode.yml follows the Standard for Public Code, version 0.4: the keys the reference parser
(publiccode-parser-go, a Go program, so not run here) requires for v0.x files, with their allowed
values and lengths. The parser also fetches the url; that needs the published repository."""

import datetime
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[4]

# The parser's v0 categories that fit this kind of software; every category used must be one.
CATEGORIES = {
    "blog",
    "collaboration",
    "communications",
    "content-management",
    "customer-service-and-support",
    "data-collection",
    "digital-citizenship",
    "event-management",
    "feedback-and-reviews-management",
    "help-desk",
    "knowledge-management",
    "online-community",
    "project-management",
    "service-desk",
    "survey",
    "website-builder",
}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}


def load():
    return yaml.safe_load((ROOT / "publiccode.yml").read_text())


def test_publiccode_yml_has_the_required_keys_of_version_0_4():
    data = load()
    assert data["publiccodeYmlVersion"] in {"0.4", "0.4.0"}
    assert data["name"]
    assert re.match(r"https://[^\s/]+/\S+", data["url"])
    assert data["platforms"] and all(isinstance(p, str) for p in data["platforms"])
    assert set(data["categories"]) <= CATEGORIES
    assert data["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert data["softwareType"] in SOFTWARE_TYPES
    if "releaseDate" in data:
        datetime.date.fromisoformat(str(data["releaseDate"]))
    assert data["legal"]["license"] == "EUPL-1.2"
    maintenance = data["maintenance"]
    assert maintenance["type"] in {"internal", "contract", "community", "none"}
    if maintenance["type"] in {"internal", "community"}:
        assert maintenance["contacts"] and all(c["name"] for c in maintenance["contacts"])
    assert data["localisation"]["localisationReady"] is True
    assert data["localisation"]["availableLanguages"] == ["nl", "en"]
    for dependency in data.get("dependsOn", {}).get("open", []):
        assert dependency["name"]


def test_publiccode_yml_descriptions_fit_the_limits():
    descriptions = load()["description"]
    assert set(descriptions) == {"nl", "en"}
    for language, description in descriptions.items():
        assert 0 < len(description["shortDescription"]) <= 150, language
        assert 150 <= len(description["longDescription"]) <= 10000, language
        assert description["features"] and all(description["features"]), language
        assert len(description.get("genericName", "")) <= 35, language


def test_publiccode_yml_agrees_with_the_project():
    data = load()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == data["legal"]["license"]
    if "softwareVersion" in data:
        assert data["softwareVersion"] == project["version"]
        assert f"## [{project['version']}]" in (ROOT / "CHANGELOG.md").read_text()
