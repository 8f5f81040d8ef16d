"""Who may do what with ideas in the back office: declared here once.

- Moderators (perm `participation.moderate_idea`, the group Moderator) publish or refuse a new
  account's first idea and restore or remove hidden comments.
- A think tank's group answers the ideas sent to that think tank: it holds the ordinary
  `change_idea` permission, narrowed by `ThinkTankIdeaPolicy` to its own think tank (as plan's
  actions are). Beheerder and Redacteur hold `participation.answer_all_ideas` and answer every idea.
"""

from samenaanpak.core.permissions import Membership, MembershipPolicy

ANSWERERS = Membership("plan.ThinkTankPage", "participation.answer_all_ideas")


class ThinkTankIdeaPolicy(MembershipPolicy):
    membership = ANSWERERS
    unit_path = "think_tank"


def idea_policy():
    from .models import Idea

    return ThinkTankIdeaPolicy(Idea)


def may_moderate(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("participation.moderate_idea")
    )


def answerable_ideas(user):
    """The ideas `user` may answer: those of their own think tanks, or all for who covers all."""
    return idea_policy().instances_user_has_any_permission_for(user, ["change"])


def may_answer(user, idea) -> bool:
    return bool(
        user.is_authenticated
        and idea_policy().user_has_permission_for_instance(user, "change", idea)
    )


def may_answer_any(user) -> bool:
    """Whether the back office's list of ideas is for this user at all."""
    if not (
        user.is_authenticated and user.is_active and user.has_perm("participation.change_idea")
    ):
        return False
    return ANSWERERS.covers_all(user) or bool(ANSWERERS.ids(user))
