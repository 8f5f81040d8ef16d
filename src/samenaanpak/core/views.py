import datetime
import functools
import sys
import unicodedata
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from .models import SiteSettings

SEARCH_MAX_LENGTH = 200


def clean_query(raw: str) -> tuple[str, list[str]]:
    """Normalise a search query: drop control and private-use characters, fold Unicode
    compatibility forms, cut very long input. Returns the query and messages for the visitor."""
    messages = []
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch if unicodedata.category(ch)[0] not in ("C",) else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > SEARCH_MAX_LENGTH:
        text = text[:SEARCH_MAX_LENGTH].rsplit(" ", 1)[0] or text[:SEARCH_MAX_LENGTH]
        messages.append(
            _("Uw zoekvraag was erg lang. We hebben gezocht op de eerste %(n)s tekens.")
            % {"n": SEARCH_MAX_LENGTH}
        )
    return text, messages


# Each source is cut off here: enough for a site this size, and it keeps every search a few queries.
SEARCH_LIMIT_PER_KIND = 50


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    url: str
    summary: str


def _search_ids(queryset, query):
    """Primary keys of the best matches; the caller filters and loads them in one query."""
    results = get_search_backend().search(query, queryset, operator="or")[:SEARCH_LIMIT_PER_KIND]
    return [obj.pk for obj in results]


def _ordered(objects, ids):
    rank = {pk: i for i, pk in enumerate(ids)}
    return sorted(objects, key=lambda obj: rank[obj.pk])


def search_hits(request, query: str) -> list[SearchHit]:
    """Pages, help offers and published FAQ entries that match, in that order. A fixed number of
    queries whatever the number of hits. Other apps' models are looked up by name: core comes first."""
    hits = []
    site = Site.find_for_request(request)
    site_settings = SiteSettings.load(request_or_site=request)
    # Wagtail's .public() reads the view restrictions each time it is called: read them once.
    private = Page.objects.private_q()
    pages = list(
        Page.objects.live()
        .exclude(private)
        .specific()
        .search(query, operator="or")[:SEARCH_LIMIT_PER_KIND]
    )
    pages = [page for page in pages if not getattr(page, "is_example", False)]  # core.editorial
    # The policy officer's name is in the site settings, shown on the pages that say so.
    name_words = set(site_settings.policy_officer_name.casefold().split())
    if name_words & set(query.casefold().split()):
        content_page = apps.get_model("core", "ContentPage")
        seen = {page.pk for page in pages}
        pages += [
            page
            for page in content_page.objects.live()
            .exclude(private)
            .filter(show_policy_officer=True)
            if page.pk not in seen
        ]
    for page in pages:
        hits.append(
            SearchHit(
                _("Pagina"),
                page.title,
                page.get_url(request, current_site=site),
                getattr(page, "intro", ""),
            )
        )

    help_page = apps.get_model("help", "HelpIndexPage").objects.live().exclude(private).first()
    if help_page:
        offer_model = apps.get_model("help", "HelpOffer")
        ids = _search_ids(offer_model.objects.all(), query)
        base = help_page.get_url(request, current_site=site)
        for offer in _ordered(offer_model.objects.active().filter(pk__in=ids), ids):
            hits.append(
                SearchHit(
                    _("Hulpaanbod"),
                    offer.name,
                    base + help_page.reverse_subpage("offer", args=[offer.pk]),
                    offer.description,
                )
            )

    questions_page = (
        apps.get_model("questions", "QuestionsPage").objects.live().exclude(private).first()
    )
    if questions_page:
        faq_model = apps.get_model("questions", "FaqEntry")
        ids = _search_ids(faq_model.objects.all(), query)
        base = questions_page.get_url(request, current_site=site) + questions_page.reverse_subpage(
            "faq"
        )
        for entry in _ordered(faq_model.objects.filter(published=True, pk__in=ids), ids):
            hits.append(
                SearchHit(
                    _("Veelgestelde vraag"),
                    entry.question,
                    f"{base}#vraag-{entry.pk}",
                    entry.answer,
                )
            )
    return hits


@require_GET
def search(request):
    raw = request.GET.get("q", "")
    query, messages = clean_query(raw)
    results = None
    if "q" in request.GET and not query:
        messages.append(_("Vul een zoekwoord in, bijvoorbeeld “hulp”, “denktank” of “preventie”."))
    if query:
        paginator = Paginator(search_hits(request, query), 10)
        try:
            results = paginator.page(request.GET.get("pagina", 1))
        except (EmptyPage, PageNotAnInteger):
            results = paginator.page(1)
    return render(
        request, "core/search.html", {"query": query, "results": results, "messages_": messages}
    )


@never_cache
@require_GET
def liveness(request):
    """The liveness probe: the process answers. It touches neither the database nor the cache, so
    an outage of either never gets a healthy process restarted (readiness is `health`)."""
    return JsonResponse({"status": "ok"})


