"""The help directory: offers of help shaped after Open Referral's HSDS service record."""

import datetime
from collections import defaultdict

from django import forms
from django.contrib.admin import display as admin_display
from django.db import models
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from samenaanpak.core.editorial import ToConfirm
from samenaanpak.core.models import BasePage, phone_validator, tel_href

from .opening import hours_summary, is_open, next_opening, reopens_label

STALE_AFTER = datetime.timedelta(days=183)  # "not checked for 6 months"


class Term(models.Model):
    """A fixed, short list the filters use (seeded by a migration)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("naam"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order"]

    def __str__(self):
        return str(self.name)


class Audience(Term):
    """For whom an offer is (jongeren, ouders, familie en vrienden, professionals)."""

    class Meta(Term.Meta):
        verbose_name = _("doelgroep")
        verbose_name_plural = _("doelgroepen")


class Topic(Term):
    """What an offer is about (drugs, alcohol, terugval/nazorg, zorgen om een ander, preventie)."""

    class Meta(Term.Meta):
        verbose_name = _("onderwerp")
        verbose_name_plural = _("onderwerpen")


class HelpOfferQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def stale(self, today=None):
        today = today or timezone.localdate()
        return self.filter(Q(last_checked__isnull=True) | Q(last_checked__lt=today - STALE_AFTER))

    def with_channel(self, channels):
        """channels: any of 'telefoon', 'chat', 'persoonlijk', 'online' (OR-ed)."""
        condition = Q()
        if "telefoon" in channels:
            condition |= ~Q(phone="")
        if "chat" in channels:
            condition |= ~Q(chat_url="")
        if "persoonlijk" in channels:
            condition |= Q(
                kind__in=[
                    HelpOffer.Kind.LOCAL_PERSON,
                    HelpOffer.Kind.LOCAL_ORGANISATION,
                    HelpOffer.Kind.WALK_IN,
                ]
            ) | ~Q(address="")
        if "online" in channels:
            condition |= ~Q(website="") | ~Q(chat_url="")
        return self.filter(condition) if condition else self


class HelpOffer(ToConfirm, index.Indexed, ClusterableModel):
    class Kind(models.TextChoices):
        LOCAL_PERSON = "persoon", _("Iemand in de buurt")
        LOCAL_ORGANISATION = "organisatie", _("Organisatie in de buurt")
        PHONE_LINE = "telefoonlijn", _("Telefoonlijn")
        CHAT = "chat", _("Chat")
        WEBSITE = "website", _("Website of zelfhulp")
        WALK_IN = "inloop", _("Inloop")

    class Reach(models.TextChoices):
        # In this order in the lists: local help first, then the region, then national.
        MUNICIPALITY = "gemeente", _("Hele gemeente")
        AREAS = "kernen", _("Alleen in de gekozen kernen")
        REGION = "regio", _("Regio")
        NATIONAL = "landelijk", _("Landelijk of online")

    class Cost(models.TextChoices):
        FREE = "gratis", _("Gratis")
        DEDUCTIBLE = "eigen-risico", _("Valt onder het eigen risico")
        OTHER = "anders", _("Anders (zie toelichting)")

    name = models.CharField(_("naam"), max_length=150)
    organisation = models.CharField(_("organisatie"), max_length=150, blank=True)
    description = models.TextField(_("korte omschrijving"), max_length=600)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("telefoon"), max_length=20, blank=True, validators=[phone_validator])
    chat_url = models.URLField(_("chat (adres)"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    always_open = models.BooleanField(_("dag en nacht bereikbaar"), default=False)
    opening_note = models.CharField(_("toelichting openingstijden"), max_length=200, blank=True)
    audiences = ParentalManyToManyField(
        Audience, verbose_name=_("voor wie"), blank=True, related_name="offers"
    )
    topics = ParentalManyToManyField(
        Topic, verbose_name=_("onderwerpen"), blank=True, related_name="offers"
    )
    reach = models.CharField(
        _("gebied"), max_length=20, choices=Reach.choices, default=Reach.MUNICIPALITY
    )
    areas = ParentalManyToManyField(
        "core.Area",
        verbose_name=_("kernen"),
        blank=True,
        related_name="help_offers",
        help_text=_("Alleen bij ‘Alleen in de gekozen kernen’."),
    )
    cost = models.CharField(_("kosten"), max_length=20, choices=Cost.choices, default=Cost.FREE)
    cost_note = models.CharField(_("toelichting kosten"), max_length=200, blank=True)
    anonymous_possible = models.BooleanField(_("anoniem mogelijk"), default=False)
    referral_needed = models.BooleanField(_("verwijzing nodig"), default=False)
    minimum_age = models.PositiveSmallIntegerField(_("minimumleeftijd"), null=True, blank=True)
    last_checked = models.DateField(_("laatst gecontroleerd"), null=True, blank=True)
    active = models.BooleanField(_("tonen op de site"), default=True)

    objects = HelpOfferQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("organisation"),
                FieldPanel("description"),
                FieldPanel("kind"),
            ],
            heading=_("Wat"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("chat_url"),
                FieldPanel("email"),
                FieldPanel("website"),
                FieldPanel("address"),
            ],
            heading=_("Hoe bereikbaar"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("always_open"),
                FieldPanel("opening_note"),
                InlinePanel("opening_hours", label=_("Openingstijd")),
            ],
            heading=_("Openingstijden"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("reach"),
                FieldPanel("areas", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Voor wie en waar"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("cost"), FieldPanel("cost_note")]),
                FieldRowPanel(
                    [
                        FieldPanel("anonymous_possible"),
                        FieldPanel("referral_needed"),
                        FieldPanel("minimum_age"),
                    ]
                ),
            ],
            heading=_("Voorwaarden"),
        ),
        MultiFieldPanel(
            [FieldPanel("last_checked"), FieldPanel("active"), FieldPanel("to_confirm")],
            heading=_("Beheer"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("organisation"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("hulpaanbod")
        verbose_name_plural = _("hulpaanbod")

    def __str__(self):
        return self.name

    @admin_display(description=_("gebied"), ordering="reach")
    def where_label(self):
        """'Hele gemeente', 'Landelijk of online', or the kernen: 'Noorddorp, Zuidhaven'."""
        if self.reach == self.Reach.AREAS:
            names = getattr(self, "area_names", None)
            return ", ".join(names if names is not None else (a.name for a in self.areas.all()))
        return self.get_reach_display()

    # Django's get_FOO_display() rebuilds a dictionary of the field's choices on every call; the
    # lists call these twice per card. Same result, from a dictionary built once.
    def get_kind_display(self):
        return str(KIND_LABELS.get(self.kind, self.kind))

    def get_reach_display(self):
        return str(REACH_LABELS.get(self.reach, self.reach))

    @property
    def tel(self):
        return tel_href(self.phone) if self.phone else ""

    @admin_display(description=_("laatst gecontroleerd"), ordering="last_checked")
    def checked_label(self):
        checked = date_format(self.last_checked) if self.last_checked else _("nooit")
        return _("%(date)s – controleren!") % {"date": checked} if self.is_stale else checked

    @property
    def is_stale(self):
        return self.last_checked is None or self.last_checked < timezone.localdate() - STALE_AFTER

    def _periods(self):
        return [(h.weekday, h.opens, h.closes) for h in self.opening_hours.all()]

    def is_open_at(self, moment):
        """True/False, or None when no opening hours are known."""
        if self.always_open:
            return True
        periods = self._periods()
        return is_open(periods, moment) if periods else None

    def reopens_after(self, moment):
        """'Weer open: morgen 9:00' for an offer that is closed at `moment`, else ''."""
        if self.always_open or self.is_open_at(moment) is not False:
            return ""
        opening = next_opening(self._periods(), moment)
        return reopens_label(opening, moment) if opening else ""

    def hours_lines(self):
        return hours_summary(self._periods())

    def set_state(self, moment, periods=None):
        """What the lists and the offer page show about opening hours, in one pass: open now,
        when it opens again, the summary. `periods`: (weekday, opens, closes) tuples the caller
        fetched for many offers at once, else this offer's own opening hours."""
        if periods is None:
            periods = self._periods()
        if self.always_open:
            self.open_now = True
        else:
            self.open_now = is_open(periods, moment) if periods else None
        opening = next_opening(periods, moment) if self.open_now is False else None
        self.reopens = reopens_label(opening, moment) if opening else ""
        self.hours = hours_summary(periods)


