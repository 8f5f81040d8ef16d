import time

from samenaanpak.core.public_forms import start_token


def form_data(**fields):
    """What a browser sends after a person filled the form in (the kit's start token, old enough)."""
    return {"started": start_token(time.time() - 60), "website": "", **fields}
