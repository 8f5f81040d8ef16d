"""The one settings module. Every setting comes from the environment; docs/configuration.md
documents each variable. SAMENAANPAK_ENV=production turns on the production defaults and makes
the secrets required."""

import re
import secrets
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
env = environ.Env()

ENVIRONMENT = env.str("SAMENAANPAK_ENV", default="development")
if ENVIRONMENT not in ("development", "production"):
    raise ImproperlyConfigured("SAMENAANPAK_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Content sets (content/<municipality>/*.yaml), loaded by `manage.py load_content <municipality>`.
CONTENT_DIR = Path(env.str("CONTENT_DIR", default=str(BASE_DIR / "content")))

DEBUG = env.bool("DEBUG", default=not PRODUCTION)


def _development_secret_key() -> str:
    # Generated once and reused, so sessions survive restarts of `make run`.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _real_secret(name: str, minimum: int) -> str:
    """A production secret from the environment: required, and refused when it is still an
    example's placeholder or too short (a site must not go live on the key in the examples)."""
    value = env.str(name)  # raises ImproperlyConfigured when missing
    if "change-me" in value.lower() or len(value) < minimum:
        raise ImproperlyConfigured(
            f"{name} is a placeholder or shorter than {minimum} characters: set a random value "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    return value


if PRODUCTION:
    SECRET_KEY = _real_secret("SECRET_KEY", 50)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's own address for links outside a request (mail, feeds, robots.txt, security.txt).
if PRODUCTION:
    SITE_URL = env.str("SITE_URL")  # required: a default would point every link at this machine
else:
    SITE_URL = (
        env.str("SITE_URL", default="") or f"http://127.0.0.1:{env.int('PORT', default=8000)}"
    )
SITE_URL = SITE_URL.rstrip("/")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "SITE_URL must be the site's address, e.g. https://samenaanpak.nijkerk.nl"
    )
WAGTAILADMIN_BASE_URL = SITE_URL
# Where the back office lives ("/beheer/"): the one source for urls.py, its CSP and frame headers,
# the two-factor redirects and the meldpunt key's cookie path. Always with both slashes.
ADMIN_PATH = "/" + env.str("ADMIN_PATH", default="beheer").strip("/") + "/"
if not re.fullmatch(r"/[a-z0-9][a-z0-9_/-]*/", ADMIN_PATH):
    raise ImproperlyConfigured("ADMIN_PATH must be a path such as beheer or intern/beheer")

INSTALLED_APPS = [
    "samenaanpak.core",
    "samenaanpak.plan",
    "samenaanpak.help",
    "samenaanpak.questions",
    "samenaanpak.reports",
    "samenaanpak.accounts",
    "samenaanpak.notifications",
    "samenaanpak.participation",
    "samenaanpak.forum",
    "samenaanpak.events",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "axes",
    "allauth",
    "allauth.account",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so that nothing below it logs a reporter's address, agent or time (reports.middleware).
    "samenaanpak.reports.middleware.ReporterPrivacyMiddleware",
    # Before the https redirect and the ALLOWED_HOSTS check, which probes cannot pass.
    "samenaanpak.core.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "samenaanpak.core.middleware.ContentSecurityPolicyMiddleware",
    "samenaanpak.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samenaanpak.reports.middleware.HandlerKeyCookieMiddleware",
    "samenaanpak.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "samenaanpak.core.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samenaanpak.urls"
WSGI_APPLICATION = "samenaanpak.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database: SQLite in var/ by default, PostgreSQL through DATABASE_URL -----------------------
# Production names its database explicitly: a missing or misspelt DATABASE_URL must stop the
# process, not quietly create an empty SQLite file in a container's scratch volume.
DATABASES = {
    "default": env.db_url("DATABASE_URL")
    if PRODUCTION
    else env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'samenaanpak.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # A database that stops answering (a network partition, a hung server) is noticed: a new
    # connection gives up after 5 s, and TCP keepalives close an idle one whose server is gone.
    for name, value in {
        "connect_timeout": 5,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }.items():
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(name, value)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker write at the same time; secure_delete overwrites
    # deleted rows (a deleted report leaves no sealed blob behind in the file's free pages).
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis through REDIS_URL, a database table otherwise --------------------------------
# (never process-local memory: the login throttle must count across web workers)
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis rather than Django's own backend: a Redis that is down or unreachable is a
    # cache miss (IGNORE_EXCEPTIONS), not a 500 on every page; the site serves uncached and
    # /gezond/ reports the cache as "fout". Short timeouts keep a black-holed Redis from
    # holding each request.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Sites (or parallel test runs) sharing one Redis database keep apart by prefix.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
        }
    }
# Rate limits, login lockouts and duplicate-submit keys: counters with real expiry in a table that
# no other traffic can evict (core.throttle), shared by every process through the database.
CACHES["throttle"] = {"BACKEND": "samenaanpak.core.throttle.ThrottleStore", "TIMEOUT": 3600}
# Anonymous pages may be cached whole (Django's per-site cache) for this many seconds; 0 = off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)
if PAGE_CACHE_SECONDS:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "django.middleware.cache.UpdateCacheMiddleware",
    )
    MIDDLEWARE.append("django.middleware.cache.FetchFromCacheMiddleware")
    CACHE_MIDDLEWARE_SECONDS = PAGE_CACHE_SECONDS
    CACHE_MIDDLEWARE_KEY_PREFIX = "page"

