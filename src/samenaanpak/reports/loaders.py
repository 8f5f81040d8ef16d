"""Loader of the content kind `report_teams`: a team (its group has the team's name unless `group`
says otherwise; core.roles gives the group Meldpunt its permissions), its categories, and, with
`demo_handler: true` and outside production, the demo handler of reports.demo."""

from django.conf import settings
from django.contrib.auth.models import Group

from samenaanpak.core.content import loader

from .demo import ensure_demo_handler
from .models import Category, Team


@loader("report_teams")
def load_report_teams(items, context):
    for item in items:
        team = context.once(
            "report_team",
            item["name"],
            Team,
            find=lambda item=item: Team.objects.filter(name=item["name"]).first(),
            create=lambda item=item: _create_team(item),
        )
        if team is None:
            continue
        for order, category in enumerate(item.get("categories", [])):
            context.once(
                "report_category",
                f"{item['name']}/{category['name']}",
                Category,
                find=lambda category=category: Category.objects.filter(
                    name=category["name"]
                ).first(),
                create=lambda category=category, order=order, team=team: Category.objects.create(
                    team=team, sort_order=order, **category
                ),
            )
        if item.get("demo_handler") and not settings.PRODUCTION:
            ensure_demo_handler(team.group)


def _create_team(item):
    """The team and its group (membership; the role Meldpunt gives the permissions). Only when the
    team is created: a team or group the beheerder removed or renamed is not made again."""
    group, _ = Group.objects.get_or_create(name=item.get("group", item["name"]))
    return Team.objects.create(name=item["name"], group=group, public_key=b"")
