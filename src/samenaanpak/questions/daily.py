"""Daily work of this app (run by `manage.py run_daily_tasks`)."""

from django.db import transaction
from django.utils import timezone

from samenaanpak.core.db import checkpoint_wal

from .models import Question


def run(now=None) -> str:
    """Erase name and email of questions closed longer than QUESTION_RETENTION_DAYS ago."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Question.objects.personal_data_expired(now).values_list("pk", flat=True))
        Question.objects.filter(pk__in=ids).update(name="", email="", personal_data_erased_at=now)
    if ids:
        checkpoint_wal()
    return f"questions: personal data erased from {len(ids)} question(s)"
