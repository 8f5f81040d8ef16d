"""Who may edit which actions: declared here once, used by the back office and its tests.

Beheerders and redacteurs hold `plan.change_all_think_tanks` and edit every action. A member of
a think tank's group holds the ordinary action permissions but only for that think tank."""

from wagtail.permission_policies import ModelPermissionPolicy

ALL_THINK_TANKS = "plan.change_all_think_tanks"


def covers_all_think_tanks(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(ALL_THINK_TANKS))


def own_think_tank_ids(user) -> set[int]:
    from .models import ThinkTankPage

    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_own_think_tank_ids"):
        user._own_think_tank_ids = set(
            ThinkTankPage.objects.filter(group__in=user.groups.all()).values_list("pk", flat=True)
        )
    return user._own_think_tank_ids


class ThinkTankActionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the user's own think tanks."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return covers_all_think_tanks(user) or instance.goal.think_tank_id in own_think_tank_ids(
            user
        )

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if covers_all_think_tanks(user):
            return queryset
        return queryset.filter(goal__think_tank__in=own_think_tank_ids(user))