KIND_LABELS = dict(HelpOffer.Kind.choices)
REACH_LABELS = dict(HelpOffer.Reach.choices)
# Local help first (the whole municipality, then single kernen), the region, then national.
REACH_RANK = {value: rank for rank, value in enumerate(HelpOffer.Reach.values)}


def set_area_names(offers):
    """The kernen of the offers limited to some, in one query, and none when no offer is."""
    limited = {offer.pk: offer for offer in offers if offer.reach == HelpOffer.Reach.AREAS}
    if not limited:
        return
    for offer in limited.values():
        offer.area_names = []
    links = HelpOffer.areas.through.objects.filter(helpoffer__in=limited)
    for offer_id, name in links.order_by("area__sort_order").values_list("helpoffer", "area__name"):
        limited[offer_id].area_names.append(name)


class OpeningHours(Orderable):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("maandag")
        TUESDAY = 1, _("dinsdag")
        WEDNESDAY = 2, _("woensdag")
        THURSDAY = 3, _("donderdag")
        FRIDAY = 4, _("vrijdag")
        SATURDAY = 5, _("zaterdag")
        SUNDAY = 6, _("zondag")

    offer = ParentalKey(HelpOffer, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("dag"), choices=Weekday.choices)
    opens = models.TimeField(_("open vanaf"))
    closes = models.TimeField(
        _("tot"), help_text=_("Een tijd vóór ‘open vanaf’ loopt door na middernacht.")
    )

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("openingstijd")
        verbose_name_plural = _("openingstijden")