# --- Tasks: database-backed queue, run by `manage.py worker`; `manage.py scheduler` keeps time --
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# A task still running this long after it started belongs to a worker that died: the scheduler
# puts it back in the queue (every task is safe to run again).
TASK_LEASE_SECONDS = env.int("TASK_LEASE_SECONDS", default=300)

# --- Email --------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
elif PRODUCTION:
    raise ImproperlyConfigured("Set EMAIL_URL or EMAIL_HOST in production")
else:
    # Development: mail lands as files in var/mail, never in a log.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The outbox (core.mail) retries a waiting mail at most this many minutes apart, for this many hours.
EMAIL_RETRY_MAX_MINUTES = env.int("EMAIL_RETRY_MAX_MINUTES", default=2)
EMAIL_GIVE_UP_HOURS = env.int("EMAIL_GIVE_UP_HOURS", default=7 * 24)
# A batch of mail claimed by a worker that dies is sent by another after this many seconds.
EMAIL_CLAIM_SECONDS = env.int("EMAIL_CLAIM_SECONDS", default=20 * EMAIL_TIMEOUT + 60)
EMAIL_RETENTION_DAYS = env.int(
    "EMAIL_RETENTION_DAYS", default=30
)  # sent mail is deleted after this
QUESTION_RETENTION_DAYS = env.int(
    "QUESTION_RETENTION_DAYS", default=365
)  # name/email after closing
# A public form sent faster than this after it was shown is refused as a bot (core.public_forms).
FORM_MIN_FILL_SECONDS = env.int(
    "FORM_MIN_FILL_SECONDS", default=env.int("QUESTION_MIN_FILL_SECONDS", default=3)
)
QUESTION_CLIENT_HOURLY_LIMIT = env.int("QUESTION_CLIENT_HOURLY_LIMIT", default=5)
QUESTION_HOURLY_CAP = env.int("QUESTION_HOURLY_CAP", default=200)  # all visitors together
# Denk mee: moderators are mailed at most once per this many hours while ideas or comments wait.
MODERATOR_MAIL_INTERVAL_HOURS = env.int("MODERATOR_MAIL_INTERVAL_HOURS", default=4)

# --- Following and notifications (notifications/; docs/architecture.md "Notifications") ---------
# Digests leave at this local time (Europe/Amsterdam): daily ones every day, weekly ones on
# NOTIFICATION_WEEKLY_DAY (1 = Monday … 7 = Sunday).
NOTIFICATION_DIGEST_TIME = env.str("NOTIFICATION_DIGEST_TIME", default="07:00")
NOTIFICATION_WEEKLY_DAY = env.int("NOTIFICATION_WEEKLY_DAY", default=1)
# An opt-in (or re-confirmation) link works this many days; unconfirmed sign-ups are then deleted.
NOTIFICATION_OPTIN_DAYS = env.int("NOTIFICATION_OPTIN_DAYS", default=7)
# Opt-in mails to one address per day (repeated sign-ups do not flood someone's mailbox), and
# sign-ups per visitor per hour and for everyone together per hour.
NOTIFICATION_OPTIN_ADDRESS_DAILY_LIMIT = env.int(
    "NOTIFICATION_OPTIN_ADDRESS_DAILY_LIMIT", default=3
)
NOTIFICATION_FOLLOW_CLIENT_HOURLY_LIMIT = env.int(
    "NOTIFICATION_FOLLOW_CLIENT_HOURLY_LIMIT", default=10
)
NOTIFICATION_FOLLOW_HOURLY_CAP = env.int("NOTIFICATION_FOLLOW_HOURLY_CAP", default=300)
# Sent deliveries (which notice went to whom) are deleted after this many days.
NOTIFICATION_DELIVERY_RETENTION_DAYS = env.int("NOTIFICATION_DELIVERY_RETENTION_DAYS", default=90)

