"""The account pages of our own: the overview (/account/), the display name, download my data and
delete my account. Sign-up, sign-in and the rest are allauth's views (urls.py)."""

import json
from functools import wraps

from allauth.account.decorators import reauthentication_required
from allauth.account.views import SignupView as AllauthSignupView
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from samenaanpak.core.http import post_only
from samenaanpak.core.roles import is_staff_account

from . import personal_data
from .forms import DisplayNameForm
from .models import Profile


def public_account_required(view):
    """Signed in with a public account; visitors go to the public login, staff to the back office
    (they have no public account, and this is not their login)."""

    @wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        if is_staff_account(request.user):
            return redirect(settings.ADMIN_PATH)
        return view(request, *args, **kwargs)

    return wrapper


def form_status(view):
    """allauth answers a form with errors with 200; on this site a form with errors is 400 and a
    limit 429 (`code="too_many"`), as every other form here (docs/architecture.md)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if request.method == "POST" and response.status_code == 200 and form is not None:
            errors = form.errors.as_data() if form.is_bound else {}
            if errors:
                codes = {error.code for field in errors.values() for error in field}
                response.status_code = 429 if "too_many" in codes else 400
        return response

    return wrapper


class SignupView(AllauthSignupView):
    """allauth's sign-up; two people who pick the same display name at the same instant get a
    message at the field, not an error page (the database's unique index decides)."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            form.add_error("display_name", _("Deze schermnaam is al in gebruik. Kies een andere."))
            return self.form_invalid(form)


signup = form_status(SignupView.as_view())


def _overview(request, display_name_form=None, status=200):
    sections = personal_data.sections(request.user)
    if display_name_form is not None:
        for section in sections:
            if "display_name_form" in section["context"]:
                section["context"] = {**section["context"], "display_name_form": display_name_form}
    return render(
        request,
        "accounts/overview.html",
        {"sections": sections, "form": display_name_form},
        status=status,
    )


@public_account_required
def overview(request):
    return _overview(request)


@post_only(lambda request: reverse("account_overview") + "#mijn-gegevens")
@public_account_required
def display_name(request):
    form = DisplayNameForm(request.POST, user=request.user)
    if not form.is_valid():
        return _overview(request, display_name_form=form, status=400)
    try:
        with transaction.atomic():
            Profile.objects.update_or_create(
                user=request.user, defaults={"display_name": form.cleaned_data["display_name"]}
            )
    except IntegrityError:  # taken at the same instant by someone else
        form.add_error("display_name", _("Deze schermnaam is al in gebruik. Kies een andere."))
        return _overview(request, display_name_form=form, status=400)
    return redirect(reverse("account_overview") + "#mijn-gegevens")


@public_account_required
def export(request):
    """Download my data: everything every app keeps about this user, as one JSON file."""
    data = {
        "gemaakt_op": timezone.now().isoformat(),
        "site": settings.SITE_URL,
        **personal_data.collect(request.user),
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mijn-gegevens-{day}.json"'
    return response


@public_account_required
@reauthentication_required
def delete(request):
    """A GET shows what deletion means and a button (after the password or a mailed code, which
    allauth's reauthentication asks for); only the POST deletes."""
    if request.method == "POST":
        user = request.user
        personal_data.delete_account(user)
        logout(request)
        return redirect("account_deleted")
    return render(request, "accounts/delete.html")


@never_cache
def deleted(request):
    return render(request, "accounts/deleted.html")
