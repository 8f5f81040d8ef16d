"""`manage.py scheduler` stops on SIGTERM also as a container's first process (PID 1), where a
signal without a handler is ignored."""

import os
import signal

import pytest
from django.core.management import call_command

from samenaanpak.core import scheduler


def test_sigterm_stops_the_scheduler(monkeypatch):
    def every_minute():
        os.kill(os.getpid(), signal.SIGTERM)
        return []

    monkeypatch.setattr(scheduler, "every_minute", every_minute)
    monkeypatch.setattr(scheduler, "run_daily_once", lambda: None)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        call_command("scheduler", "--interval", "0")
    assert stopped.value.code == 0
    assert signal.getsignal(signal.SIGTERM) is before  # the handler lives only while it runs
