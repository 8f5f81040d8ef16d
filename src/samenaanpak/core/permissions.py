from wagtail.permission_policies import ModelPermissionPolicy


class NoAddPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, but nobody adds an instance in the back office: these records are
    created by the site itself (a question from the public form, an email by the outbox)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)
