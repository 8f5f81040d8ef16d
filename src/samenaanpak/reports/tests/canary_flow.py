"""Run by test_canary.py in a separate process with its own database, media folder and logging
(the real settings, LOG_LEVEL=DEBUG): a reporter submits a report whose text, photo and reply
carry the canary, reads it back with the receipt, and a handler's session opens it."""

import io
import logging
import os
import re
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenaanpak.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from PIL import Image  # noqa: E402

from samenaanpak.core.public_forms import start_token  # noqa: E402

CANARY = os.environ["CANARY"]

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
from samenaanpak.core.content import load_content  # noqa: E402
from samenaanpak.reports.models import Category  # noqa: E402

load_content(
    "nijkerk",
    only={"areas", "settings", "contact_persons", "pages", "report_teams"},
    pages={"melden"},
)
call_command("meldpunt_herstelsleutel", stdout=io.StringIO())  # its output is for a safe, not a log

# Making the test photo is the phone's work, not the server's: Pillow's debug log of the EXIF it
# writes is silenced here only, and switched back on for the requests below.
logging.getLogger("PIL").setLevel(logging.INFO)
image = Image.new("RGB", (80, 60), (10, 120, 200))
exif = image.getexif()
exif[0x010E] = CANARY
photo = io.BytesIO()
image.save(photo, format="JPEG", exif=exif, comment=CANARY.encode())
photo.seek(0)
photo.name = f"{CANARY}.jpg"
logging.getLogger("PIL").setLevel(logging.NOTSET)

client = Client(
    HTTP_HOST="127.0.0.1", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="CanaryAgent/9.9"
)
response = client.post(
    "/melden/",
    {
        "category": Category.objects.first().pk,
        "description": f"Er wordt gedeald. {CANARY}",
        "where": f"Plein {CANARY}",
        "email": f"{CANARY.lower()}@example.org",
        "photos": [photo],
        "website": "",
        "started": start_token(time.time() - 60),
    },
)
receipt = "-".join(re.findall(r'sa-receipt__group">([0-9A-Z]{4})<', response.content.decode()))
assert receipt, response.content.decode()[:2000]
response = client.post("/melden/mijn-melding/", {"receipt": receipt})
assert CANARY in response.content.decode(), "the reporter must be able to read the report back"
response = client.post("/melden/mijn-melding/", {"text": f"Aanvulling {CANARY}"})
assert f"Aanvulling {CANARY}" in response.content.decode()
client.get("/melden/bestaat-niet/")  # a 404 is logged
print("canary flow done", file=sys.stderr)
