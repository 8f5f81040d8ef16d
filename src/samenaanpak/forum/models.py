"""The vrijplaats: young people talk openly and advise each other, safely moderated.

- `ForumPage`: /vrijplaats/ (routes in views.py), with the house rules and the plain statement that
  this is not a crisis service. `Category`: editable in the back office.
- `Member`: a public account's place in the vrijplaats: a pseudonym of its own (not the account's
  display name used in Denk mee, so the two cannot be linked), the stated age, when the house
  rules were accepted, the trust level's inputs (see trust.py) and a block.
- `Thread` (an "onderwerp") with its `Post`s; the first post is the opening post. A post's status
  history (`PostEvent`) holds moderation; `QueueItem` is one stay in the moderators' queue (its
  time to a first moderator look gives the response-time figures).
- `PostReport`, `Thanks`, `Mute`, `Warning`, and `ModerationLog`: the audit log of every
  moderator action (and the automatic ones), append-only.
Deleted accounts: the member row goes with the account, every author key is SET_NULL and shown as
"verwijderd account"."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from samenaanpak.core.blocks import RICH_TEXT_FEATURES
from samenaanpak.core.history import AppendOnlyQuerySet, HasStatusHistory, StatusEvent, state_field
from samenaanpak.core.models import BasePage

from .status import (
    POST_WORKFLOW,
    AuthorRole,
    HoldReason,
    ModerationAction,
    PostStatus,
    QueueKind,
    Reason,
)

TITLE_MAX = 120
POST_MAX = 5000
PSEUDONYM_MAX = 30
MIN_AGE, MAX_AGE = 12, 23
PSEUDONYM_KEY_MAX = 40

# The pseudonym's skeleton (`Member.pseudonym_key`): two pseudonyms with the same skeleton look
# too much alike to tell apart on a phone, so only one of them may exist. Kept modest on purpose:
# case, the separators _ . - , accents and compatibility forms (fullwidth Ｚ, superscript ²)
# are ignored; Cyrillic and Greek letters that look Latin count as that letter; and the digits
# and letters people swap count as one: 0 = o, 1 = i = l, 3 = e, 5 = s. Not covered: rn = m,
# vv = w and the like. Migration 0002 holds a frozen copy of this function.
_KEY_CONFUSABLES = str.maketrans(
    "АВЕКМНОРСТХЅІЈΑΒΕΖΗΙΚΜΝΟΡΤΥΧаеорсхуіјѕԁкοαν",
    "ABEKMHOPCTXSIJABEZHIKMNOPTYXaeopcxyijsdkoav",
)
_KEY_SWAPS = str.maketrans("013i5", "olels")
_KEY_SEPARATORS = str.maketrans("", "", "_.- ")


def pseudonym_key(pseudonym: str) -> str:
    """The skeleton of a pseudonym: what it looks like, not what it is (see above)."""
    letters = []
    for char in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", pseudonym)):
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # accents, zero-width marks
            continue
        letters.append(char)
    text = "".join(letters).translate(_KEY_CONFUSABLES).lower()
    return text.translate(_KEY_SEPARATORS).translate(_KEY_SWAPS)[:PSEUDONYM_KEY_MAX]


class ForumPage(RoutablePageMixin, BasePage):
    """/vrijplaats/: categories, their topics, the topics' posts, and the forms (routes)."""

    house_rules = RichTextField(_("huisregels"), features=RICH_TEXT_FEATURES, blank=True)
    not_crisis_service = models.TextField(
        _("geen crisisdienst"),
        blank=True,
        max_length=600,
        help_text=_("Korte tekst op elke pagina van de vrijplaats: dit is geen crisisdienst."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("not_crisis_service"),
        FieldPanel("house_rules"),
    ]
    max_count = 1
    subpage_types = ["core.ContentPage"]

    class Meta:
        verbose_name = _("vrijplaatspagina")
        verbose_name_plural = _("vrijplaatspagina's")

    # The routes; the views live in views.py (they import these models).
    @path("", name="index")
    def index_route(self, request):
        from .views import index

        return index(request, self)

    @path("huisregels/", name="rules")
    def rules_route(self, request):
        from .views import house_rules

        return house_rules(request, self)

    @path("meedoen/", name="join")
    def join_route(self, request):
        from .views import join

        return join(request, self)

    @path("instellingen/", name="settings")
    def settings_route(self, request):
        from .views import member_settings

        return member_settings(request, self)

    @path("onderwerp/<int:pk>/", name="thread")
    def thread_route(self, request, pk):
        from .views import thread

        return thread(request, self, pk)

    @path("onderwerp/<int:pk>/reageren/", name="reply")
    def reply_route(self, request, pk):
        from .views import reply

        return reply(request, self, pk)

    @path("onderwerp/<int:pk>/volgen/", name="follow")
    def follow_route(self, request, pk):
        from .views import follow

        return follow(request, self, pk)

    @path("bericht/<int:pk>/", name="post")
    def post_route(self, request, pk):
        from .views import post_link

        return post_link(request, self, pk)

    @path("bericht/<int:pk>/bewerken/", name="edit")
    def edit_route(self, request, pk):
        from .views import edit_post

        return edit_post(request, self, pk)

    @path("bericht/<int:pk>/verwijderen/", name="delete")
    def delete_route(self, request, pk):
        from .views import delete_post

        return delete_post(request, self, pk)

    @path("bericht/<int:pk>/bedankt/", name="thanks")
    def thanks_route(self, request, pk):
        from .views import thank

        return thank(request, self, pk)

    @path("bericht/<int:pk>/melden/", name="report")
    def report_route(self, request, pk):
        from .views import report

        return report(request, self, pk)

    @path("deelnemer/<int:pk>/dempen/", name="mute")
    def mute_route(self, request, pk):
        from .views import mute

        return mute(request, self, pk)

    @path("<slug:slug>/", name="category")
    def category_route(self, request, slug):
        from .views import category

        return category(request, self, slug)

    @path("<slug:slug>/nieuw/", name="new_thread")
    def new_thread_route(self, request, slug):
        from .views import new_thread

        return new_thread(request, self, slug)


class Category(models.Model):
    name = models.CharField(_("naam"), max_length=80)
    slug = models.SlugField(_("korte naam in links"), max_length=60, unique=True)
    description = models.CharField(_("omschrijving"), max_length=300, blank=True)
    asks_professionals = models.BooleanField(
        _("vragen aan hulpverleners"),
        default=False,
        help_text=_(
            "Onderwerpen hier zijn vragen aan hulpverleners; de lijst toont welke nog op een "
            "antwoord wachten."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("asks_professionals"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")
        ordering = ["sort_order", "name"]
        permissions = [("moderate_forum", _("Mag de vrijplaats modereren"))]

    def __str__(self):
        return self.name


class TrustLevel(models.IntegerChoices):
    NEW = 0, _("Nieuw")
    TRUSTED = 1, _("Vertrouwd")


class Member(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_member"
    )
    pseudonym = models.CharField(_("schuilnaam"), max_length=PSEUDONYM_MAX)
    # The skeleton (pseudonym_key()), unique: no look-alike of someone else's pseudonym. Set on
    # every save() and by posting.rename().
    pseudonym_key = models.CharField(max_length=PSEUDONYM_KEY_MAX, editable=False)
    # The last change of the pseudonym by the member (one per posting.RENAME_EVERY).
    renamed_at = models.DateTimeField(_("schuilnaam gewijzigd op"), null=True, blank=True)
    # The age the person gave when they joined (12-23); None for hulpverleners and moderators.
    stated_age = models.PositiveSmallIntegerField(_("opgegeven leeftijd"), null=True, blank=True)
    rules_accepted_at = models.DateTimeField(_("huisregels geaccepteerd op"))
    joined_at = models.DateTimeField(_("lid sinds"), default=timezone.now)
    approved_posts = models.PositiveIntegerField(_("goedgekeurde berichten"), default=0)
    level_override = models.PositiveSmallIntegerField(
        _("vertrouwensniveau (door moderator)"),
        choices=TrustLevel.choices,
        null=True,
        blank=True,
    )
    blocked_until = models.DateTimeField(_("geblokkeerd tot"), null=True, blank=True)
    block_reason = models.CharField(_("reden blokkade"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        constraints = [
            models.UniqueConstraint(Lower("pseudonym"), name="forum_unique_pseudonym"),
            models.UniqueConstraint(fields=["pseudonym_key"], name="forum_unique_pseudonym_key"),
        ]

    def __str__(self):
        return self.pseudonym

    def save(self, *args, **kwargs):
        self.pseudonym_key = pseudonym_key(self.pseudonym)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "pseudonym" in update_fields:
            kwargs["update_fields"] = {*update_fields, "pseudonym_key"}
        super().save(*args, **kwargs)

    def is_blocked(self, now=None) -> bool:
        return self.blocked_until is not None and self.blocked_until > (now or timezone.now())


class Thread(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="threads", verbose_name=_("categorie")
    )
    title = models.CharField(_("titel"), max_length=TITLE_MAX)
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    # The opening post is visible (the thread is listed); follows the opening post's status.
    is_public = models.BooleanField(default=False, db_index=True)
    reply_count = models.PositiveIntegerField(_("reacties"), default=0)
    last_post_at = models.DateTimeField(_("laatste bericht"), default=timezone.now)
    # In a category for hulpverleners: True until a hulpverlener replied.
    awaits_professional = models.BooleanField(_("wacht op een hulpverlener"), default=False)
    is_example = models.BooleanField(
        _("voorbeeld"), default=False, help_text=_("Voorbeeldinhoud, geen echt onderwerp.")
    )
    topic = models.OneToOneField(
        "notifications.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("gestart op"), default=timezone.now)

    class Meta:
        verbose_name = _("onderwerp")
        verbose_name_plural = _("onderwerpen")
        ordering = ["-last_post_at", "-pk"]
        indexes = [models.Index(fields=["category", "is_public", "-last_post_at"])]

    def __str__(self):
        return self.title


class Post(HasStatusHistory):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    author_role = models.CharField(max_length=20, choices=AuthorRole.choices, blank=True)
    is_opening = models.BooleanField(default=False)
    text = models.TextField(_("bericht"), max_length=POST_MAX)
    created_at = models.DateTimeField(_("geplaatst op"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("bewerkt op"), null=True, blank=True)
    # A moderator took a part out: the post says so, and why.
    moderator_edited_at = models.DateTimeField(null=True, blank=True)
    moderator_note = models.CharField(_("waarom aangepast"), max_length=300, blank=True)
    hold_reason = models.CharField(max_length=20, choices=HoldReason.choices, blank=True)
    # Crisis words: published, but on top of the moderators' queue.
    urgent = models.BooleanField(default=False)
    # A hidden post's author may edit it once and ask for review.
    review_requested_at = models.DateTimeField(null=True, blank=True)
    thanks_count = models.PositiveIntegerField(default=0)
    # Set when a removed or withdrawn post's text was erased (retention).
    erased_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PostStatus.choices,
        default=PostStatus.WAITING,
        db_index=True,
    )
    state = state_field("forum.PostEvent")
    workflow = POST_WORKFLOW

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "status", "created_at"])]

    def __str__(self):
        return self.text[:60]


class PostEvent(StatusEvent):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=PostStatus.choices)
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = _("status van een bericht")
        verbose_name_plural = _("statusgeschiedenis van berichten")


class QueueItem(models.Model):
    """One stay of a post in the moderators' queue: from `created_at` until a moderator first
    looked at it (`looked_at`, by any decision). At most one open item per post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="queue_items")
    kind = models.CharField(max_length=20, choices=QueueKind.choices)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    looked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    looked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("item in de moderatiewachtrij")
        verbose_name_plural = _("moderatiewachtrij")
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(looked_at__isnull=True), name="forum_one_open_item"
            )
        ]
        indexes = [models.Index(fields=["looked_at", "-urgent", "created_at"])]


class PostReport(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    # From a trusted account, a moderator or a hulpverlener: only these hide a post.
    counts = models.BooleanField(default=False)
    weight = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("melding van een bericht")
        verbose_name_plural = _("meldingen van berichten")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(reporter__isnull=False),
                name="forum_report_once",
            )
        ]


class Thanks(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="thanks")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="thanks_given")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bedankje")
        verbose_name_plural = _("bedankjes")
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="forum_thanks_once")]


class Mute(models.Model):
    """`member` no longer sees posts of `muted` (the other is not told)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mutes")
    muted = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="muted_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gedempte deelnemer")
        verbose_name_plural = _("gedempte deelnemers")
        constraints = [models.UniqueConstraint(fields=["member", "muted"], name="forum_mute_once")]


class MemberWarning(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="warnings")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="warnings"
    )
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("waarschuwing")
        verbose_name_plural = _("waarschuwingen")


class ModerationLog(models.Model):
    """The audit log: every moderator action and every automatic one, never changed."""

    action = models.CharField(_("actie"), max_length=30, choices=ModerationAction.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderator"),
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="log"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="log"
    )
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices, blank=True)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderatieactie")
        verbose_name_plural = _("moderatielogboek")
        ordering = ["-created_at", "-pk"]


