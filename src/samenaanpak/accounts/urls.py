"""Dutch addresses for allauth's views, under the names allauth reverses (account_login, ...), and
our own pages. Only what this site uses is routed: no social accounts, no phone, no passkeys."""

from allauth.account import views as allauth
from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.overview, name="account_overview"),
    path("schermnaam/", views.display_name, name="account_display_name"),
    path("mijn-gegevens/", views.export, name="account_export"),
    path("verwijderen/", views.delete, name="account_delete"),
    path("verwijderd/", views.deleted, name="account_deleted"),
    # allauth
    path("aanmelden/", views.signup, name="account_signup"),
    path("inloggen/", views.form_status(allauth.login), name="account_login"),
    path(
        "inloggen/code/",
        views.form_status(allauth.request_login_code),
        name="account_request_login_code",
    ),
    path(
        "inloggen/code/invullen/",
        views.form_status(allauth.confirm_login_code),
        name="account_confirm_login_code",
    ),
    path("uitloggen/", views.form_status(allauth.logout), name="account_logout"),
    path("geblokkeerd/", views.form_status(allauth.account_inactive), name="account_inactive"),
    path("bevestigen/", views.form_status(allauth.reauthenticate), name="account_reauthenticate"),
    path(
        "bevestigen/code/",
        views.form_status(allauth.request_reauthentication_code),
        name="account_request_reauthentication_code",
    ),
    path(
        "bevestigen/code/invullen/",
        views.form_status(allauth.confirm_reauthentication_code),
        name="account_confirm_reauthentication_code",
    ),
    path("e-mailadres/", views.form_status(allauth.email), name="account_email"),
    path(
        "e-mailadres/code/",
        views.form_status(allauth.email_verification_sent),
        name="account_email_verification_sent",
    ),
    path("wachtwoord/", views.form_status(allauth.password_change), name="account_change_password"),
    path(
        "wachtwoord/instellen/",
        views.form_status(allauth.password_set),
        name="account_set_password",
    ),
    path(
        "wachtwoord-vergeten/",
        views.form_status(allauth.password_reset),
        name="account_reset_password",
    ),
    path(
        "wachtwoord-vergeten/verstuurd/",
        views.form_status(allauth.password_reset_done),
        name="account_reset_password_done",
    ),
    re_path(
        r"^wachtwoord-vergeten/nieuw/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.form_status(allauth.password_reset_from_key),
        name="account_reset_password_from_key",
    ),
    path(
        "wachtwoord-vergeten/klaar/",
        views.form_status(allauth.password_reset_from_key_done),
        name="account_reset_password_from_key_done",
    ),
]
