"""Settings, read from the environment with safe defaults for development.

``DEBUG``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``, ``COCREA_DATA_DIR`` and ``PORT``
are the knobs; with ``DEBUG=0`` a missing or weak secret key, or a missing host list or one
containing ``*``, stops start-up.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cocrea.core.logs import logging_config
from cocrea.core.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
DATA_DIR = Path(os.environ.get("COCREA_DATA_DIR", REPO_DIR / "data"))

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105


def weak_secret_key(key: str) -> bool:
    """Django's own measure (``check --deploy``, security.W009): under 50 characters, under 5
    distinct ones, or a generated development key (``django-insecure-…``)."""
    return (
        key == DEVELOPMENT_SECRET_KEY
        or len(key) < 50
        or len(set(key)) < 5
        or key.startswith("django-insecure")
    )


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG=0.")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG=0: use at least 50 random characters with at least 5 "
        "distinct ones, not starting with 'django-insecure' (for example the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment when DEBUG=0.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
elif not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must not contain '*' when DEBUG=0: list the site's host names "
        "(e.g. ALLOWED_HOSTS=cocrea.example.org)."
    )

INSTALLED_APPS = [
    "cocrea.accounts.admin_site.CocreaAdminConfig",  # the admin: administrators (auditors read)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "cocrea.plans",
    "cocrea.budget",
    "cocrea.participation",
    "cocrea.drafts",
    "cocrea.catalogue",
    "cocrea.portal",
    "cocrea.audit",
    "cocrea.accounts",
    "cocrea.core",
    "cocrea.staff",
    "cocrea.reports",
    "rules.apps.AutodiscoverRulesConfig",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]

MIDDLEWARE = [
    # First: the request id and the request's log line; then /healthz and /readyz, answered before
    # the host check, the HTTPS redirect, sessions and the lockout (cocrea/core/health.py).
    "cocrea.core.logs.RequestLogMiddleware",
    "cocrea.core.health.HealthCheckMiddleware",
    # Anonymous public pages from the cache (README "Cache"): a hit returns here, before the rest;
    # a stored page carries what the layers below added (security and CSP headers, safe text), and
    # the scheme is in its key (a plain-HTTP request still meets the HTTPS redirect below).
    "cocrea.core.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cocrea.core.middleware.SafeTextMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cocrea.portal.middleware.SpanishFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cocrea.audit.middleware.AuditActorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cocrea.accounts.middleware.StaffSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cocrea.urls"
WSGI_APPLICATION = "cocrea.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-level overrides (allauth's layouts) come before every app's templates.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

env = environ.Env()
DATABASES = {
    "default": env.db_url_config(os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'cocrea.sqlite3'}")
}
# Each worker keeps its connection between requests: opening one costs more than most pages' queries
# (SQLite: about 1.7 ms, its PRAGMAs and Django's functions registered again). `cocrea restore`
# writes SQLite backups into the same file through the backup API, so kept connections see it.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    if not os.environ.get("DATABASE_URL"):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cocrea.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Guatemala")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# STATIC_ROOT: where collectstatic writes (the container image collects into /app/static at build).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or DATA_DIR / "static")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# Uploads in S3-compatible storage (django-storages) when a bucket is named, so that any number of
# web containers and workers share them. Private objects: Cocrea serves every upload through its own
# views, which check who may read it. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read
# by boto3 itself (or the machine's role); AWS_S3_ENDPOINT_URL for a provider other than AWS.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Local memory by default; Redis in production (CACHE_URL=redis://127.0.0.1:6379/1). The cache
# also backs the rate limits.
CACHES = {"default": env.cache_url_config(os.environ.get("CACHE_URL") or "locmemcache://cocrea")}

# Console in development; SMTP in production (EMAIL_URL=smtp+tls://user:password@host:587).
EMAIL_CONFIG = env.email_url_config(os.environ.get("EMAIL_URL") or "consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cocrea <no-reply@cocrea.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The public address of the site, for links in emails sent outside a request (commands, reminders).
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")

# Logs to standard error: JSON lines (LOG_FORMAT=json, the default with DEBUG=0) or readable text
# (LOG_FORMAT=text, the default in development); LOG_LEVEL for everything but the request lines,
# which are INFO (cocrea/core/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
# The request lines are written out together, at most LOG_BUFFER_SECONDS after they happen (as
# nginx buffers its access log); 0 writes each at once, the default in development.
try:
    LOG_BUFFER_SECONDS = float(os.environ.get("LOG_BUFFER_SECONDS", "0" if DEBUG else "1"))
except ValueError:
    LOG_BUFFER_SECONDS = -1
if not 0 <= LOG_BUFFER_SECONDS <= 60:
    raise ImproperlyConfigured("LOG_BUFFER_SECONDS must be a number of seconds from 0 to 60.")
LOGGING = logging_config(
    LOG_FORMAT, os.environ.get("LOG_LEVEL", "WARNING" if DEBUG else "INFO").upper(), LOG_BUFFER_SECONDS
)

# The bundled demo plan (the INAP/GPAT work plan for Commitment 11, Milestone 1).
DEMO_PLAN = BASE_DIR / "plans" / "data" / "demo-plan.txt"
ORGANIZATION_DIRECTORY = BASE_DIR / "plans" / "data" / "organizations.csv"


# --- Accounts (django-allauth): sign-in by email, verified, no account enumeration ---------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks the public name (and the consent to show it) and, optionally, the organisation.
ACCOUNT_SIGNUP_FORM_CLASS = "cocrea.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cocrea] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

# The client address, for the lockout and the rate limits: the connection's address unless
# TRUSTED_PROXY_COUNT reverse proxies (ours) sit in front and append to X-Forwarded-For; then the
# address that many entries from its right. 0 (the default) trusts no proxy header at all.
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
except ValueError:
    TRUSTED_PROXY_COUNT = -1
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number of proxies (0 or more).")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Failed sign-ins are counted per account (the email typed, lower-cased) over the cool-off time:
# AXES_FAILURE_LIMIT from one address lock the account from that address, AXES_ACCOUNT_FAILURE_LIMIT
# from all addresses together lock it everywhere (django-axes, below). Never per address alone.
AXES_FAILURE_LIMIT = 5
AXES_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("AXES_ACCOUNT_FAILURE_LIMIT", "20"))
AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "30"))
if AXES_ACCOUNT_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_ACCOUNT_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be 1 or more.")

# Rate limits (allauth's, backed by the cache): request N+1 in the window is refused.
# "login_failed" has a per-address part (RATE_LOGIN_FAILED, slows a password spray) and a per-account
# part ("key": the email typed, or the user at the two-step stage, whatever the address). allauth's
# two-step code check counts its failures under login_failed with the user as the key, so without
# the per-account part wrong codes were limited only per address.
ACCOUNT_RATE_LIMITS = {
    "signup": os.environ.get("RATE_SIGNUP", "10/h/ip"),
    "login": os.environ.get("RATE_LOGIN", "30/m/ip"),
    "login_failed": (
        f"{os.environ.get('RATE_LOGIN_FAILED', '20/m/ip')},"
        f"{AXES_ACCOUNT_FAILURE_LIMIT}/{AXES_COOLOFF_MINUTES}m/key"
    ),
    "reset_password": os.environ.get("RATE_RESET_PASSWORD", "5/h/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cocrea"

# Staff: two-factor authentication before any staff screen, and 30 idle minutes at most.
STAFF_IDLE_SECONDS = int(os.environ.get("STAFF_IDLE_SECONDS", "1800"))

# --- Brute force (django-axes): by account + address and by account, never by address alone -----
# allauth authenticates with email=..., which axes does not read as a username: the callable names
# the account, the handler gives each rule its own limit (cocrea/accounts/lockout.py).
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["username"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "cocrea.accounts.lockout.account_key"
AXES_HANDLER = "cocrea.accounts.lockout.AccountLockoutHandler"
# The same client address as allauth's (ALLAUTH_TRUSTED_PROXY_COUNT). AXES_IPWARE_PROXY_COUNT says
# the same for axes' django-ipware path, which the callable replaces.
AXES_CLIENT_IP_CALLABLE = "cocrea.accounts.lockout.client_ip"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Security headers ----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database. With CACHE_URL (Redis, shared by every process and machine) they
# are read through it (written to both): a signed-in request reads its session without a query.
# Not with the embedded local-memory cache: each process would keep its own copy, and a session
# ended in one (signing out) would live on in another's memory.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("CACHE_URL")
    else "django.contrib.sessions.backends.db"
)
CSRF_COOKIE_HTTPONLY = True
# A refused form is a page of the site that says what happened and how to go back (core.views).
CSRF_FAILURE_VIEW = "cocrea.core.views.csrf_failure"
if not DEBUG:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024


# --- Background tasks (django-tasks; README "Background tasks") ----------------------------------
# Django's task API (django-tasks, the backport of Django 6.0's django.tasks). By default the queue
# is the database (django-tasks-db: SQLite or PostgreSQL, nothing else to run); TASKS_URL=redis://…
# puts it in Redis and runs it with RQ (django-tasks-rq). `cocrea worker` runs whichever is set.
TASKS_URL = os.environ.get("TASKS_URL", "").strip()
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
if TASKS_URL.startswith(("redis://", "rediss://", "unix://")):
    INSTALLED_APPS += ["django_rq"]  # its rqworker command (its admin page has no table of its own)
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_URL == "immediate":  # run each task at once, in the caller (tests, debugging)
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_URL in ("", "database"):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("TASKS_URL must be empty (the database), 'immediate' or redis://host:port/db.")
RQ_QUEUES = {
    "default": {"URL": TASKS_URL if TASKS_URL.startswith(("redis", "unix")) else "redis://127.0.0.1:6379/0"}
}
# Every email goes through the outbox (cocrea.core.mail): stored with the request's transaction,
# sent by a task after it commits, retried with backoff; EMAIL_URL chooses how it is finally sent.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "cocrea.core.mail.OutboxBackend"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
EMAIL_RETRY_ATTEMPTS = int(os.environ.get("EMAIL_RETRY_ATTEMPTS", "10"))
EMAIL_RETRY_BASE_SECONDS = int(os.environ.get("EMAIL_RETRY_BASE_SECONDS", "30"))
# The daily job (`cocrea daily`) is enqueued once a day by the worker's scheduler, at this local hour.
DAILY_JOB_HOUR = int(os.environ.get("DAILY_JOB_HOUR", "6"))
if not 0 <= DAILY_JOB_HOUR <= 23:
    raise ImproperlyConfigured("DAILY_JOB_HOUR must be an hour of the day, 0 to 23.")
# A worker whose heartbeat is older than this is taken as dead and its running task is run again.
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "120"))
# Uploaded sheets at least this large are imported in the background, with a progress page.
BACKGROUND_IMPORT_BYTES = int(os.environ.get("BACKGROUND_IMPORT_BYTES", str(16 * 1024)))
# Live progress of background jobs, seen by the web processes while the worker writes inside a
# transaction: the shared cache when CACHE_URL is set, else files under the data directory.
CACHES["jobs"] = (
    env.cache_url_config(os.environ["CACHE_URL"])
    if os.environ.get("CACHE_URL")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "jobs"),
    }
)

# --- The public page cache (cocrea/core/pagecache.py; README "Cache") ---------------------------
# Anonymous public pages are stored whole under the versions of what they show. With CACHE_URL
# (Redis) pages and versions are shared by every process and machine; without it, pages stay in
# each process's memory and the versions in files under the data directory, so that a write in one
# web process is seen by the others on their next request.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# The blocks of public pages kept for everyone who sees them as the public does, signed in or not
# (cocrea/core/content.py), in the same cache as the pages, under the same versions.
CONTENT_CACHE = env_bool("CONTENT_CACHE", True)
PAGE_CACHE_PAGES = "pages"
PAGE_CACHE_VERSIONS = "versions"
if os.environ.get("CACHE_URL"):
    CACHES["pages"] = {**env.cache_url_config(os.environ["CACHE_URL"]), "KEY_PREFIX": "page"}
    CACHES["versions"] = {**env.cache_url_config(os.environ["CACHE_URL"]), "KEY_PREFIX": "pagev"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cocrea-pages",
        # each page three times: as it is, gzip-compressed, and its kept blocks (core/content.py)
        "OPTIONS": {"MAX_ENTRIES": 6000},
    }
    CACHES["versions"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "page-versions"),
        "OPTIONS": {"MAX_ENTRIES": 100000},
    }

# --- Errors to Sentry when SENTRY_DSN is set (no personal data: send_default_pii=False) ----------
SENTRY_ENABLED = init_sentry(os.environ, debug=DEBUG)
