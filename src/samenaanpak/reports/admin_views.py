"""The handlers' side of the meldpunt, in the Wagtail back office (/beheer/meldpunt/).

Authorization is per report: every queryset goes through Report.objects.for_user(), so only
members of the report's team see it at all; reading the content also needs the team key, which
only a member's unlocked session holds. Every view that shows or changes a report writes an
AuditEntry (who, what kind of action, which report; never content)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from nacl.exceptions import CryptoError
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.core.mail import queue_email

from . import crypto, keyring, vault
from .models import (
    AuditEntry,
    Category,
    MemberKey,
    Message,
    RecoveryKey,
    Report,
    ReportPage,
    TeamKeyGrant,
)
from .permissions import TEAMS
from .status import WORKFLOW, ForwardedTo, Status


def _lookup_path() -> str:
    """Where the reporter reads a reply: the meldpunt page's own lookup route."""
    page = ReportPage.objects.live().first()
    return page.lookup_path() if page is not None else "/"


class MeldpuntView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not TEAMS.units(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("reports_admin:queue"), "label": _("Meldpunt")},
            {"url": "", "label": self.get_page_title()},
        ]


class QueueFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Alle open meldingen")), ("alle", gettext_lazy("Alle"))]
        + Status.choices,
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Categorie"),
        required=False,
        queryset=Category.objects.none(),
        empty_label=gettext_lazy("Alle categorieën"),
    )
    overdue = forms.BooleanField(label=gettext_lazy("Alleen te laat"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The user's teams' categories, and those of their reports (a category may have moved on).
        teams = TEAMS.units(user)
        self.fields["category"].queryset = Category.objects.filter(
            Q(team__in=teams) | Q(pk__in=Report.objects.filter(team__in=teams).values("category"))
        )


class QueueView(MeldpuntView):
    template_name = "reports/admin/queue.html"
    page_title = gettext_lazy("Meldingen")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Meldpunt")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = Report.objects.for_user(self.request.user).select_related("category")
        form = QueueFilter(self.request.GET or None, user=self.request.user)
        if form.is_valid():
            status = form.cleaned_data["status"]
            if status == "":
                reports = reports.exclude(status=Status.CLOSED)
            elif status != "alle":
                reports = reports.filter(status=status)
            if form.cleaned_data["category"]:
                reports = reports.filter(category=form.cleaned_data["category"])
            if form.cleaned_data["overdue"]:
                reports = reports.overdue()
        else:
            reports = reports.exclude(status=Status.CLOSED)
        context.update(
            filter_form=form,
            reports=reports.order_by("due_on", "pk")[:500],
            unlocked=keyring.member_private_key(self.request) is not None,
            recovery_missing=RecoveryKey.current() is None,
        )
        return context


class UnlockForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Uw wachtwoord"), widget=forms.PasswordInput)


class UnlockView(MeldpuntView):
    """When the session holds no key (it started before the user joined the team, for example)."""

    template_name = "reports/admin/unlock.html"
    page_title = gettext_lazy("Meldingen ontgrendelen")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UnlockForm())
        context["next"] = self.request.GET.get("next", "")
        return context

    def post(self, request, *args, **kwargs):
        form = UnlockForm(request.POST)
        if form.is_valid():
            if request.user.check_password(form.cleaned_data["password"]):
                outcome = keyring.unlock(request, request.user, form.cleaned_data["password"])
                if outcome == "reset":
                    messages.warning(
                        request,
                        _(
                            "Uw wachtwoord is opnieuw ingesteld zonder het oude. Daardoor is uw "
                            "oude sleutel niet meer te gebruiken. Vraag een collega om u opnieuw "
                            "toegang te geven."
                        ),
                    )
                next_url = request.POST.get("next", "")
                if not url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}
                ):
                    next_url = reverse("reports_admin:queue")
                return redirect(next_url)
            form.add_error("password", _("Dat wachtwoord klopt niet."))
        return self.render_to_response(self.get_context_data(form=form))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Nieuwe status"), choices=Status.choices)
    forwarded_to = forms.ChoiceField(
        label=gettext_lazy("Doorgezet naar"),
        required=False,
        choices=[("", "—")] + ForwardedTo.choices,
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Tekst"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )


class ReportView(MeldpuntView):
    template_name = "reports/admin/report.html"

    def get_page_title(self):
        return _("Melding %(number)s") % {"number": self.report.number}

    def dispatch(self, request, *args, **kwargs):
        if not TEAMS.units(request.user).exists():
            raise PermissionDenied
        self.report = get_object_or_404(
            Report.objects.for_user(request.user).select_related("category", "team"),
            pk=kwargs["pk"],
        )
        self.private_key = self._private_key()
        if self.private_key is None:
            if keyring.member_private_key(request) is None:
                return redirect(reverse("reports_admin:unlock") + "?next=" + request.path)
            return self.render_no_access()
        return super().dispatch(request, *args, **kwargs)

    def _private_key(self):
        team_private = keyring.team_private_key(self.request, self.report.team)
        if team_private is None:
            return None
        try:
            return crypto.open_with_team_key(vault.report_keys(self.report), team_private)
        except CryptoError:  # sealed to an earlier team key (before a recovery)
            return None

    def render_no_access(self):
        self.template_name = "reports/admin/no_access.html"
        return self.render_to_response(
            TemplateView.get_context_data(self)
            | {
                "page_title": self.get_page_title(),
                "header_title": self.get_page_title(),
                "breadcrumbs_items": self.get_breadcrumbs_items(),
            }
        )

    def get(self, request, *args, **kwargs):
        AuditEntry.record(AuditEntry.Action.OPENED, user=request.user, report=self.report)
        if self.report.new_from_reporter:
            self.report.new_from_reporter = False
            self.report.save(update_fields=["new_from_reporter"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, key = self.report, self.private_key
        summary = vault.summary(report, key)
        context.update(
            report=report,
            content=vault.content(report, key),
            summary=summary,
            thread=vault.messages(report, key, include_notes=True),
            photos=report.attachments.filter(message__isnull=True),
            events=report.events.select_related("author"),
            allowed=[Status(value) for value in WORKFLOW.allowed(report.status)],
            status_form=kwargs.get("status_form") or StatusForm(initial={"status": ""}),
            message_form=kwargs.get("message_form") or TextForm(prefix="message"),
            note_form=kwargs.get("note_form") or TextForm(prefix="note"),
            summary_form=kwargs.get("summary_form")
            or TextForm(prefix="summary", initial={"text": summary}),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        handler = {
            "status": self.change_status,
            "message": self.send_message,
            "note": self.add_note,
            "summary": self.write_summary,
        }.get(action)
        if handler is None:
            return redirect(request.path)
        return handler(request)

    def change_status(self, request):
        form = StatusForm(request.POST)
        if form.is_valid():
            status, forwarded_to = form.cleaned_data["status"], form.cleaned_data["forwarded_to"]
            try:
                WORKFLOW.check_step(self.report.status, status)
            except TransitionError as error:
                form.add_error("status", error)
                return self.render_to_response(self.get_context_data(status_form=form))
            if status == Status.FORWARDED and not self.report.sealed_summary:
                form.add_error(
                    "status",
                    _(
                        "Schrijf eerst een samenvatting zonder herkenbare gegevens van de melder. "
                        "Alleen die samenvatting gaat naar buiten."
                    ),
                )
            else:
                try:
                    record_status(
                        self.report, status, author=request.user, forwarded_to=forwarded_to
                    )
                except TransitionError as error:
                    form.add_error("status", error)
                else:
                    AuditEntry.record(
                        AuditEntry.Action.STATUS,
                        user=request.user,
                        report=self.report,
                        detail=f"{status} {forwarded_to}".strip(),
                    )
                    messages.success(request, _("Status gewijzigd."))
                    return redirect(request.path)
        return self.render_to_response(self.get_context_data(status_form=form))

    def send_message(self, request):
        form = TextForm(request.POST, prefix="message")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(message_form=form))
        vault.add_message(
            self.report, Message.Kind.TO_REPORTER, form.cleaned_data["text"], author=request.user
        )
        AuditEntry.record(AuditEntry.Action.MESSAGE, user=request.user, report=self.report)
        email = vault.content(self.report, self.private_key).get("email")
        if email:
            # The address was decrypted for this moment only; the mail says nothing about the report.
            queue_email(
                to=email,
                purpose="melding-reactie",
                erase_recipient_when_sent=True,
                subject=_("Er is een reactie op uw melding"),
                body=render_to_string(
                    "reports/email/reply.txt", {"url": settings.SITE_URL + _lookup_path()}
                ),
            )
        messages.success(request, _("Bericht verstuurd. De melder leest het met de meldcode."))
        return redirect(request.path)

    def add_note(self, request):
        form = TextForm(request.POST, prefix="note")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(note_form=form))
        vault.add_message(
            self.report, Message.Kind.NOTE, form.cleaned_data["text"], author=request.user
        )
        AuditEntry.record(AuditEntry.Action.NOTE, user=request.user, report=self.report)
        messages.success(request, _("Notitie opgeslagen."))
        return redirect(request.path)

    def write_summary(self, request):
        form = TextForm(request.POST, prefix="summary")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(summary_form=form))
        vault.set_summary(self.report, form.cleaned_data["text"])
        AuditEntry.record(AuditEntry.Action.SUMMARY, user=request.user, report=self.report)
        messages.success(request, _("Samenvatting opgeslagen."))
        return redirect(request.path)


class PhotoView(ReportView):
    def get(self, request, *args, **kwargs):
        attachment = self.report.attachments.filter(pk=kwargs["attachment_id"]).first()
        if attachment is None:
            raise Http404
        header, data = vault.open_file(self.private_key, attachment.sealed_data)
        AuditEntry.record(AuditEntry.Action.PHOTO, user=request.user, report=self.report)
        response = HttpResponse(
            data,
            content_type=header["type"]
            if header["type"] in ("image/jpeg", "image/png")
            else "application/octet-stream",
        )
        response["Cache-Control"] = "no-store, private"
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def post(self, request, *args, **kwargs):
        raise Http404


class TeamView(MeldpuntView):
    template_name = "reports/admin/team.html"
    page_title = gettext_lazy("Team en toegang")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        teams = []
        for team in TEAMS.units(self.request.user).select_related("group"):
            granted = set(TeamKeyGrant.objects.filter(team=team).values_list("user_id", flat=True))
            with_key = set(
                MemberKey.objects.filter(user__groups=team.group).values_list("user_id", flat=True)
            )
            members = [
                {"user": user, "granted": user.pk in granted, "has_key": user.pk in with_key}
                for user in team.group.user_set.order_by("username")
            ]
            teams.append(
                {
                    "team": team,
                    "members": members,
                    "can_grant": keyring.team_private_key(self.request, team) is not None,
                    "rotation_advised": keyring.rotation_advised(team),
                }
            )
        context["teams"] = teams
        return context

    def post(self, request, *args, **kwargs):
        team = TEAMS.units(request.user).filter(pk=request.POST.get("team")).first()
        if team is not None and request.POST.get("action") == "rotate":
            return self.rotate(request, team)
        member = team.group.user_set.filter(pk=request.POST.get("user")).first() if team else None
        if team is None or member is None:
            raise Http404
        if keyring.grant(request, team, member):
            messages.success(
                request, _("%(name)s kan nu de meldingen van het team lezen.") % {"name": member}
            )
        else:
            messages.error(
                request,
                _(
                    "Dat lukte niet: u moet zelf toegang hebben, en %(name)s moet eerst één keer "
                    "inloggen."
                )
                % {"name": member},
            )
        return redirect("reports_admin:team")

    def rotate(self, request, team):
        outcome = keyring.rotate_team_key(request, team)
        if outcome is None:
            messages.error(
                request,
                _("Alleen een teamlid dat de meldingen kan lezen, kan de teamsleutel vernieuwen."),
            )
        else:
            resealed, skipped = outcome
            messages.success(
                request,
                _(
                    "De teamsleutel van %(team)s is vernieuwd: %(count)d meldingen opnieuw "
                    "vergrendeld."
                )
                % {"team": team, "count": resealed},
            )
            if skipped:
                messages.warning(
                    request,
                    _(
                        "%(count)d oudere meldingen waren al niet met de teamsleutel te openen "
                        "(van vóór een herstel) en zijn ongewijzigd."
                    )
                    % {"count": skipped},
                )
        return redirect("reports_admin:team")


class AuditView(WagtailAdminTemplateMixin, TemplateView):
    """The audit log: no content in it. A member sees their own teams' entries; a beheerder (who
    holds reports.view_auditentry) oversees every team's, and the old entries that have no team."""

    template_name = "reports/admin/audit.html"
    page_title = gettext_lazy("Logboek meldpunt")
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not (
            TEAMS.units(request.user).exists() or request.user.has_perm("reports.view_auditentry")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = AuditEntry.objects.all()
        user = self.request.user
        if not user.has_perm("reports.view_auditentry"):
            entries = entries.filter(team__in=TEAMS.units(user))
        context["entries"] = entries.select_related("team")[:500]
        context["show_team"] = TEAMS.units(user).count() != 1
        return context
