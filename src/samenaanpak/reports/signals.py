"""Access ends with membership: when a user leaves a team's group (Wagtail's user form, the shell,
or a group's user_set), is deactivated or is deleted, their TeamKeyGrant for that team goes, with
an audit entry. The app already refused former members (Team.has_member); this also removes the
sealed team key they could otherwise still open from a database copy with their password."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver

from . import keyring
from .models import TeamKeyGrant

User = get_user_model()


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="reports_revoke_on_group_change")
def revoke_on_group_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_remove", "post_clear"):
        return
    if reverse:  # group.user_set.remove(...) / .clear(): `instance` is the group
        keyring.revoke_stale_grants(TeamKeyGrant.objects.filter(team__group=instance))
    else:
        keyring.revoke_stale_grants(TeamKeyGrant.objects.filter(user=instance))


@receiver(post_save, sender=User, dispatch_uid="reports_revoke_on_deactivation")
def revoke_on_deactivation(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        keyring.revoke_stale_grants(TeamKeyGrant.objects.filter(user=instance))


@receiver(pre_delete, sender=User, dispatch_uid="reports_revoke_on_deletion")
def revoke_on_deletion(sender, instance, **kwargs):
    # The grants would cascade anyway; this writes the audit entries while the name is known.
    keyring.revoke_stale_grants(TeamKeyGrant.objects.filter(user=instance), all_of_them=True)
