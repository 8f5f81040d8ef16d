from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import urlencode
from django_otp import user_has_device

from .roles import is_staff_account


class HealthProbeMiddleware:
    """Answers the liveness and readiness probes (urls "liveness" and "health") before any other
    middleware. A kubelet or load balancer probes over plain http with the pod's or node's address
    as Host: the redirect to https (SECURE_SSL_REDIRECT) and the ALLOWED_HOSTS check would answer
    301 or 400 and the probe would never pass. Both views say only "ok" or "fout"."""

    PROBES = ("liveness", "health")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/gezond/"):  # cheap test first: resolve() only here
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match is not None and match.url_name in self.PROBES:
                return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy of settings.CONTENT_SECURITY_POLICY everywhere, relaxed only for the
    Wagtail back office, whose templates use inline styles and scripts without a nonce."""

    def get_policy_parts(self, request, response, report_only=False):
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(settings.ADMIN_PATH):
            # replace, not update: update appends, which gave "frame-ancestors 'none' 'self'".
            parts.replace = {
                **(parts.replace or {}),
                "script-src": [SELF, UNSAFE_INLINE],
                "style-src": [SELF, UNSAFE_INLINE],
                "img-src": [SELF, "data:", "blob:"],
                "frame-src": [SELF],  # page preview
                "frame-ancestors": [SELF],
            }
            # A nonce next to 'unsafe-inline' would switch 'unsafe-inline' off again.
            parts.nonce = None
        return parts


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.path.startswith(settings.ADMIN_PATH) and "X-Frame-Options" in response.headers:
            # The back office frames its own page previews; both headers say the same as its CSP.
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response


class RequireTwoFactorMiddleware:
    """A signed-in session has entered a code from the user's authenticator app, or it is signed
    out: on every path, not only the back office (docs/architecture.md, "Two-factor sign-in").

    - A user with a confirmed device whose session did not enter a code (a session from before
      2FA, or one whose user finished a setup in another browser) is signed out; in the back office
      (ADMIN_PATH) they are sent to the two-factor login.
    - A user without a device may set one up after the password, and nothing else: the exact paths
      of ENROLMENT_URL_NAMES open, every other request goes to the setup.
    Requests without a session cookie are anonymous and not looked at, so public pages stay
    cacheable (reading the session would add "Vary: Cookie")."""

    # Exact paths, never prefixes: Wagtail's own account page (email, password) lives at
    # ADMIN_PATH + account/, right next to the two-factor pages.
    ENROLMENT_URL_NAMES = (
        "two_factor:setup",
        "two_factor:qr",
        "two_factor:login",
        "wagtailadmin_logout",
        # loaded in the background by every Wagtail page, the setup page too
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR_REQUIRED and settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        has_device = user_has_device(user, confirmed=True)
        if not has_device and not is_staff_account(user):
            return None  # a public account (accounts): no back office, no second factor
        if has_device:
            logout(request)  # the request goes on as anonymous
            request.user.is_verified = lambda: False  # as django_otp gives every user
            in_back_office = request.path.startswith(settings.ADMIN_PATH)
            if in_back_office and request.path != reverse("two_factor:login"):
                return redirect_to_login(request.get_full_path())
            return None
        setup = reverse("two_factor:setup")
        if request.path in {reverse(name) for name in self.ENROLMENT_URL_NAMES}:
            return None
        if request.method == "GET":  # after the setup, on to the page that was asked for
            return redirect(f"{setup}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        return redirect(setup)


class LanguageMiddleware:
    """Dutch unless the visitor chose English with the language switch (a cookie). The browser's
    Accept-Language is ignored on purpose: the content is Dutch, and a page with English buttons
    around Dutch text helps nobody."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
