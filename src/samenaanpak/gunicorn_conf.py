"""gunicorn's configuration for `make serve` and production (Procfile: `-c python:samenaanpak.gunicorn_conf`).

The access log prints method, path, status and duration: no client address, user agent, referrer
or query string. It prints no line at all for the meldpunt: report numbers are sequential, so the
time of a request to /melden/ would date each report (docs/meldpunt.md)."""

import logging
import re

from gunicorn.glogging import Logger

from samenaanpak.reports.logging import ReporterLogFilter, is_reporter_path

accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(L)ss"
# gunicorn's control socket (gunicornc) is not used; by default one path per user, which a second
# gunicorn on the same machine would take over.
control_socket_disable = True


class _NoClientAddress(logging.Filter):
    """gunicorn's error log names the client of a malformed request ("Invalid request from ip=...")."""

    _ADDRESS = re.compile(r"\bip=\S+?(?=:|\s|$)")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "ip=" in record.msg:
            record.msg = self._ADDRESS.sub("ip=-", record.msg)
        return True


class PrivateLogger(Logger):
    """gunicorn's logger without the meldpunt's request lines and without client addresses."""

    def setup(self, cfg):
        super().setup(cfg)
        # On the logger itself, so every handler (stderr, a file, syslog) gets the filtered record.
        # setup() runs again on a reload: add the filters once.
        if not any(isinstance(f, ReporterLogFilter) for f in self.error_log.filters):
            self.error_log.addFilter(ReporterLogFilter())
            self.error_log.addFilter(_NoClientAddress())

    def access(self, resp, req, environ, request_time):
        if is_reporter_path((environ or {}).get("PATH_INFO") or ""):
            return
        super().access(resp, req, environ, request_time)


logger_class = PrivateLogger
