"""Statuses of a vrijplaats post: values, the table of allowed steps, the standard reasons.
The history itself is written by samenaanpak.core.history.record_status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.history import Workflow


class PostStatus(models.TextChoices):
    WAITING = "wacht", _("Wacht op een moderator")
    VISIBLE = "zichtbaar", _("Zichtbaar")
    HIDDEN = "verborgen", _("Verborgen, wacht op beoordeling")
    REMOVED = "verwijderd", _("Verwijderd door een moderator")
    WITHDRAWN = "ingetrokken", _("Verwijderd door de schrijver")


POST_TRANSITIONS: dict[str | None, frozenset[str]] = {
    # A new account's first posts (and any post outside staffed hours or with a watched word)
    # wait; everything else is placed at once.
    None: frozenset({PostStatus.WAITING, PostStatus.VISIBLE}),
    PostStatus.WAITING: frozenset({PostStatus.VISIBLE, PostStatus.REMOVED, PostStatus.WITHDRAWN}),
    # A visible post waits again when an account that is not trusted yet changes it
    # (posting.edit): the moderator sees the new text before others do.
    PostStatus.VISIBLE: frozenset(
        {PostStatus.WAITING, PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.WITHDRAWN}
    ),
    PostStatus.HIDDEN: frozenset({PostStatus.VISIBLE, PostStatus.REMOVED, PostStatus.WITHDRAWN}),
    # A moderator undoes a mistaken removal; a withdrawal is the author's own and final.
    PostStatus.REMOVED: frozenset({PostStatus.VISIBLE}),
    PostStatus.WITHDRAWN: frozenset(),
}

POST_WORKFLOW = Workflow(
    PostStatus,
    POST_TRANSITIONS,
    not_allowed=_("Van “%(from)s” kan een bericht niet naar “%(to)s”. Toegestaan: %(allowed)s."),
)

# Who else sees a post than its author and the moderators.
PUBLIC_STATUSES = frozenset({PostStatus.VISIBLE})


class Reason(models.TextChoices):
    """Why someone reports a post; also the standard reason a moderator gives (and the author is
    told) when a post is hidden or removed, or an account warned."""

    PERSONAL_DATA = "persoonsgegevens", _("Persoonsgegevens of contactgegevens")
    DEALING = "dealen", _("Dealen of drugs aanbieden")
    BULLYING = "pesten", _("Pesten of kwetsend")
    WORRIED = "zorgen", _("Ik maak me zorgen om deze persoon")
    SPAM = "spam", _("Spam of reclame")
    RULES = "huisregels", _("Tegen de huisregels")


# "Ik maak me zorgen" is a call for help, not a complaint: it puts the post on top of the queue
# (urgent) and never hides it.
CARE_REASONS = frozenset({Reason.WORRIED})


class HoldReason(models.TextChoices):
    NEW_ACCOUNT = "nieuw", _("Nieuw account")
    OFF_HOURS = "buiten_tijden", _("Buiten de bemande uren")
    WATCHED_WORD = "woord", _("Bevat een woord dat een moderator moet zien")


class QueueKind(models.TextChoices):
    HELD = "vastgehouden", _("Wacht op goedkeuring")
    CRISIS = "crisis", _("Mogelijk in nood")
    REPORTED = "gemeld", _("Gemeld")
    HIDDEN = "verborgen", _("Verborgen na meldingen")
    REVIEW = "herbeoordeling", _("Aangepast, vraagt om herbeoordeling")


URGENT_KINDS = frozenset({QueueKind.CRISIS})


class AuthorRole(models.TextChoices):
    """Shown beside the pseudonym, fixed when the post was written."""

    MEMBER = "", _("Deelnemer")
    PROFESSIONAL = "hulpverlener", _("Hulpverlener")
    MODERATOR = "moderator", _("Moderator")


class ModerationAction(models.TextChoices):
    APPROVE = "goedgekeurd", _("Goedgekeurd")
    HIDE = "verborgen", _("Verborgen")
    RESTORE = "hersteld", _("Hersteld")
    EDIT = "bewerkt", _("Deel weggehaald")
    REMOVE = "verwijderd", _("Verwijderd")
    DISMISS = "meldingen_afgewezen", _("Meldingen afgehandeld, bericht blijft")
    LOOKED = "bekeken", _("Bekeken")
    WARN = "gewaarschuwd", _("Gewaarschuwd")
    BLOCK = "geblokkeerd", _("Geblokkeerd")
    UNBLOCK = "deblokkeerd", _("Blokkade opgeheven")
    LEVEL = "niveau", _("Vertrouwensniveau aangepast")
    AUTO_HIDE = "automatisch_verborgen", _("Automatisch verborgen na meldingen")
    AUTO_BLOCK = "automatisch_geblokkeerd", _("Automatisch geblokkeerd na drie waarschuwingen")
    # By the member themself (moderator None), note "old → new": a pseudonym shows on all their
    # posts, so moderators can trace who wrote as whom.
    RENAME = "hernoemd", _("Schuilnaam gewijzigd")
