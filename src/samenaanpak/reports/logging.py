"""Log scrubbing for reporter requests. Imports nothing from Django's models: LOGGING loads it early,
and gunicorn's configuration (samenaanpak.gunicorn_conf) before Django is set up."""

import contextvars
import datetime
import logging
import traceback
import urllib.parse

REPORTER_PATH_PREFIX = "/melden/"
in_reporter_request = contextvars.ContextVar("in_reporter_request", default=False)

# Loggers that write one line per request, with its path: the development server's and gunicorn's
# access log. Such a line for the meldpunt dates a report (report numbers are sequential), so it is
# dropped, not scrubbed. The supervisor (honcho, systemd) stamps every line with the time anyway.
REQUEST_LINE_LOGGERS = ("django.server", "gunicorn.access")


def is_reporter_path(path: str) -> bool:
    """/melden and everything under /melden/ (the redirect to the slash is a reporter's request too)."""
    return path == REPORTER_PATH_PREFIX.rstrip("/") or path.startswith(REPORTER_PATH_PREFIX)


class ReporterLogFilter(logging.Filter):
    """A request line for the meldpunt is dropped. Any other log record made while serving a
    reporter, or about a reporter's URL, keeps its level, logger and (for errors) the code
    locations of the traceback; it loses its message arguments, exception text, attached request
    and exact time (only the date remains)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Decoded: /%6Delden/ is served as the meldpunt too, and its request line must not pass.
        message = urllib.parse.unquote(_safe_message(record)).lower()
        if not (in_reporter_request.get() or REPORTER_PATH_PREFIX.rstrip("/") in message):
            return True
        if record.name in REQUEST_LINE_LOGGERS:
            return False
        frames = ""
        if record.exc_info and record.exc_info[2] is not None:
            frames = "\n" + "".join(traceback.format_tb(record.exc_info[2]))
            frames += f"{record.exc_info[0].__name__} (message withheld)"
        status = getattr(record, "status_code", "")
        record.msg = f"meldpunt request: {record.levelname.lower()} {status}".rstrip() + frames
        record.args = ()
        record.exc_info = record.exc_text = record.stack_info = None
        day = datetime.datetime.fromtimestamp(record.created).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        record.created, record.msecs = day.timestamp(), 0
        for attribute in ("request", "server_time"):
            if hasattr(record, attribute):
                setattr(
                    record,
                    attribute,
                    day.date().isoformat() if attribute == "server_time" else None,
                )
        return True


def _safe_message(record) -> str:
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - a broken record is not ours to fix
        return str(record.msg)
