from django.apps import apps
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import RICH_TEXT_FEATURES, BodyBlock, CrisisNumberBlock, EntryPointBlock
from .editorial import ToConfirm

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-]{2,19}$",
    _("Vul een telefoonnummer in met alleen cijfers, spaties of streepjes."),
)


def tel_href(number: str) -> str:
    """'06-12989357' -> 'tel:0612989357'."""
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


@register_setting(icon="cog")
class SiteSettings(ToConfirm, ClusterableModel, BaseGenericSetting):
    municipality_name = models.CharField(_("naam gemeente"), max_length=100, blank=True)
    places = models.CharField(
        _("kernen"),
        max_length=200,
        blank=True,
        help_text=_("De kernen in één zin, bijvoorbeeld: Noorddorp, Zuidhaven en Oosterwijk"),
    )
    policy_officer_name = models.CharField(_("naam beleidsmedewerker"), max_length=100, blank=True)
    policy_officer_email = models.EmailField(_("e-mail beleidsmedewerker"), blank=True)
    policy_officer_phone = models.CharField(
        _("telefoon beleidsmedewerker"), max_length=20, blank=True, validators=[phone_validator]
    )
    facebook_url = models.URLField(
        _("Facebookpagina"),
        blank=True,
        help_text=_("Alleen een gewone link: er wordt niets van Facebook ingeladen."),
    )
    security_contact = models.EmailField(
        _("contact voor beveiligingsmeldingen"),
        blank=True,
        help_text=_("Komt in /.well-known/security.txt"),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacyverklaring"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Formulieren verwijzen hiernaar."),
    )
    crisis_numbers = StreamField(
        [("number", CrisisNumberBlock())],
        blank=True,
        verbose_name=_("crisisnummers"),
        use_json_field=True,
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("municipality_name"), FieldPanel("places")], heading=_("Gemeente")
        ),
        MultiFieldPanel(
            [
                FieldPanel("policy_officer_name"),
                FieldPanel("policy_officer_email"),
                FieldPanel("policy_officer_phone"),
            ],
            heading=_("Beleidsmedewerker"),
        ),
        FieldPanel("crisis_numbers"),
        InlinePanel("menu_items", heading=_("Hoofdmenu"), label=_("menu-item")),
        InlinePanel("footer_links", heading=_("Links onderaan elke pagina"), label=_("link")),
        FieldPanel("privacy_page"),
        FieldPanel("facebook_url"),
        FieldPanel("security_contact"),
        FieldPanel("to_confirm"),
    ]

    class Meta:
        verbose_name = _("site-instellingen")
        verbose_name_plural = _("site-instellingen")

    @property
    def policy_officer_tel(self) -> str:
        return tel_href(self.policy_officer_phone)


