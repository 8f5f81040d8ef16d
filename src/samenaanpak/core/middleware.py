from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from two_factor.utils import default_device


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy of settings.CONTENT_SECURITY_POLICY everywhere, relaxed only for the
    Wagtail back office, whose templates use inline styles and scripts without a nonce."""

    def get_policy_parts(self, request, response, report_only=False):
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(settings.CSP_ADMIN_PATH_PREFIX):
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
        return response


class RequireTwoFactorMiddleware:
    """Every back-office request needs a user verified with a second factor (TOTP).

    - Wagtail's own password-only login page sends people to the two-factor login.
    - A signed-in user without a device is sent to set one up; nothing else opens until then.
    - A signed-in user with a device who did not enter a code this session signs in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR_REQUIRED and request.path.startswith(settings.CSP_ADMIN_PATH_PREFIX):
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        if request.path == reverse("wagtailadmin_login"):
            return redirect_to_login(request.GET.get("next", reverse("wagtailadmin_home")))
        two_factor_prefix = reverse("two_factor:login").rsplit("login/", 1)[0]
        if request.path.startswith(two_factor_prefix) or request.path == reverse("wagtailadmin_logout"):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None  # anonymous users meet Wagtail's own login redirect
        if default_device(user):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return redirect(reverse("two_factor:setup"))


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
