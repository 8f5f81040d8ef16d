from django.conf import settings


def client_address(request) -> str:
    """The visitor's address, for rate limits only (never stored or logged). Behind our reverse
    proxy REMOTE_ADDR is the proxy itself, so the header the proxy sets is trusted instead
    (TRUSTED_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP; only set it when a proxy overwrites it)."""
    header = settings.TRUSTED_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
