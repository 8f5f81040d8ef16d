from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import AuditEntry
from .permissions import TEAMS


class CategoryForm(WagtailAdminModelForm):
    """A category's team can only be one the user may manage (a forged choice is refused like any
    invalid choice), and must have a key, or the public form could not seal new reports to it.
    Moving a category is written in both teams' audit logs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_team = self.instance.team if self.instance.pk else None
        if "team" in self.fields and self.for_user is not None:
            self.fields["team"].queryset = TEAMS.manageable(self.for_user).order_by("name")
            self.fields["team"].error_messages["invalid_choice"] = _(
                "Kies een team waar u zelf lid van bent."
            )

    def clean_team(self):
        team = self.cleaned_data.get("team")
        if team is not None and team != self.previous_team and not team.public_key:
            raise ValidationError(
                _(
                    "%(team)s heeft nog geen teamsleutel: meldingen kunnen daar nog niet heen. "
                    "Laat eerst een lid van dat team één keer inloggen."
                ),
                params={"team": team},
            )
        return team

    def save(self, commit=True):
        category = super().save(commit=commit)
        previous = self.previous_team
        if commit and previous is not None and category.team_id != previous.pk:
            detail = f"{category.name}: {previous.name} → {category.team.name}"[:200]
            for team in (previous, category.team):
                AuditEntry.record(
                    AuditEntry.Action.CATEGORY, user=self.for_user, team=team, detail=detail
                )
        return category
