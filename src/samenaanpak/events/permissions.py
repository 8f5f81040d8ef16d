"""Who may organise which meeting in the back office: declared here once.

The registrations are personal data (names and email addresses), so only the organisers see them:
- the organising think tank's group ("Denktank <title>"): it holds the ordinary
  `events.view_registration` and `events.change_registration` permissions, narrowed by
  `OrganiserPolicy` to the meetings whose `think_tank` is theirs;
- who holds `events.manage_all_registrations` (Beheerder, which has every permission).
Not Redacteur, not Moderator, not another think tank. A meeting without an organising think tank
is for the beheerders only.

"view": see the registrations, the sign-in list and the CSV; "change": mail everyone registered
and call the meeting off."""

from samenaanpak.core.permissions import Membership, MembershipPolicy

ORGANISERS = Membership("plan.ThinkTankPage", "events.manage_all_registrations")


class OrganiserPolicy(MembershipPolicy):
    """On meetings (EventPage), with the permissions of Registration."""

    membership = ORGANISERS
    unit_path = "think_tank"


def organiser_policy():
    from .models import EventPage, Registration

    return OrganiserPolicy(EventPage, auth_model=Registration)


def organisable_events(user, action="view"):
    """The meetings `user` organises: those of their own think tanks, or all for who covers all
    (drafts too)."""
    from .models import EventPage

    if not (user.is_authenticated and user.is_active):
        return EventPage.objects.none()
    return organiser_policy().instances_user_has_any_permission_for(user, [action])


def may_organise(user, event, action="view") -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and organiser_policy().user_has_permission_for_instance(user, action, event)
    )


def may_organise_any(user) -> bool:
    """Whether the back office's list of meetings is for this user at all."""
    if not (user.is_authenticated and user.is_active and user.has_perm("events.view_registration")):
        return False
    return ORGANISERS.covers_all(user) or bool(ORGANISERS.ids(user))
