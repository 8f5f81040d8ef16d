from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from samenaanpak.core import two_factor
from samenaanpak.core import views as core_views

# The only login is the two-factor one: Wagtail's password-only logins (the back office's and the
# front end's `/_util/login/`) redirect to it and never sign anyone in.
to_two_factor_login = RedirectView.as_view(pattern_name="two_factor:login", query_string=True)

ADMIN = settings.ADMIN_PATH.lstrip("/")  # "beheer/" unless the environment says otherwise

urlpatterns = [
    path(f"{ADMIN}login/", to_two_factor_login),
    path("_util/login/", to_two_factor_login),
    path(ADMIN, include(two_factor)),
    path(ADMIN, include(wagtailadmin_urls)),
    # /volgen/… and /account/meldingen/… (before the accounts app's /account/)
    path("", include("samenaanpak.notifications.urls")),
    path("account/", include("samenaanpak.accounts.urls")),
    path("documenten/", include(wagtaildocs_urls)),
    path("zoeken/", core_views.search, name="search"),
    # The probes; core.middleware.HealthProbeMiddleware answers them before the host check.
    path("gezond/", core_views.health, name="health"),
    path("gezond/leeft/", core_views.liveness, name="liveness"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("taal/<str:code>/", core_views.switch_language, name="switch_language"),
]

if not settings.PRODUCTION:  # `make run` (DEBUG off) too; in production the web server serves media
    from django.views.static import serve

    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [
    # Page routes whose address Wagtail's own pattern (letters, digits, - and _ between slashes)
    # does not take: the meetings' calendar files (…/agenda.ics) and their cancel links, whose
    # signed token holds colons (…/afmelden/<token>/). Served by Wagtail's page routing all the same.
    re_path(r"^((?:[\w\-]+/)*[\w\-]+\.ics)$", wagtail_views.serve, name="wagtail_serve_ics"),
    re_path(
        r"^((?:[\w\-]+/)*afmelden/[\w\-]+(?::[\w\-]+)+/)$",
        wagtail_views.serve,
        name="wagtail_serve_token",
    ),
    path("", include(wagtail_urls)),
]

handler400 = "samenaanpak.core.views.bad_request"
handler404 = "samenaanpak.core.views.page_not_found"
handler500 = "samenaanpak.core.views.server_error"
