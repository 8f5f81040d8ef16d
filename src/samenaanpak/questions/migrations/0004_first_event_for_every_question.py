from django.db import migrations


def first_events(apps, schema_editor):
    """A question stored without a history row (possible before the history was required) gets
    one with its stored status, so the writer's table applies to it like to any other."""
    Question = apps.get_model("questions", "Question")
    QuestionEvent = apps.get_model("questions", "QuestionEvent")
    for question in Question.objects.filter(state__isnull=True).iterator():
        event = QuestionEvent.objects.create(
            question=question, status=question.status or "nieuw", created_at=question.created_at
        )
        Question.objects.filter(pk=question.pk).update(state=event, status=event.status)


class Migration(migrations.Migration):
    dependencies = [("questions", "0003_to_confirm")]

    operations = [migrations.RunPython(first_events, migrations.RunPython.noop)]