class WatchedWord(models.Model):
    """An editable entry of the watched lists (screening.py): a phrase, or /a regular
    expression/. Phone numbers, addresses, email and social-media handles are found by the code
    itself; these lists add words."""

    class Kind(models.TextChoices):
        BLOCK = "blokkeren", _("Tegenhouden (de schrijver past het aan)")
        HOLD = "vasthouden", _("Vasthouden voor een moderator")
        CRISIS = "crisis", _("Crisis: hulp tonen, bovenaan de wachtrij")

    kind = models.CharField(_("wat er gebeurt"), max_length=20, choices=Kind.choices)
    phrase = models.CharField(
        _("woord of zinsdeel"),
        max_length=200,
        help_text=_("Hoofdletters tellen niet. Tussen /schuine strepen/: een reguliere expressie."),
    )
    note = models.CharField(_("toelichting"), max_length=200, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("phrase"), FieldPanel("note")]

    class Meta:
        verbose_name = _("bewaakt woord")
        verbose_name_plural = _("bewaakte woorden")
        ordering = ["kind", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "phrase"], name="forum_watched_once")
        ]

    def __str__(self):
        return self.phrase


class StaffedPeriod(models.Model):
    """When a moderator is around (Europe/Amsterdam). Outside these periods a new account's
    posts wait, and the pages say when someone will look."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("maandag")
        TUESDAY = 1, _("dinsdag")
        WEDNESDAY = 2, _("woensdag")
        THURSDAY = 3, _("donderdag")
        FRIDAY = 4, _("vrijdag")
        SATURDAY = 5, _("zaterdag")
        SUNDAY = 6, _("zondag")

    weekday = models.PositiveSmallIntegerField(_("dag"), choices=Weekday.choices)
    starts = models.TimeField(_("van"))
    ends = models.TimeField(_("tot"))

    panels = [FieldPanel("weekday"), FieldPanel("starts"), FieldPanel("ends")]

    class Meta:
        verbose_name = _("bemande tijd")
        verbose_name_plural = _("bemande tijden")
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="forum_period")
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"