GUIDED_START = {
    # "Ik zoek hulp voor ..." -> the filters that fit
    "mijzelf": {"voor": ["jongeren"]},
    "mijn-kind": {"voor": ["ouders"]},
    "iemand-anders": {"voor": ["familie-en-vrienden"], "onderwerp": ["zorgen-om-een-ander"]},
}


class HelpIndexPage(RoutablePageMixin, BasePage):
    """/hulp/: the help directory with filters, /hulp/online/ and one page per offer."""

    online_intro = models.TextField(_("inleiding online hulp"), blank=True, max_length=600)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("online_intro")]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("hulpoverzicht")
        verbose_name_plural = _("hulpoverzichten")

    def offers(self):
        return HelpOffer.objects.active().order_by("name")

    def _render_list(self, request, offers, template, extra):
        """A list of cards. Where the time went (bench/run.py) and what this does instead:
        ordering by area with a CASE expression in SQL took longer to compile than sorting the
        list here; the cards need only weekday/opens/closes of the opening hours (one query of
        tuples for all offers instead of a prefetch of model instances) and not the audiences
        and topics; each card's link is the page's URL once plus the offer's id, not a
        {% routablepageurl %} (a site lookup and a URL reverse) per card."""
        now = timezone.now()
        offers = list(offers)
        offers.sort(key=lambda offer: REACH_RANK.get(offer.reach, len(REACH_RANK)))  # stable
        periods = defaultdict(list)
        if offers:
            rows = OpeningHours.objects.filter(offer__in=[offer.pk for offer in offers])
            for offer_id, *period in rows.values_list("offer_id", "weekday", "opens", "closes"):
                periods[offer_id].append(tuple(period))
        base = self.relative_url(Site.find_for_request(request), request)
        base += "" if base.endswith("/") else "/"
        for offer in offers:
            offer.set_state(now, periods[offer.pk])
            offer.page_url = base + self.reverse_subpage("offer", args=(offer.pk,))
        set_area_names(offers)
        context = {"offers": offers, "now": now, **extra}
        return self.render(request, template=template, context_overrides=context)

    @path("")
    def directory(self, request):
        from .filters import HelpOfferFilter  # filters.py imports these models

        guided = GUIDED_START.get(request.GET.get("voor-wie", ""))
        if guided:
            query = QueryDict(mutable=True)
            for key, values in guided.items():
                query.setlist(key, values)
            return redirect(f"{self.url}?{query.urlencode()}")
        filterset = HelpOfferFilter(request.GET or None, queryset=self.offers())
        filtered = any(key in request.GET for key in filterset.filters)
        chosen = request.GET.getlist("voor")
        # A parent gets advice for tonight; a young person is addressed with "je" (house style is "u").
        for_parents = "ouders" in chosen
        for_young = "jongeren" in chosen and not for_parents
        return self._render_list(
            request,
            filterset.qs,
            "help/help_index_page.html",
            {
                "filter": filterset,
                "filtered": filtered,
                "filter_count": sum(len(request.GET.getlist(key)) for key in filterset.filters),
                "for_parents": for_parents,
                "for_young": for_young,
            },
        )

    @path("online/", name="online")
    def online(self, request):
        offers = self.offers().with_channel(["online"])
        return self._render_list(request, offers, "help/help_online.html", {})

    @path("aanbod/<int:pk>/", name="offer")
    def offer(self, request, pk):
        offer = (
            self.offers()
            .prefetch_related("opening_hours", "audiences", "topics")
            .filter(pk=pk)
            .first()
        )
        if offer is None:
            raise Http404
        offer.set_state(timezone.now())
        return self.render(
            request, template="help/help_offer.html", context_overrides={"offer": offer}
        )


AUDIENCES = [
    ("jongeren", "Jongeren"),
    ("ouders", "Ouders"),
    ("familie-en-vrienden", "Familie en vrienden"),
    ("professionals", "Professionals"),
]
TOPICS = [
    ("drugs", "Drugs"),
    ("alcohol", "Alcohol"),
    ("terugval-nazorg", "Terugval en nazorg"),
    ("zorgen-om-een-ander", "Zorgen om een ander"),
    ("preventie", "Preventie"),
]


def ensure_reference_data():
    """The fixed lists the filters use (also run by the loader: a flushed database lacks them)."""
    for model, rows in ((Audience, AUDIENCES), (Topic, TOPICS)):
        for order, (slug, name) in enumerate(rows):
            model.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
