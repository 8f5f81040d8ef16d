"""The back-office roles: every group and what it may do, declared once, here.

`sync_roles()` (the command `manage.py sync_roles`, run by `make db` before the content and again
by the content loader after it, because page permissions need the pages) creates the groups and
gives them these permissions. It only adds: a permission a beheerder granted in the back office
stays. The README's table of groups is checked against `ROLES` by a test (core/tests/test_roles.py).

Permissions are "app_label.codename" strings; a `*` in the codename is a wildcard
("questions.*", "reports.*_category"). Other apps' models are named, not imported."""

from dataclasses import dataclass
from fnmatch import fnmatch

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

ADMIN = ("wagtailadmin.access_admin",)
PAGE_EDIT = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
MEDIA = (
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
)
MEDIA_CHANGE = ("wagtailimages.change_image", "wagtaildocs.change_document")

# Where a role's page permissions apply.
SITE_ROOT = "site root"  # the home page of every site, so every page below it
OWN_THINK_TANK = "own think tank"  # the think tank page linked to the group


@dataclass(frozen=True)
class Role:
    name: str  # the group's name; for a per-think-tank role a pattern with {title}
    readme_name: str  # as in the README's table
    may: str  # the README's description
    permissions: tuple = ()
    all_permissions: bool = False
    page_permissions: tuple = ()  # wagtailcore codenames, on `pages`
    pages: str = ""
    collection_permissions: tuple = ()  # on the root collection
    per_think_tank: bool = False
    # Page permissions on every page of a type ("app.Model", codenames), named not imported.
    section_permissions: tuple = ()


ROLES = (
    Role(
        "Beheerder",
        "Beheerder",
        "everything, including users, groups and settings",
        all_permissions=True,
        page_permissions=PAGE_EDIT + ("bulk_delete_page",),
        pages=SITE_ROOT,
        collection_permissions=MEDIA + MEDIA_CHANGE,
    ),
    Role(
        "Redacteur",
        "Redacteur",
        "all pages, goals, actions, help offers, kernen, contact persons and site settings; answer every idea",
        permissions=ADMIN
        + MEDIA_CHANGE
        + (
            "core.add_contactperson",
            "core.change_contactperson",
            "core.delete_contactperson",
            "core.add_area",
            "core.change_area",
            "core.delete_area",
            "core.change_sitesettings",
            "plan.add_goal",
            "plan.change_goal",
            "plan.delete_goal",
            "plan.add_action",
            "plan.change_action",
            "plan.delete_action",
            "plan.change_all_think_tanks",
            "participation.view_idea",
            "participation.change_idea",
            "participation.answer_all_ideas",
            "help.add_helpoffer",
            "help.change_helpoffer",
            "help.delete_helpoffer",
        ),
        page_permissions=PAGE_EDIT + ("bulk_delete_page",),
        pages=SITE_ROOT,
        collection_permissions=MEDIA + MEDIA_CHANGE,
    ),
    Role(
        "Denktank {title}",
        "Denktank *naam* (one per think tank)",
        "their own think tank's page, its news and its actions; answer the ideas sent to it; "
        "propose meetings (drafts an editor publishes) and edit its own; "
        "the registrations of its meetings: lists, mail to everyone registered, calling off",
        permissions=ADMIN
        + ("plan.add_action", "plan.change_action", "plan.delete_action", "plan.view_action")
        + ("participation.view_idea", "participation.change_idea")
        + ("events.view_registration", "events.change_registration"),
        page_permissions=PAGE_EDIT,
        pages=OWN_THINK_TANK,
        # Wagtail's "add" lets a member create meetings and edit the ones they made, not other
        # think tanks' meetings; without "publish" an editor publishes them (nothing is mailed or
        # announced before that).
        section_permissions=(("events.EventIndexPage", ("add_page",)),),
        collection_permissions=MEDIA,
        per_think_tank=True,
    ),
    Role(
        "Moderator",
        "Moderator",
        "Denk mee and the vrijplaats: approve, hide, edit, remove, warn and block; categories, watched words, staffed hours",
        permissions=ADMIN
        + (
            "participation.moderate_idea",
            "participation.view_idea",
            "participation.view_comment",
            "participation.view_commentreport",
            "forum.moderate_forum",
            "forum.*_category",
            "forum.*_watchedword",
            "forum.*_staffedperiod",
        ),
    ),
    Role(
        "Hulpverlener",
        "Hulpverlener",
        "vrijplaats: answer young people's questions with a visible badge; one report hides a post",
        permissions=ADMIN,
    ),
    Role(
        "Vragen",
        "Vragen",
        "the questions to the policy officer: read, answer, close, draft FAQ entries",
        permissions=ADMIN + ("questions.*",),
    ),
    Role(
        "Meldpunt",
        "Meldpunt",
        "the anonymous reports: read (encrypted, only for members with access), reply, hand over, close",
        permissions=ADMIN + ("reports.*_category",),
    ),
)


def permissions(patterns):
    """Permission objects for "app_label.codename" patterns; an unknown exact name is an error."""
    result = []
    for pattern in patterns:
        app_label, codename = pattern.split(".")
        found = [
            perm
            for perm in Permission.objects.filter(content_type__app_label=app_label)
            if fnmatch(perm.codename, codename)
        ]
        if not found:
            raise LookupError(f"no permission {pattern}")
        result.extend(found)
    return result


def _groups(role):
    """The role's groups: one, or one per think tank (linked to the page, named after it)."""
    if not role.per_think_tank:
        group, _ = Group.objects.get_or_create(name=role.name)
        return [(group, None)]
    result = []
    for page in apps.get_model("plan", "ThinkTankPage").objects.select_related("group"):
        if page.group is None:
            page.group, _ = Group.objects.get_or_create(name=role.name.format(title=page.title))
            page.save(update_fields=["group"])
        result.append((page.group, page))
    return result


def _pages(role, think_tank):
    from wagtail.models import Site

    if role.pages == SITE_ROOT:
        return [site.root_page for site in Site.objects.select_related("root_page")]
    if role.pages == OWN_THINK_TANK:
        return [think_tank]
    return []


@transaction.atomic
def sync_roles():
    """Create every role's group(s) and add the declared permissions. Idempotent."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    root_collection = Collection.get_first_root_node()
    for role in ROLES:
        model_perms = (
            list(Permission.objects.all())
            if role.all_permissions
            else permissions(role.permissions)
        )
        page_perms = permissions(f"wagtailcore.{c}" for c in role.page_permissions)
        collection_perms = permissions(role.collection_permissions)
        for group, think_tank in _groups(role):
            group.permissions.add(*model_perms)
            for page in _pages(role, think_tank):
                for perm in page_perms:
                    GroupPagePermission.objects.get_or_create(
                        group=group, page=page, permission=perm
                    )
            for label, codenames in role.section_permissions:
                try:
                    model = apps.get_model(label)
                except LookupError:  # the app is not installed
                    continue
                for page in model.objects.all():
                    for perm in permissions(f"wagtailcore.{c}" for c in codenames):
                        GroupPagePermission.objects.get_or_create(
                            group=group, page=page, permission=perm
                        )
            if root_collection is not None:
                for perm in collection_perms:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=perm
                    )


def is_staff_account(user) -> bool:
    """A back-office user: staff, superuser, member of any group or anyone who may enter the back
    office. Such a user signs in only through the two-factor login, never through the public
    account pages (accounts), and the two-factor middleware holds them to it."""
    return bool(
        user.is_authenticated
        and (
            user.is_staff
            or user.is_superuser
            or user.groups.exists()
            or user.has_perm("wagtailadmin.access_admin")
        )
    )