@functools.cache
def _latest_migrations() -> tuple[tuple[str, str], ...]:
    """The newest migration of every app in this release (read once per process from disk)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return tuple(sorted(loader.graph.leaf_nodes()))


@never_cache
@require_GET
def health(request):
    """The readiness probe: 503 only when the database does not answer or does not have this
    release's schema (nothing can be served).
    A cache that fails is reported ("beperkt", still 200): the site serves uncached without it
    (settings: IGNORE_EXCEPTIONS), and a Redis outage must not take every app server out of the
    load balancer at once."""
    checks = {}
    try:
        leaves = _latest_migrations()
        with connection.cursor() as cursor:
            # Not only "the database answers": its schema is this release's (a first install or
            # an upgrade before the migrate Job finished, or an empty database by mistake, is
            # not ready to serve).
            cursor.execute(
                "SELECT count(*) FROM django_migrations WHERE "
                + " OR ".join(["(app = %s AND name = %s)"] * len(leaves)),
                [part for leaf in leaves for part in leaf],
            )
            applied = cursor.fetchone()[0]
        checks["database"] = "ok" if applied == len(leaves) else "fout"
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = "fout"
    try:
        cache.set("health-check", "1", 10)
        checks["cache"] = "ok" if cache.get("health-check") == "1" else "fout"
    except Exception:  # noqa: BLE001
        checks["cache"] = "fout"
    if checks["database"] != "ok":
        status = "fout"
    else:
        status = "ok" if checks["cache"] == "ok" else "beperkt"
    return JsonResponse({"status": status, **checks}, status=503 if status == "fout" else 200)


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {settings.ADMIN_PATH}",
        "Disallow: /zoeken/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=3600, public=True)
def security_txt(request):
    """RFC 9116. Expires a year ahead, recomputed on every request."""
    site_settings = SiteSettings.load(request_or_site=request)
    contact = site_settings.security_contact or site_settings.policy_officer_email
    expires = (timezone.now() + datetime.timedelta(days=365)).replace(microsecond=0)
    lines = []
    if contact:
        lines.append(f"Contact: mailto:{contact}")
    lines += [
        f"Expires: {expires.astimezone(datetime.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: nl, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """Django's answer to a body over DATA_UPLOAD_MAX_MEMORY_SIZE (text, not files), too many
    fields, an unreadable form or a host not in ALLOWED_HOSTS: a Dutch page instead of the bare
    English "Bad Request (400)". Logs nothing (Django's security log already has the event,
    scrubbed for the meldpunt) and is never stored by a cache. When the site's page cannot be
    built (no site for this host, the database away), a page that needs neither."""
    from django.template.loader import render_to_string
    from django.utils.cache import add_never_cache_headers

    context = {"photo_max_mb": settings.REPORT_PHOTO_MAX_BYTES // (1024 * 1024)}
    try:
        response = render(request, "400.html", context, status=400)
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        response = HttpResponse(
            render_to_string("core/bad_request_plain.html", context), status=400
        )
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


# Fields that are never shown back: secrets, and the form machinery.
_NOT_ECHOED = (
    "csrfmiddlewaretoken",
    "started",
    "website",
    "receipt",
    "password",
    "wachtwoord",
    "token",
    "otp",
)
_TYPED_LABELS = {
    "text": gettext_lazy("Uw tekst"),
    "description": gettext_lazy("Uw beschrijving"),
    "where": gettext_lazy("Waar"),
    "name": gettext_lazy("Naam"),
    "email": gettext_lazy("E-mailadres"),
    "phone": gettext_lazy("Telefoonnummer"),
}


def server_error(request):
    """Django's 500, except when the database cannot be reached: then 503 with a page, built without
    the database, that says plainly that nothing was sent and gives back what was typed."""
    from django.template.loader import render_to_string
    from django.utils.cache import add_never_cache_headers

    from .resilience import CONNECTION_ERRORS

    if not isinstance(sys.exc_info()[1], CONNECTION_ERRORS):
        return HttpResponseServerError(render_to_string("500.html"))
    posted = request.method == "POST"
    typed = []
    if posted:
        try:
            fields = request.POST.items()
        except Exception:  # noqa: BLE001 - an unreadable body: nothing to give back
            fields = []
        for name, value in fields:  # only what a person typed, with a label they recognise
            label = _TYPED_LABELS.get(name.split("-")[-1])
            if label and value.strip() and not any(part in name.lower() for part in _NOT_ECHOED):
                typed.append((label, value[:10000]))
    response = HttpResponse(
        render_to_string("503.html", {"posted": posted, "typed": typed}), status=503
    )
    response["Retry-After"] = "120"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


@require_GET
def switch_language(request, code):
    """A plain link instead of Django's POST-only set_language: no CSRF token on every page,
    so anonymous pages stay cacheable. It only sets the language cookie."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


def csrf_failure(request, reason=""):
    """A form posted without a valid CSRF token (it sat open for long, or cookies were cleared).
    Pages with a form re-show it with what the visitor typed and a fresh token; elsewhere a
    plain Dutch explanation. Never Django's English 403 page."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is not None and request.method == "POST":
        path = [part for part in request.path.split("/") if part]
        try:
            page, args, kwargs = site.root_page.specific.route(request, path)
        except Exception:  # noqa: BLE001 - not a page: fall through to the plain explanation
            page = None
        if page is not None and hasattr(page, "render_expired_form"):
            response = page.render_expired_form(request)
            response.status_code = 403
            return response
    return render(request, "core/csrf_failure.html", status=403)


def login_locked(request, original_response=None, credentials=None):
    """django-axes' answer once a client has failed too often (AXES_LOCKOUT_CALLABLE): the back
    office keeps its own page; residents on the public sign-in get the site's page. 429 either
    way, never cached. The lock is per client address, so the text says nothing of a user name."""
    from django.utils.cache import add_never_cache_headers

    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    if request.path.startswith(settings.ADMIN_PATH):
        template = "core/login_locked.html"
    else:
        template = "core/login_locked_public.html"
    response = render(request, template, {"minutes": minutes}, status=429)
    add_never_cache_headers(response)
    return response
