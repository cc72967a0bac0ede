"""Estate CRM settings: one module, every machine-specific value from the environment.

Without DATABASE_URL the app runs on a SQLite file; without REDIS_URL Celery runs tasks
eagerly and the cache is local memory. `.env.example` lists every variable.
"""

import secrets
from pathlib import Path

import environ
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# A development key is allowed only with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="") or (
    "dev-insecure-key-only-for-debug-and-tests" if DEBUG or env.bool("CRM_TESTING", default=False) else ""
)
if not SECRET_KEY and env("CRM_MANAGEMENT_COMMAND", default="") not in ("", "runserver"):
    # A one-off command signs nothing that must outlive it: a throwaway key is enough. Serving
    # (gunicorn, runserver) still requires SECRET_KEY.
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "ninja",
    "django_celery_beat",
    "crm_site",
    "customers",
    "sales",
    "outreach",
    "members",
    "service",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "crm_site.middleware.NulFreeQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logging in applies the user's stored language: this writes it to the language cookie.
    "crm_site.languages.LoginLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the user why they were logged out.
    "crm_site.middleware.IdleTimeoutMiddleware",
    "crm_site.middleware.PagesLoginRequiredMiddleware",
    "crm_site.middleware.OutsideUsersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "crm_site.middleware.NoStoreMiddleware",
    # Last, so a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_site.urls"
WSGI_APPLICATION = "crm_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "crm_site.context_processors.navigation",
            ],
        },
    },
]

# Databases: PostgreSQL from DATABASE_URL, else a local SQLite file.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles any statement its planner costs high: 100-150 ms of compiling on report queries
    # that run in under a second on the bench data, on every request. Pages are short statements: off unless
    # asked for (PG_JIT=true, e.g. for a worker that runs long analytical queries).
    if not env.bool("PG_JIT", default=False):
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and broker: Redis when REDIS_URL is given.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 3000
CELERY_TASK_TIME_LIMIT = 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 7200}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": 7200}
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = env("TIME_ZONE", default="Asia/Shanghai")

# Authentication
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the user's staff profile loaded with it and the permission set cached (crm_site.auth).
    "crm_site.auth.CrmModelBackend",
]
PERMISSION_CACHE_SECONDS = env.int("PERMISSION_CACHE_SECONDS", default=600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures per (username, ip) lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sessions: absolute 12 h, idle 30 min (crm_site.middleware.IdleTimeoutMiddleware). Read through the cache (Redis in
# production) and written to the database as well, so a cache flush logs nobody out: no session query per page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# Rows of the access log (who saw which unmasked fields) are kept this many days; a nightly job deletes older ones
# (crm_site.tasks.access_log_purge_task). 0 keeps them for ever.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)
# Reports read far more often than their facts change (the team board, the collection report) are cached this many
# seconds per period and scope; a write of their facts through the models starts a new entry (crm_site.reportcache).
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", default=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# HTTPS hardening, on whenever the site is served over TLS (production).
HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a commitment to HTTPS for every subdomain forever: an opt-in per deployment.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Internationalisation
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
CURRENCY = env("CURRENCY", default="CNY")
# Thousands separators in both languages (Django's zh_Hans has none); money through crm_site.formatting.
FORMAT_MODULE_PATH = ["crm_site.formats"]

# Static files, served by whitenoise.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env.bool("MANIFEST_STATIC", default=True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"
# In development and tests static files come straight from the app folders (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG or env.bool("CRM_TESTING", default=False)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

# E-mail: EMAIL_URL (smtp://user:password@host:587, smtp+tls://..., smtp+ssl://..., consolemail://); the console
# backend (mail printed to the log) when unset. Links in e-mails (unsubscribe, notifications) start with SITE_URL.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Estate CRM <crm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Outreach (outreach/): messages are delivered by Celery in batches of OUTREACH_BATCH_SIZE, at most
# OUTREACH_RATE_PER_MINUTE per send (0: no limit); a temporary SMTP failure is retried after
# OUTREACH_RETRY_BACKOFF seconds, doubling each time, up to OUTREACH_MAX_ATTEMPTS attempts.
OUTREACH_BATCH_SIZE = env.int("OUTREACH_BATCH_SIZE", default=100)
OUTREACH_RATE_PER_MINUTE = env.int("OUTREACH_RATE_PER_MINUTE", default=600)
OUTREACH_MAX_ATTEMPTS = env.int("OUTREACH_MAX_ATTEMPTS", default=5)
OUTREACH_RETRY_BACKOFF = env.int("OUTREACH_RETRY_BACKOFF", default=60)
# Outbound webhooks: timeout per request, attempts per delivery (backoff WEBHOOK_RETRY_BACKOFF seconds, doubling),
# consecutive failed attempts after which an endpoint is switched off, and whether endpoints may point at
# loopback, private or link-local addresses (never in production; the tests' local receiver needs it).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BACKOFF = env.int("WEBHOOK_RETRY_BACKOFF", default=30)
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=20)
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# A bare @paginate in an API router gets the bounded page numbers (page beyond its maximum: 422).
NINJA_PAGINATION_CLASS = "crm_site.api.common.PageNumberPagination"

MESSAGE_TAGS = {40: "danger"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"expected_refusals": {"()": "crm_site.logfilters.ExpectedRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print each record a second time: the root logs it.
        "django": {"handlers": [], "propagate": True},
        # A 403 / 404 is logged once, as one line without a traceback.
        "django.request": {"filters": ["expected_refusals"]},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

if env.bool("CRM_TESTING", default=False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
