"""Reporter privacy on the way in, and the handler's key cookie on the way out."""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from samenaanpak.core import throttle

from . import keyring
from .logging import REPORTER_PATH_PREFIX, in_reporter_request

# Headers that identify or locate a reporter; removed before any other code sees the request.
IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_VIA",
    "HTTP_CF_CONNECTING_IP",
)


class ReportUploadHandler(FileUploadHandler):
    """Reporter uploads stay in memory (never a temporary file on disk), at most
    REPORT_PHOTO_MAX_BYTES each and MAX_FILES in all; what is dropped is noted on the request so
    the form can say so."""

    MAX_FILES = 3

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer, self.size, self.dropped = io.BytesIO(), 0, None
        notes = self.request.reports_upload_notes
        notes["seen"] += 1
        if notes["seen"] > self.MAX_FILES:
            self.dropped = "too_many"
            notes["too_many"] = True

    def receive_data_chunk(self, raw_data, start):
        if self.dropped:
            return None
        self.size += len(raw_data)
        if self.size > settings.REPORT_PHOTO_MAX_BYTES:
            self.dropped, self.buffer = "too_large", None
            self.request.reports_upload_notes["too_large"].append(self.file_name or "")
            return None
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.dropped:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            self.size,
            self.charset,
            self.content_type_extra,
        )


class ReporterPrivacyMiddleware:
    """For every request under /melden/: derive the rate-limit key, then remove the address, user
    agent and referrer from the request, mark the request so that log records are scrubbed
    (ReporterLogFilter), keep uploads in memory, and send no Referer to other sites."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(REPORTER_PATH_PREFIX):
            return self.get_response(request)
        # The only use of the address: a keyed hash for the rate limits, made before it is removed.
        request.throttle_client_ids = {"melden": throttle.client_id(request, "melden")}
        for name in IDENTIFYING_META:
            request.META.pop(name, None)
        request.reports_upload_notes = {"seen": 0, "too_many": False, "too_large": []}
        request.upload_handlers = [ReportUploadHandler(request)]
        token = in_reporter_request.set(True)
        try:
            response = self.get_response(request)
        finally:
            in_reporter_request.reset(token)
        # Never a Referer to another site. Not "no-referrer": Chromium then sends "Origin: null"
        # with the form's POST, which Django's CSRF check rightly refuses.
        response.headers["Referrer-Policy"] = "same-origin"
        return response


class HandlerKeyCookieMiddleware:
    """Sets the cookie that holds the key to the handler's session-stored meldpunt key,
    and makes the request available to a password change (keyring.current_request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = keyring.current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            keyring.current_request.reset(token)
        value = getattr(request, "_report_key_cookie", None)
        if value:  # a logout needs no counterpart: it flushes the session half of the key
            response.set_cookie(keyring.COOKIE_NAME, value, **keyring.cookie_settings())
        return response