class NavigationLink(Orderable):
    """A page in the main menu or in the footer's "Over deze site" (core.navigation). One table
    for both, so a page's menu and footer come in one query."""

    menu_of = ParentalKey(
        SiteSettings, null=True, blank=True, on_delete=models.CASCADE, related_name="menu_items"
    )
    footer_of = ParentalKey(
        SiteSettings, null=True, blank=True, on_delete=models.CASCADE, related_name="footer_links"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("pagina"), on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(
        _("korte naam"),
        max_length=30,
        blank=True,
        help_text=_("Zoals het in het menu staat, bijvoorbeeld 'Melden'. Leeg: de paginatitel."),
    )
    label_en = models.CharField(
        _("korte naam in het Engels"),
        max_length=30,
        blank=True,
        help_text=_("Getoond aan wie de site in het Engels bekijkt. Leeg: de Nederlandse naam."),
    )

    panels = [FieldPanel("page"), FieldPanel("label"), FieldPanel("label_en")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self):
        return self.label or self.page.title


@register_snippet
class Area(Orderable):
    """A place within the municipality (a kern or a district), loaded from the content set. The help
    directory filters on it and the meldpunt form asks for it; the slug is what URLs and sealed
    reports keep."""

    name = models.CharField(_("naam"), max_length=80)
    slug = models.SlugField(_("korte naam in links"), max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(Orderable.Meta):
        verbose_name = _("kern")
        verbose_name_plural = _("kernen")

    def __str__(self):
        return self.name


AREA_CHOICES_KEY = "core:area-choices"


def area_choices():
    """(slug, name) of every kern, in order. Cached: the help filters and the report form ask on
    every request, within the query budget; saving or deleting a kern clears it."""
    choices = cache.get(AREA_CHOICES_KEY)
    if choices is None:
        choices = list(Area.objects.values_list("slug", "name"))
        cache.set(AREA_CHOICES_KEY, choices, 3600)
    return choices


@receiver([post_save, post_delete], sender=Area)
def _forget_area_choices(**kwargs):
    transaction.on_commit(lambda: cache.delete(AREA_CHOICES_KEY))
    cache.delete(AREA_CHOICES_KEY)


class LoadedContent(models.Model):
    """One item of a content set (content/<municipality>/) that the loader created or found, so a
    later run never makes it again: what an editor deleted stays deleted, what they changed stays
    changed. `key` is the item's name within its kind, e.g. a page's path."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    object_id = models.PositiveBigIntegerField(null=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="core_loadedcontent_unique")
        ]

    def __str__(self):
        return f"{self.kind}: {self.key}"


@register_snippet
class ContactPerson(index.Indexed, Orderable):
    """A local contact person ("Voor hulp in <gemeente>")."""

    name = models.CharField(_("naam"), max_length=100)
    phone = models.CharField(_("telefoon"), max_length=20, validators=[phone_validator])
    role = models.CharField(_("rol"), max_length=120, blank=True)
    active = models.BooleanField(_("tonen op de site"), default=True)

    panels = [FieldPanel("name"), FieldPanel("phone"), FieldPanel("role"), FieldPanel("active")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")

    def __str__(self):
        return self.name

    @property
    def tel(self) -> str:
        return tel_href(self.phone)


class BasePage(ToConfirm, Page):
    """Common to our pages: a short introduction used in listings and search results, and what
    the municipality must still confirm (core.editorial; on the page's settings tab)."""

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)

    search_fields = Page.search_fields + [index.SearchField("intro")]
    settings_panels = Page.settings_panels + [FieldPanel("to_confirm")]

    class Meta:
        abstract = True

    @cached_property
    def ancestors(self) -> list:
        """The pages above this one, read once per request: the breadcrumbs and Wagtail's check of
        view restrictions share them (each used to read them itself: one query per page view)."""
        return list(self.get_ancestors())

    def get_view_restrictions(self):
        """As Wagtail's (an alias counts as its source page), from the shared ancestors."""
        ids = set()

        def add(page):
            if page.alias_of_id:
                add(page.alias_of)
            else:
                ids.add(page.pk)

        add(self)
        for page in self.ancestors:
            add(page)
        return PageViewRestriction.objects.filter(page_id__in=ids)


class HomePage(BasePage):
    audience = RichTextField(_("voor wie is deze site"), features=RICH_TEXT_FEATURES, blank=True)
    entry_points = StreamField(
        [("entry", EntryPointBlock())],
        blank=True,
        verbose_name=_("ingangen"),
        use_json_field=True,
        max_num=6,
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("audience"),
        FieldPanel("entry_points"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    search_fields = BasePage.search_fields + [index.SearchField("audience")]

    class Meta:
        verbose_name = _("startpagina")
        verbose_name_plural = _("startpagina’s")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # plan builds on core, so core looks the update model up by name instead of importing it.
        update_model = apps.get_model("plan", "UpdatePage")
        context["latest_updates"] = (
            update_model.objects.live()
            .public()
            .filter(is_example=False)
            .order_by("-date", "-pk")[:3]
        )
        context["contact_persons"] = ContactPerson.objects.filter(active=True)
        return context


class ContentPage(BasePage):
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("inhoud"), use_json_field=True)
    show_contact_persons = models.BooleanField(_("contactpersonen tonen"), default=False)
    show_policy_officer = models.BooleanField(_("beleidsmedewerker tonen"), default=False)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    settings_panels = BasePage.settings_panels + [
        FieldPanel("show_contact_persons"),
        FieldPanel("show_policy_officer"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = _("inhoudspagina")
        verbose_name_plural = _("inhoudspagina’s")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.show_contact_persons:
            context["contact_persons"] = ContactPerson.objects.filter(active=True)
        return context


class OutgoingEmail(models.Model):
    """Every email the site sends, kept until it is delivered (the outbox). A task sends it and
    retries for days while the mail server is down; the back office lists what is unsent.
    Holds an address and a text, so sent mail is deleted after EMAIL_RETENTION_DAYS."""

    class Status(models.TextChoices):
        PENDING = "wacht", _("Wacht op verzending")
        SENT = "verzonden", _("Verzonden")
        FAILED = "mislukt", _("Niet verzonden (adres geweigerd of een week geprobeerd)")

    to = models.EmailField(_("aan"), blank=True)
    # For mail to an anonymous reporter: once delivered, the address is erased at once.
    erase_recipient_when_sent = models.BooleanField(_("adres wissen na verzending"), default=False)
    subject = models.CharField(_("onderwerp"), max_length=200)
    body = models.TextField(_("tekst"))
    purpose = models.CharField(_("soort bericht"), max_length=60)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    last_error = models.CharField(_("laatste fout"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    # A sender holds the row until then; a worker that died lets it go by itself (core.mail).
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    # Extra message headers, e.g. List-Unsubscribe on bulk mail (notifications); none on service
    # mail. Message-ID is always set by core.mail and cannot be overridden here.
    headers = models.JSONField(_("extra kopregels"), default=dict, blank=True)
    # Files sent with the mail: [{"filename", "content" (text), "mimetype"}], e.g. a meeting's .ics.
    attachments = models.JSONField(_("bijlagen"), default=list, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mail")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.purpose} ({self.get_status_display()})"


class ThrottleCounter(models.Model):
    """A counter of core.throttle (rate limits, login lockouts, duplicate-submit keys): keyed
    hashes only, never an address; deleted by the daily job once expired."""

    key = models.CharField(max_length=250, primary_key=True)
    value = models.BigIntegerField()
    expires_at = models.DateTimeField(db_index=True)