# --- Vrijplaats (forum/; docs/vrijplaats.md) ---------------------------------------------------
# Weight of reports that hides a post pending review: a trusted account's report weighs 1, a
# moderator's or hulpverlener's this much (so one of theirs hides), a new account's 0.
FORUM_HIDE_AFTER_REPORTS = env.int("FORUM_HIDE_AFTER_REPORTS", default=3)
# Authors may change their own post for this many minutes.
FORUM_EDIT_MINUTES = env.int("FORUM_EDIT_MINUTES", default=30)
# This many warnings within a year block an account automatically for FORUM_AUTO_BLOCK_DAYS.
FORUM_WARNINGS_TO_BLOCK = env.int("FORUM_WARNINGS_TO_BLOCK", default=3)
FORUM_AUTO_BLOCK_DAYS = env.int("FORUM_AUTO_BLOCK_DAYS", default=30)
# Moderators are mailed when something has waited in the queue longer than this (an urgent item:
# at once), at most once per MODERATOR_MAIL_INTERVAL_HOURS unless something urgent is new.
FORUM_QUEUE_ALERT_MINUTES = env.int("FORUM_QUEUE_ALERT_MINUTES", default=60)
# The text of removed and withdrawn posts is erased after this many days; the audit log is
# deleted after FORUM_AUDIT_RETENTION_DAYS. Both applied by the daily job.
FORUM_REMOVED_RETENTION_DAYS = env.int("FORUM_REMOVED_RETENTION_DAYS", default=90)
FORUM_AUDIT_RETENTION_DAYS = env.int("FORUM_AUDIT_RETENTION_DAYS", default=730)

# --- Bijeenkomsten (events/; docs/bijeenkomsten.md) ------------------------------------------
# Names and addresses of registrations are erased this many days after the meeting (daily job).
EVENTS_ERASE_AFTER_DAYS = env.int("EVENTS_ERASE_AFTER_DAYS", default=92)
# Sign-ups per visitor per hour (over all meetings), and for everyone together per hour.
EVENTS_REGISTRATION_CLIENT_HOURLY_LIMIT = env.int(
    "EVENTS_REGISTRATION_CLIENT_HOURLY_LIMIT", default=10
)
EVENTS_REGISTRATION_HOURLY_CAP = env.int("EVENTS_REGISTRATION_HOURLY_CAP", default=1000)

# --- Meldpunt (anonymous reports; docs/meldpunt.md) ---------------------------------------
# The pepper turns a receipt into its lookup digest. Production requires it; changing it makes
# every existing receipt unusable (the reports stay readable for the handlers).
if PRODUCTION:
    REPORT_RECEIPT_PEPPER = _real_secret("REPORT_RECEIPT_PEPPER", 32)
else:
    REPORT_RECEIPT_PEPPER = (
        env.str("REPORT_RECEIPT_PEPPER", default="") or "dev-pepper:" + SECRET_KEY
    )
