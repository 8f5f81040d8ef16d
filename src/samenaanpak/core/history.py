"""Status history: the one way a record keeps its status as an append-only list of events.

An app declares three things (see docs/architecture.md, "Status history"):

- a `Workflow`: its statuses (TextChoices), the table of allowed steps and its own extra rules;
- an event model that extends `StatusEvent` (status, note, author, time; append-only) with a
  foreign key to the record, and any fields of its own;
- on the record, `HasStatusHistory` with two stored columns: `status` (the current value, for lists,
  filters and ordering) and `state` (a key to the newest event, as Signalen's `Signal.status`).

`record_status()` is the only writer: it locks the record's row, checks the step, appends the
event and updates both columns in one transaction, so two concurrent steps from the same status
cannot both pass the check. The writer lives here, beside the event model, so an app's workflow
module needs no import of its models.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionError(ValidationError):
    pass


# A rule gets (current status or None, new status, the event's other fields) and raises
# TransitionError when the step breaks it.
Rule = Callable[[str | None, str, dict], None]


class Workflow:
    """Statuses, the table of allowed steps and the app's extra rules.

    `transitions` maps a status to the statuses that may follow it; the key None is a record
    without history, so its value lists the possible first statuses. `not_allowed` is the app's
    message for a refused step, with the placeholders %(from)s, %(to)s and %(allowed)s."""

    def __init__(
        self,
        statuses: type[models.TextChoices],
        transitions: dict[str | None, Iterable[str]],
        *,
        not_allowed,
        rules: Iterable[Rule] = (),
    ):
        self.statuses = statuses
        self.transitions = {key: frozenset(value) for key, value in transitions.items()}
        self.not_allowed = not_allowed
        self.rules = tuple(rules)
        unknown = {s for v in self.transitions.values() for s in v} | (
            set(self.transitions) - {None}
        )
        assert unknown <= set(statuses.values), unknown - set(statuses.values)

    def label(self, status: str | None):
        return self.statuses(status).label if status else _("nieuw")

    def allowed(self, current: str | None) -> frozenset[str]:
        return self.transitions.get(current, frozenset())

    def check_step(self, current: str | None, new: str) -> None:
        """Raise TransitionError (with a Dutch message) unless the table allows the step."""
        if new not in self.statuses.values:
            raise TransitionError(_("Onbekende status."), code="unknown_status")
        allowed = self.allowed(current)
        if new not in allowed:
            raise TransitionError(
                self.not_allowed
                % {
                    "from": self.label(current),
                    "to": self.label(new),
                    "allowed": ", ".join(str(self.label(s)) for s in sorted(allowed)),
                },
                code="transition_not_allowed",
            )

    def check(self, current: str | None, new: str, **fields) -> None:
        """The table, then the app's own rules on the event's other fields."""
        self.check_step(current, new)
        for rule in self.rules:
            rule(current, new, fields)


class AppendOnlyQuerySet(models.QuerySet):
    """History rows are only ever added, one at a time, by record_status(): a bulk insert would
    skip the record's stored status, an update or delete would rewrite the past. (A record's
    deletion still removes its rows: Django's cascade uses the plain base manager. Tests that
    must backdate a row use `Model._base_manager` on purpose.)"""

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"{self.model.__name__} is append-only: write through record_status()")

    update = delete = bulk_create = bulk_update = _refuse


class StatusEvent(models.Model):
    """One row of a record's status history. Rows are only ever added, by record_status().

    A subclass adds the foreign key to its record and declares `status` with its workflow's
    choices (`status = models.CharField(_("status"), max_length=20, choices=Status.choices)`).
    An app that must not keep free text in clear may drop the note with `note = None`."""

    status = models.CharField(_("status"), max_length=20)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("door"),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statusgeschiedenis")

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} is append-only")


STORED_FIELDS = ("status", "state")


class HasStatusHistory(models.Model):
    """A record with a status history. The subclass sets `workflow` and declares
    `status` (CharField with the workflow's choices) and `state` (`state_field("app.Event")`).

    Both columns are written by record_status() only: a plain save() of a loaded record leaves
    them alone, so a form that was opened before someone else's step cannot put them back."""

    workflow: Workflow

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and not kwargs.get("force_insert"):
            if kwargs.get("update_fields") is None:
                deferred = self.get_deferred_fields()
                kwargs["update_fields"] = [
                    field.name
                    for field in self._meta.concrete_fields
                    if not field.primary_key
                    and field.name not in STORED_FIELDS
                    and field.attname not in deferred
                ]
        super().save(*args, **kwargs)

    def status_recorded(self, event) -> Iterable[str]:
        """Called by record_status() on the locked row after `event` was stored; an app changes
        fields that follow the status here and returns their names (they are saved with it)."""
        return ()


def state_field(event_model: str):
    """The record's key to its newest history row (None before the first row)."""
    return models.ForeignKey(
        event_model,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("huidige status"),
    )


def _subject_field(event_model, model) -> str:
    (name,) = [
        field.name
        for field in event_model._meta.concrete_fields
        if field.is_relation and field.related_model is model
    ]
    return name


def record_status(subject: HasStatusHistory, status: str, *, author=None, note=None, **fields):
    """Append one history row after checking the workflow; the only writer of history rows and
    of the record's `status` and `state`. Other keyword arguments are fields of the event row
    (for example progress, created_at) and are passed to the workflow's rules as well.

    Raises TransitionError and stores nothing when the step is refused. Updates `subject` too."""
    model = type(subject)
    event_model = model._meta.get_field("state").related_model
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=subject.pk)
        current = locked.status if locked.state_id is not None else None
        if note is not None:
            fields["note"] = note
        model.workflow.check(current, status, **fields)  # rules may need the note too
        event = event_model._default_manager.create(
            **{_subject_field(event_model, model): locked},
            status=status,
            author=author,
            **fields,
        )
        locked.status, locked.state = status, event
        changed = [*STORED_FIELDS, *locked.status_recorded(event)]
        locked.save(update_fields=changed)
        for name in changed:
            setattr(subject, name, getattr(locked, name))
        return event
