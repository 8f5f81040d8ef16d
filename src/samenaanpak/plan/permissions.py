"""Who may edit which actions: declared here once, used by the back office and its tests.

Beheerders and redacteurs hold `plan.change_all_think_tanks` and edit every action. A member of
a think tank's group holds the ordinary action permissions but only for that think tank."""

from samenaanpak.core.permissions import Membership, MembershipPolicy

THINK_TANKS = Membership("plan.ThinkTankPage", "plan.change_all_think_tanks")


class ThinkTankActionPolicy(MembershipPolicy):
    membership = THINK_TANKS
    unit_path = "goal__think_tank"
