"""Back-office views of the meetings (registered in wagtail_hooks.py, under /beheer/bijeenkomsten/):
the meetings a user organises, and per meeting its registrations and waiting list, a printable
sign-in list, a CSV export, a message to everyone registered and calling the meeting off.

Registrations are personal data: only the organisers see them (permissions.py). Every change goes
through services.py; a refused step is a Dutch message on the page, never a 500."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .admin_forms import CancelForm, MailForm
from .models import EventPage, Registration
from .permissions import may_organise, may_organise_any, organisable_events
from .status import RegistrationStatus

LIST_LABEL = gettext_lazy("Bijeenkomsten")


class OrganiserView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not may_organise_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class EventListView(OrganiserView):
    """The meetings the user organises: upcoming first (soonest on top), then past ones (latest
    on top), each with its registered / places and waiting counts, in one query."""

    page_title = LIST_LABEL
    template_name = "events/admin/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        events = list(
            organisable_events(self.request.user)
            .select_related("think_tank")
            .annotate(
                registered=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
                ),
                waiting=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
                ),
            )
            .order_by("start", "pk")
        )
        context.update(
            upcoming=[event for event in events if not event.is_past(now)],
            past=[event for event in events if event.is_past(now)][::-1],
        )
        return context


class EventView(OrganiserView):
    """One meeting the user organises ("view"), or may change ("change": mail, call off)."""

    action = "view"

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(
            EventPage.objects.select_related("think_tank"), pk=kwargs["pk"]
        )
        if not may_organise(request.user, self.event, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = self.breadcrumbs_items + [
            {"url": reverse("events_admin:list"), "label": LIST_LABEL},
        ]
        if self.get_page_title() != self.event.title:
            items.append(
                {
                    "url": reverse("events_admin:registrations", args=[self.event.pk]),
                    "label": self.event.title,
                }
            )
        return items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["registrations_url"] = reverse("events_admin:registrations", args=[self.event.pk])
        return context


def split(registrations):
    """Registered, waiting (in order, with their position) and the others (cancelled)."""
    registered, waiting, others = [], [], []
    for registration in registrations:
        if registration.status == RegistrationStatus.REGISTERED:
            registered.append(registration)
        elif registration.status == RegistrationStatus.WAITING:
            registration.position = len(waiting) + 1
            waiting.append(registration)
        else:
            others.append(registration)
    return registered, waiting, others


def _registrations(event):
    # created_at, pk: the waiting list's order (RegistrationQuerySet.waiting).
    return (
        Registration.objects.filter(event=event)
        .select_related("state")
        .only(
            "pk",
            "event_id",
            "name",
            "email",
            "status",
            "created_at",
            "erased_at",
            "state__created_at",
        )
        .order_by("created_at", "pk")
    )


@method_decorator(never_cache, name="dispatch")
class RegistrationsView(EventView):
    template_name = "events/admin/registrations.html"

    def get_page_title(self):
        return self.event.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, event = self.request.user, self.event
        registered, waiting, others = split(_registrations(event))
        pk = event.pk
        context.update(
            registered=registered,
            waiting=waiting,
            others=others,
            may_change=may_organise(user, event, "change"),
            edit_url=(
                reverse("wagtailadmin_pages:edit", args=[pk])
                if event.permissions_for_user(user).can_edit()
                else ""
            ),
            signin_url=reverse("events_admin:signin", args=[pk]),
            csv_url=reverse("events_admin:csv", args=[pk]),
            mail_url=reverse("events_admin:mail", args=[pk]),
            cancel_url=reverse("events_admin:cancel", args=[pk]),
            public_url=event.url if event.live else "",
        )
        return context


@method_decorator(never_cache, name="dispatch")
class SignInListView(EventView):
    """A clean page to print: who is registered, with a column to sign. No back-office chrome; its
    styles are a static file (the strict CSP has no inline styles or scripts)."""

    template_name = "events/admin/signin.html"
    blank_rows = 5  # for who comes without having signed up

    def get_page_title(self):
        return _("Presentielijst: %(title)s") % {"title": self.event.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registered, _waiting, _others = split(_registrations(self.event))
        context.update(
            registered=registered,
            blank_rows=range(len(registered) + 1, len(registered) + 1 + self.blank_rows),
        )
        return context


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or carriage return)
    would be read as a formula ("CSV injection"), so it gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@method_decorator(never_cache, name="dispatch")
class CsvView(EventView):
    """Registered and waiting, with their status, as CSV for Excel: UTF-8 with a BOM (else Excel
    shows "ë" as two characters) and a semicolon, the list separator of Dutch Excel."""

    def get(self, request, *args, **kwargs):
        event = self.event
        registered, waiting, _others = split(_registrations(event))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="aanmeldingen-{event.slug}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
        writer.writerow(
            [_("Naam"), _("E-mailadres"), _("Status"), _("Aangemeld op"), _("Plaats op wachtlijst")]
        )
        for registration in registered + waiting:
            erased = registration.erased_at is not None
            writer.writerow(
                csv_cell(cell)
                for cell in (
                    _("gegevens gewist") if erased else registration.name,
                    "" if erased else registration.email,
                    registration.get_status_display(),
                    timezone.localtime(registration.created_at).strftime("%d-%m-%Y %H:%M"),
                    getattr(registration, "position", ""),
                )
            )
        return response


class MailView(EventView):
    """A message to everyone registered (not the waiting list), through the outbox."""

    action = "change"
    template_name = "events/admin/mail.html"

    def get_page_title(self):
        return _("Bericht aan alle aangemelden")

    def problem(self, recipients):
        if not self.event.live:
            return _(
                "Deze bijeenkomst is niet gepubliceerd. Er gaat geen bericht uit over een "
                "bijeenkomst die niet op de site staat."
            )
        if not recipients:
            return _("Er is niemand aangemeld. Er gaat geen bericht uit.")
        return None

    def recipients(self):
        return Registration.objects.registered().filter(event=self.event).exclude(email="").count()

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        recipients = self.recipients()
        context.update(
            form=form or MailForm(),
            recipients=recipients,
            problem=self.problem(recipients),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = MailForm(request.POST)
        problem = self.problem(self.recipients())
        if problem:
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            sent = services.mail_registered(
                self.event,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except services.Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Het bericht gaat naar %(count)s aangemelde personen.") % {"count": sent}
                if sent != 1
                else _("Het bericht gaat naar 1 aangemelde persoon."),
            )
        return redirect("events_admin:registrations", self.event.pk)


class CancelView(EventView):
    """Call the meeting off, after a reason and a checked "Ja, afgelasten"."""

    action = "change"
    template_name = "events/admin/cancel.html"

    def get_page_title(self):
        return _("Bijeenkomst afgelasten")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = services.counts(self.event)
        context.update(
            form=form or CancelForm(),
            registered=counts["registered"],
            waiting=counts["waiting"],
            past=self.event.is_past(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = CancelForm(request.POST)
        if self.event.is_cancelled:
            messages.error(request, _("Deze bijeenkomst is al afgelast."))
            return redirect("events_admin:registrations", self.event.pk)
        if self.event.is_past():
            messages.error(request, _("Deze bijeenkomst is al voorbij. Afgelasten kan niet meer."))
            return redirect("events_admin:registrations", self.event.pk)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            told = services.cancel_event(
                self.event, reason=form.cleaned_data["reason"], by=request.user
            )
        except services.Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("De bijeenkomst is afgelast. %(count)s mensen krijgen daarover bericht.")
                % {"count": told}
                if told != 1
                else _("De bijeenkomst is afgelast. 1 persoon krijgt daarover bericht."),
            )
        return redirect("events_admin:registrations", self.event.pk)
