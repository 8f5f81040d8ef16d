"""Who may manage which report categories: declared here once, used by the back office and its tests.

A category decides which team receives new reports, so a team member manages only the
categories of their own teams (the group Meldpunt holds the ordinary `*_category` permissions,
this policy narrows them to the member's teams). A beheerder holds `reports.manage_all_teams`
and manages every category: the beheerder is trusted with configuration (they also manage the
users and groups), but reading reports needs a team key, which no permission gives."""

from wagtail.permission_policies import ModelPermissionPolicy

ALL_TEAMS = "reports.manage_all_teams"


def covers_all_teams(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(ALL_TEAMS))


def own_team_ids(user) -> set[int]:
    from .models import Team

    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_own_report_team_ids"):
        user._own_report_team_ids = set(
            Team.objects.filter(group__in=user.groups.all()).values_list("pk", flat=True)
        )
    return user._own_report_team_ids


def manageable_teams(user):
    """The teams whose categories `user` may manage (and may give a category to)."""
    from .models import Team

    if covers_all_teams(user):
        return Team.objects.all()
    return Team.objects.filter(pk__in=own_team_ids(user))


class TeamCategoryPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the categories of the user's own teams."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return covers_all_teams(user) or instance.team_id in own_team_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if covers_all_teams(user):
            return queryset
        return queryset.filter(team__in=own_team_ids(user))
