import ipaddress
from functools import wraps

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect


def client_address(request) -> str:
    """The visitor's address, for rate limits and the login lockout only (never stored or logged).
    Behind our reverse proxy REMOTE_ADDR is the proxy itself, so the header the proxy sets is
    trusted instead (TRUSTED_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP; only set it when a proxy
    overwrites it). An IPv6 address counts as its /64: one connection owns a whole /64, and
    counting single addresses would give it endless "clients"."""
    header = settings.TRUSTED_CLIENT_IP_HEADER
    if header and request.META.get(header):
        address = request.META[header].split(",")[-1].strip()
    else:
        address = request.META.get("REMOTE_ADDR", "")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def post_only(where_the_form_is):
    """For a URL that only a form posts to. A GET there is a person, not an attack: the login's
    `next` after a session ran out, a reload, the back button, a bookmark. They go to the page
    with the form (`where_the_form_is(request, *args, **kwargs)` gives its address) instead of
    the empty 405 of `require_POST`, which a browser shows as a blank page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(where_the_form_is(request, *args, **kwargs))
            return HttpResponseNotAllowed(["POST"])

        return wrapper

    return decorator
