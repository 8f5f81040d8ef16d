from django_tasks import task


@task()
def fan_out(notice_id: int) -> str:
    """Make a Delivery per confirmed follower of the notice's topic and send the immediate ones.
    (Filled in by the notifications work: see notifications/models.py.)"""
    return "not yet"