REPORT_RETENTION_DAYS = env.int(
    "REPORT_RETENTION_DAYS", default=90
)  # after closing (or new information)
REPORT_AUDIT_RETENTION_DAYS = env.int(
    "REPORT_AUDIT_RETENTION_DAYS", default=730
)  # handlers' names in the audit log
REPORT_SESSION_IDLE_SECONDS = env.int("REPORT_SESSION_IDLE_SECONDS", default=15 * 60)
REPORT_HOURLY_CAP = env.int("REPORT_HOURLY_CAP", default=200)  # all reporters together
REPORT_CLIENT_HOURLY_LIMIT = env.int("REPORT_CLIENT_HOURLY_LIMIT", default=5)
# Argon2id cost for receipt and password keys; tests lower it, production keeps libsodium's interactive level.
REPORT_ARGON2_OPSLIMIT = env.int("REPORT_ARGON2_OPSLIMIT", default=2)
REPORT_ARGON2_MEMLIMIT = env.int("REPORT_ARGON2_MEMLIMIT", default=64 * 1024 * 1024)
REPORT_PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Photos are counted before they are decoded: decoding is the costly part of a report.
REPORT_CLIENT_HOURLY_PHOTOS = env.int("REPORT_CLIENT_HOURLY_PHOTOS", default=15)
REPORT_HOURLY_PHOTO_CAP = env.int("REPORT_HOURLY_PHOTO_CAP", default=300)  # all reporters together
# A JPEG is decoded at a reduced scale (libjpeg's draft mode), so a large phone photo stays cheap;
# a PNG cannot be, so its limit is lower. Larger is refused as a possible decompression bomb.
REPORT_PHOTO_MAX_PIXELS = env.int("REPORT_PHOTO_MAX_PIXELS", default=50_000_000)
# A progressive JPEG is decoded whole (every coefficient in memory): 12 megapixels of RGB.
REPORT_PROGRESSIVE_MAX_SAMPLES = env.int("REPORT_PROGRESSIVE_MAX_SAMPLES", default=36_000_000)
REPORT_PNG_MAX_PIXELS = env.int("REPORT_PNG_MAX_PIXELS", default=16_000_000)
REPORT_PHOTO_MAX_SIDE = 2560  # stored photos are scaled down to this many pixels on the long side
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Samenaanpak <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Authentication: Wagtail login, TOTP for every back-office user, slowed-down logins ---------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that also unlocks the meldpunt keys with the password (reports.auth).
    "samenaanpak.reports.auth.ReportKeyBackend",
    # Public accounts sign in by email (password or mailed code); staff are refused there
    # (accounts.adapter) and keep the two-factor login.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: re-wraps a handler's meldpunt key when the password changes.
    {"NAME": "samenaanpak.reports.auth.RewrapReportKeyOnPasswordChange"},
]
# django-two-factor-auth's login (password, then a TOTP code) replaces Wagtail's; every user who
# can reach the back office must have a verified TOTP device (core.middleware).
LOGIN_URL = "two_factor:login"
WAGTAILADMIN_LOGIN_URL = "two_factor:login"
WAGTAIL_FRONTEND_LOGIN_URL = "two_factor:login"  # pages restricted to signed-in users (urls.py also
# redirects Wagtail's own password-only /_util/login/ and ADMIN_PATH + login/ here)
LOGIN_REDIRECT_URL = "wagtailadmin_home"
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
# Limited per client and per address, and sent through the outbox (core.auth_forms).
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "samenaanpak.core.auth_forms.ThrottledPasswordResetForm"
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Samenaanpak")
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
# django-axes: failed logins counted per client in the throttle store (hashed keys only), locked
# for AXES_COOLOFF_MINUTES after AXES_FAILURE_LIMIT failures.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60
# Per client address only: a lockout by user name from any address would let anyone lock a staff
# member out. Guessing one account from many addresses meets 12-character passwords and the TOTP step.
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "samenaanpak.core.throttle.axes_client_str"  # no address in log lines
# The back office and the public sign-in each get their own Dutch page (core.views.login_locked).
AXES_LOCKOUT_CALLABLE = "samenaanpak.core.views.login_locked"
AXES_CACHE = "throttle"

