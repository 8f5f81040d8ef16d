"""Who may manage which report categories: declared here once, used by the back office and its tests.

A category decides which team receives new reports, so a team member manages only the
categories of their own teams (the group Meldpunt holds the ordinary `*_category` permissions,
this policy narrows them to the member's teams). A beheerder holds `reports.manage_all_teams`
and manages every category: the beheerder is trusted with configuration (they also manage the
users and groups), but reading reports needs a team key, which no permission gives: reports are
read through `TEAMS.units(user)`, membership only."""

from samenaanpak.core.permissions import Membership, MembershipPolicy

TEAMS = Membership("reports.Team", "reports.manage_all_teams")


class TeamCategoryPolicy(MembershipPolicy):
    membership = TEAMS
    unit_path = "team"
