"""Permission building blocks shared by the apps.

A *unit* is a group of people that owns a part of the work: a think tank owns its actions, a
meldpunt team its reports and categories (and next a moderation team its queue). A unit model has
a `group` foreign key to auth.Group; its members are the users in that group. `Membership` is the
one place that answers "which units is this user in?" and "may this user act for every unit?";
`MembershipPolicy` narrows Wagtail's model permissions to the user's own units."""

from functools import reduce

from django.apps import apps
from wagtail.permission_policies import ModelPermissionPolicy


class NoAddPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, but nobody adds an instance in the back office: these records are
    created by the site itself (a question from the public form, an email by the outbox)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


class Membership:
    def __init__(self, unit_model: str, all_units_permission: str):
        self.unit_model = unit_model  # "app_label.Model", resolved late (no import cycles)
        self.all_units_permission = all_units_permission
        self._cache_attr = "_member_ids_" + unit_model.replace(".", "_").lower()

    @property
    def model(self):
        return apps.get_model(self.unit_model)

    def units(self, user):
        """The units `user` is a member of (membership only: covering all units is not membership,
        a beheerder manages every team's categories but reads no team's reports)."""
        if not user.is_authenticated:
            return self.model.objects.none()
        return self.model.objects.filter(group__in=user.groups.all())

    def ids(self, user) -> set[int]:
        """The primary keys of `units(user)`, computed once per request's user object."""
        if not user.is_authenticated:
            return set()
        if not hasattr(user, self._cache_attr):
            setattr(user, self._cache_attr, set(self.units(user).values_list("pk", flat=True)))
        return getattr(user, self._cache_attr)

    def covers_all(self, user) -> bool:
        return user.is_active and (user.is_superuser or user.has_perm(self.all_units_permission))

    def manageable(self, user):
        """The units `user` may act for: all of them, or their own."""
        if self.covers_all(user):
            return self.model.objects.all()
        return self.model.objects.filter(pk__in=self.ids(user))


class MembershipPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to instances of the user's own units. Subclasses set
    `membership` and `unit_path`, the lookup from the model to its unit ("team", "goal__think_tank")."""

    membership: Membership
    unit_path: str

    def unit_id(self, instance):
        *between, last = self.unit_path.split("__")
        return getattr(reduce(getattr, between, instance), f"{last}_id")

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return self.membership.covers_all(user) or self.unit_id(instance) in self.membership.ids(
            user
        )

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if self.membership.covers_all(user):
            return queryset
        return queryset.filter(**{f"{self.unit_path}__in": self.membership.ids(user)})