# --- Public accounts (django-allauth; accounts/, docs/architecture.md "Public accounts") -------
# Residents sign in by email with a password or a code mailed to the address. Staff accounts are
# refused there (accounts.adapter) and keep the two-factor login above.
ACCOUNT_ADAPTER = "samenaanpak.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's own limits keep their counters in the default cache, which Redis may evict: ours are
# in the throttle store (core.throttle), applied in accounts.adapter and accounts.forms.
ACCOUNT_RATE_LIMITS = False
ACCOUNT_FORMS = {
    "signup": "samenaanpak.accounts.forms.SignupForm",
    "login": "samenaanpak.accounts.forms.LoginForm",
    "request_login_code": "samenaanpak.accounts.forms.RequestLoginCodeForm",
    "reset_password": "samenaanpak.accounts.forms.ResetPasswordForm",
    "reauthenticate": "samenaanpak.accounts.forms.ReauthenticateForm",
    "confirm_login_code": "samenaanpak.accounts.forms.ConfirmLoginCodeForm",
    "change_password": "samenaanpak.accounts.forms.ChangePasswordForm",
}
# The address is verified with a code typed on the page the resident is on (a link in the mail
# may open another browser on a phone, one without the session); six digits, a number keyboard.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60  # mail can take a minute or two to arrive on a phone
ACCOUNT_CHANGE_EMAIL = True  # one address per account: "change", not "add another"
ACCOUNT_EMAIL_NOTIFICATIONS = False  # allauth's notices would quote the visitor's address and agent
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SIGNUP_REDIRECT_URL = "account_overview"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_USER_DISPLAY = "samenaanpak.accounts.identity.shown_name"
# Limits per hour (core.throttle.Limit): requests for a sign-in code, password-reset mails and
# sign-ups per client; codes and reset mails per address; any account mail per address.
ACCOUNT_CODE_CLIENT_HOURLY_LIMIT = env.int("ACCOUNT_CODE_CLIENT_HOURLY_LIMIT", default=10)
ACCOUNT_CODE_ADDRESS_HOURLY_LIMIT = env.int("ACCOUNT_CODE_ADDRESS_HOURLY_LIMIT", default=3)
ACCOUNT_RESET_CLIENT_HOURLY_LIMIT = env.int("ACCOUNT_RESET_CLIENT_HOURLY_LIMIT", default=5)
ACCOUNT_RESET_ADDRESS_HOURLY_LIMIT = env.int("ACCOUNT_RESET_ADDRESS_HOURLY_LIMIT", default=3)
ACCOUNT_SIGNUP_CLIENT_HOURLY_LIMIT = env.int("ACCOUNT_SIGNUP_CLIENT_HOURLY_LIMIT", default=5)
ACCOUNT_MAIL_ADDRESS_HOURLY_LIMIT = env.int("ACCOUNT_MAIL_ADDRESS_HOURLY_LIMIT", default=8)
ACCOUNT_MAIL_HOURLY_CAP = env.int("ACCOUNT_MAIL_HOURLY_CAP", default=500)  # all addresses together

# --- Internationalisation: Dutch first, English second ------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [SRC_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=PRODUCTION)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600
# Outside production WhiteNoise serves straight from the source folders (no collectstatic), so that
# `make run` can run without DEBUG, as residents see the site.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="Samenaanpak")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # Dutch stemming where PostgreSQL's full-text search is available.
        **({"SEARCH_CONFIG": "dutch"} if IS_POSTGRES else {}),
    }
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "xlsx", "ods", "txt"]
WAGTAILEMBEDS_FINDERS = []  # no oEmbed: pages never pull content from other origins
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the back office makes no calls to wagtail.org
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_COMMENTS_ENABLED = False
WAGTAIL_GRAVATAR_PROVIDER_URL = (
    None  # avatars never come from gravatar.com (the CSP blocks it anyway)
)

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the reverse proxy every request comes from the proxy: rate limits use this header instead.
TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="")
# The lockout counts the same client as the rate limits (django-ipware is not installed, so axes
# would otherwise see only REMOTE_ADDR: behind the proxy one address for everyone).
AXES_CLIENT_IP_CALLABLE = "samenaanpak.core.http.client_address"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "samenaanpak.core.views.csrf_failure"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Public pages: scripts and styles only from our origin, inline only with a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}
# The Wagtail back office (ADMIN_PATH) sets inline style attributes and inline scripts that carry
# no nonce, so it gets 'unsafe-inline' for those two directives (see docs/architecture.md).

# --- Logging: never personal data (no IP addresses, no request bodies) --------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_personal_data": {"()": "samenaanpak.core.logging.NoPersonalDataFilter"},
        "database_outage": {"()": "samenaanpak.core.logging.DatabaseOutageFilter"},
        "reporter": {"()": "samenaanpak.reports.logging.ReporterLogFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["database_outage", "reporter", "no_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default handlers (console in DEBUG, mail_admins) would bypass the filters above,
        # and django.server would reach Python's unfiltered last-resort handler: every record goes
        # to the root handler instead, through the filters.
        "django": {"handlers": []},
        # Django logs 4xx/5xx with the request line; the filter strips the request object.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING", "propagate": True},
        "axes": {"level": "WARNING"},
        "wagtail": {"level": env.str("WAGTAIL_LOG_LEVEL", default="WARNING")},
    },
}
