import ipaddress

from django.conf import settings


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
