"""Shared helpers for the meldpunt tests: images, submitting, and a handler whose session holds
the meldpunt key (as after a password login plus TOTP)."""

import io
import re
import time

from django.contrib.auth import get_user_model
from django.urls import reverse
from PIL import Image

from samenaanpak.core.public_forms import start_token
from samenaanpak.reports.demo import DEMO_HANDLER, DEMO_PASSWORD
from samenaanpak.reports.models import Category

RECEIPT_GROUP = re.compile(r'sa-receipt__group">([0-9A-Z]{4})<')


def jpeg(text="", size=(64, 48), name="foto.jpg"):
    """A JPEG whose EXIF description and comment carry `text`, as a phone's photo carries a place."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = image.getexif()
    if text:
        exif[0x010E] = text  # ImageDescription
        exif[0x8298] = text  # Copyright
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=text.encode() if text else b"")
    out.seek(0)
    out.name = name
    return out


def upload(data: bytes, name: str):
    out = io.BytesIO(data)
    out.name = name
    return out


def report_data(**overrides):
    data = {
        "category": Category.objects.order_by("sort_order").first().pk,
        "description": "Bij het fietsenhok achter de sporthal wordt gedeald.",
        "where": "",
        "place": "",
        "when": "",
        "name": "",
        "email": "",
        "phone": "",
        "website": "",
        "started": start_token(time.time() - 60),
    }
    data.update(overrides)
    return data


def submit(client, **overrides):
    """POST a report; returns (response, receipt or None)."""
    response = client.post("/melden/", report_data(**overrides))
    groups = RECEIPT_GROUP.findall(response.content.decode())
    return response, ("-".join(groups) if groups else None)


def handler():
    return get_user_model().objects.get(username=DEMO_HANDLER)


def unlocked_handler(client, verified_login, user=None, password=DEMO_PASSWORD):
    """A verified back-office session that has unlocked the meldpunt key with the password."""
    user = user or handler()
    verified_login(client, user)
    response = client.post(reverse("reports_admin:unlock"), {"password": password})
    assert response.status_code == 302, response.content[:500]
    return client
