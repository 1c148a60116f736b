"""Settings for the LIBRI portal: one module, every deployment value read from the environment.

Development defaults (SQLite, local-memory cache, inline Celery tasks, console e-mail) need no variables at all;
production sets the variables listed in the README.
"""

import datetime
import hashlib
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core -----------------------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A plain message instead of a traceback: the first thing an operator sees should say what to do.
        sys.exit("LIBRI: SECRET_KEY must be set when DEBUG is off (see README, 'Configuration').")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105


def _code_digest():
    """A digest of the code, templates, static files and catalogues: what a page is built from besides the data."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in ("groundwork", "partners", "activities", "mapping", "resources", "portal", "templates", "static"):
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".txt", ".js", ".css", ".svg"}:
                digest.update(path.relative_to(BASE_DIR).as_posix().encode() + path.read_bytes())
    for path in sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


# The release being served: ETags and the page cache include it, so a new release never hands out a page (or a
# 304 for one) built by the previous code. Deployments set it (the image's commit); by default, a digest of the code.
RELEASE = env.str("RELEASE", default="") or _code_digest()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must precede the admin so that its admin integration patches the right classes.
    "modeltranslation",
    "portal.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "csp",
    "django_countries",
    "django_filters",
    "leaflet",
    # No models: its template tags (language fallbacks) and templates only.
    "groundwork",
    "portal",
    "partners",
    "activities",
    "mapping",
    "resources",
]

# Declared once, in order. Static files first. The page cache (Django's cache middleware) stores only responses
# that a view marks public (`groundwork.caching.public_cache`): UpdateCacheMiddleware stores them on their way out,
# compressed and with every header the inner middleware set; FetchFromCacheMiddleware answers a repeat before the
# session, the locale and the rest run. Visitors with a session or a message waiting skip the page cache.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.cache.UpdateCacheMiddleware",
    # Compresses HTML and JSON; Django's GZip middleware pads responses against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "groundwork.caching.FetchPublicFromCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, but the API's language comes from Accept-Language alone, the one header its answers vary on.
    "groundwork.middleware.RequestLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL character in the path or a parameter answers 400 (groundwork.middleware), in the visitor's language.
    "groundwork.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After the message middleware: it redirects unverified staff to the one-time password step.
    "partners.middleware.StaffTwoFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------------------------

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Take the write lock when a transaction starts, so concurrent writers (registrations) queue instead of
    # failing with "database is locked" when a read transaction tries to upgrade.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
# Production keeps each worker's connection between requests (opening one costs more than most pages' queries);
# a connection that broke meanwhile is noticed before the request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis has two roles, kept apart: the Celery broker (REDIS_URL; persistent, never evicts) and the cache
# (REDIS_CACHE_URL; by default database 1 of the same server; in production a server of its own with a memory
# limit and LRU eviction, see docker-compose.yml). Flushing or filling the cache can then never drop a task.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="")
if REDIS_URL and not REDIS_CACHE_URL:
    REDIS_CACHE_URL = REDIS_URL.rsplit("/", 1)[0] + "/1" if REDIS_URL.count("/") > 2 else REDIS_URL + "/1"
# How long anonymous visitors, shared caches and the page cache keep a public list page, feed or map view.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)


def _redis_cache(prefix):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_CACHE_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            # A cache that cannot be reached costs speed, never a page: django-redis answers as if the key were
            # missing (and logs it), and gives up on a dead server within these fractions of a second.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
        },
    }


# Three roles: "default" for values derived from the data (counts, filter choices) and the rate limits; "pages"
# for whole responses (Django's cache middleware); "fragments" for the parts many pages share (an event's card, a
# filter field), rendered once per version of the data (groundwork.caching.cached_fragments).
if REDIS_CACHE_URL:
    CACHES = {
        "default": _redis_cache("libri"),
        "pages": _redis_cache(f"libri-pages-{RELEASE}"),
        "fragments": _redis_cache(f"libri-fragments-{RELEASE}"),
    }
else:
    # The caches of a process are bounded: a map view is a few kilobytes, a list page some twenty; a card about
    # one, and the fragments' bound holds a card of each of some thousands of events (about 10 MB).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "libri"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"libri-pages-{RELEASE}",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"libri-fragments-{RELEASE}",
            "OPTIONS": {"MAX_ENTRIES": 10000},
        },
    }
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHE_MIDDLEWARE_ALIAS = "pages"
# Only responses that say how long they may be kept (public, max-age) are stored.
CACHE_MIDDLEWARE_SECONDS = 0
CACHE_MIDDLEWARE_KEY_PREFIX = ""

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Development and the test suite serve uploads from the portal itself; production leaves /media/ to the proxy.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
# Readable by the reverse proxy, which serves /media/ from the same folder under a user of its own (nginx's workers
# in docker-compose.yml): with 0o640 it would answer 403 to every upload.
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755

# --- Celery ---------------------------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis there is no worker: tasks run inline, in the request that enqueues them.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A request that enqueues a task while the broker is down must not wait for it: one quick try (the task is kept
# in the database, groundwork.queue, and sent again by the dispatcher).
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 2, "max_retries": 0}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks enqueued through groundwork.queue are kept in this table until a worker has run them. The dispatcher (beat)
# looks for tasks the broker missed every TASK_DISPATCH_SECONDS, and sends again a task handed to the broker but not
# done after TASK_RETRY_AFTER_SECONDS (its worker was killed, or it failed): longer than the longest task.
TASK_QUEUE_MODEL = "portal.QueuedTask"
TASK_DISPATCH_SECONDS = env.int("TASK_DISPATCH_SECONDS", default=30)
TASK_RETRY_AFTER_SECONDS = env.int("TASK_RETRY_AFTER_SECONDS", default=10 * 60)
CELERY_BEAT_SCHEDULE = {
    # Reminders go out once per registration (reminder_sent_at), so running often only makes them timelier.
    "activities-remind-registrants": {"task": "activities.tasks.remind_registrants", "schedule": 15 * 60},
    # Each confirmed registrant is asked once (follow_up_sent_at) whether the event helped, soon after it ended.
    "activities-invite-to-survey": {"task": "activities.tasks.invite_to_survey", "schedule": 15 * 60},
    "activities-erase-expired-registrations": {
        "task": "activities.tasks.erase_expired_registrations",
        "schedule": 60 * 60,
    },
    # Unconfirmed alert sign-ups go after seven days, with the same hourly purge.
    "activities-erase-expired-alerts": {"task": "activities.tasks.erase_expired_alerts", "schedule": 60 * 60},
    # Monday 08:00 in CELERY_TIMEZONE (the portal's, Riga): the weekly summary of new events.
    "activities-send-alert-digests": {
        "task": "activities.tasks.send_alert_digests",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
}

# --- Auth and security ----------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
# Behind the proxy, the client address is the TRUSTED_PROXY_HOPS-th entry of X-Forwarded-For from the right (1: the
# proxy in docker-compose.yml; 2: a CDN or load balancer in front of it); see groundwork/clients.py.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=1)
if TRUSTED_PROXY_HOPS < 1:
    sys.exit("LIBRI: TRUSTED_PROXY_HOPS must be 1 or more (see README, 'Configuration').")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A form refused by the CSRF check gets the portal's page in the visitor's language, not Django's English one.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

MAP_TILES_URL = env.str("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Unset: OpenStreetMap's attribution, in the visitor's language (a lazy string, translated when a map is drawn).
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="") or _(
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
MAP_TILES_ORIGIN = "/".join(MAP_TILES_URL.split("/")[:3]).replace("{s}.", "*.")

# Strict policy: no inline styles; the only inline script is the nonce-carrying map loader of django-leaflet.
# Leaflet positions its panes through the CSSOM, which CSP allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", MAP_TILES_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- E-mail ---------------------------------------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# For the file-based backend (development, fault drills): one file per e-mail sent, in this folder.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LIBRI <libri@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages and time ---------------------------------------------------------------------------------------

LANGUAGE_CODE = "lv"
LANGUAGES = [
    ("lv", _("Latvian")),
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Corrections of Django's date formats for the portal's languages (portal/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Riga")
USE_TZ = True
CELERY_TIMEZONE = TIME_ZONE

MODELTRANSLATION_DEFAULT_LANGUAGE = "lv"
MODELTRANSLATION_LANGUAGES = ("lv", "en", "uk", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("lv", "en")}
# The admin's language tabs need jQuery UI; modeltranslation loads it from a CDN by default, which the CSP (and
# the closed networks some libraries run on) would block, so a vendored copy is served from our static files.
JQUERY_UI_URL = "partners/vendor/jquery-ui/jquery-ui.min.js"

# Languages in which an event or initiative can be delivered: ISO 639-1, wider than the interface languages.
DELIVERY_LANGUAGES = [
    ("lv", _("Latvian")),
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("be", _("Belarusian")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("hi", _("Hindi")),
    ("uz", _("Uzbek")),
    ("ky", _("Kyrgyz")),
    ("tg", _("Tajik")),
    ("tr", _("Turkish")),
    ("zh", _("Chinese")),
    ("fr", _("French")),
    ("de", _("German")),
    ("pl", _("Polish")),
    ("it", _("Italian")),
    ("ro", _("Romanian")),
]

# --- Domain settings ------------------------------------------------------------------------------------------

# Registrants' personal data is erased this many days after their event; only counts are kept.
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=30)
# A registrant is told that the form was sent again with her address at most once in this period: anyone can type her
# address into the form, and each try must not reach her mailbox.
ALREADY_REGISTERED_EMAIL_EVERY = datetime.timedelta(days=1)
# Guide library uploads: accepted file kinds (checked by content, not by name) and the size limit.
RESOURCE_FILE_TYPES = env.list("RESOURCE_FILE_TYPES", default=["pdf", "docx", "odt", "epub"])
RESOURCE_FILE_MAX_BYTES = env.int("RESOURCE_FILE_MAX_BYTES", default=20 * 1024 * 1024)
# Progress reports for the funder (portal): files are deleted this many days after they were built.
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=30)
CELERY_BEAT_SCHEDULE |= {
    # Tasks enqueued while the broker was down go out once it is back; expired report files are deleted.
    "portal-dispatch-queued-tasks": {"task": "portal.tasks.dispatch_queued_tasks", "schedule": TASK_DISPATCH_SECONDS},
    "portal-expire-reports": {"task": "portal.tasks.expire_reports", "schedule": 60 * 60},
}

# --- Third-party apps -----------------------------------------------------------------------------------------

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (56.88, 24.6),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "TILES": [(_("Map"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})],
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
}

COUNTRIES_FIRST = ["LV", "FR", "IT", "PL", "RO", "NL"]

# --- Logging --------------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# A cache outage fails every cache call (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS above): its first failure is logged
# with the traceback, then one line a minute with the number of failures since (groundwork.logfilters).
LOGGING.setdefault("filters", {})["repeats"] = {"()": "groundwork.logfilters.RepeatThrottle", "seconds": 60}
LOGGING.setdefault("loggers", {})["django_redis.cache"] = {"filters": ["repeats"]}

# --- Staff accounts: audit trail, login lockout, one-time passwords (partners) -----------------------------------

INSTALLED_APPS += [
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# A staff member's invitation (and password reset) link stays valid this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 60 * 60)

# Failed logins are counted in the database, so the lockout holds without Redis; coordinators unlock a person by
# deleting her access attempts in the admin.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "partners/admin/locked_out.html"
AXES_VERBOSE = False
# Behind the TLS proxy every connection comes from the proxy: attempts are counted by the client address it
# forwards (the one the rate limits count by), or five failures would lock a user name out for everyone.
AXES_CLIENT_IP_CALLABLE = "groundwork.clients.client_network"

OTP_TOTP_ISSUER = "LIBRI"
# On, every staff member (librarian, coordinator, superuser) must set up and give a one-time password before using
# the admin or the staff pages: librarians see registrants' personal data too. Production turns it on. Anyone with
# an authenticator gives a code at each login whatever this says. OTP_REQUIRED_FOR_COORDINATORS is its former name,
# still read when the new one is not set.
OTP_REQUIRED_FOR_STAFF = env.bool(
    "OTP_REQUIRED_FOR_STAFF", default=env.bool("OTP_REQUIRED_FOR_COORDINATORS", default=False)
)
OTP_BACKUP_CODES = 10
# The admin never shows an authenticator's key or QR code, nor backup codes: only their owner sees them, once, when
# she sets them up on her own page.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-axes reports every successful login (a reset of zero attempts) at INFO: keep only its warnings.
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}

# --- Open data: the read-only API, its documentation and the data licence -----------------------------------------

# The licence of everything the portal publishes as data (API, GeoJSON, CSV, calendars, feeds), shown in each.
OPEN_DATA_LICENCE_NAME = env.str("OPEN_DATA_LICENCE_NAME", default="CC BY 4.0")
OPEN_DATA_LICENCE_URL = env.str("OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/")
# Requests one client address may make to the API; beyond, 429 with Retry-After.
OPEN_DATA_API_RATE = env.str("OPEN_DATA_API_RATE", default="120/minute")

# Django REST framework is not an installed app: its static files and templates serve only its browsable HTML API,
# which the portal does not offer (JSON only), and collecting them would compress 4 MB of unused files.
INSTALLED_APPS += ["drf_spectacular", "corsheaders"]
# High up, as django-cors-headers asks: before anything that may answer on its own (CommonMiddleware, caches).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "corsheaders.middleware.CorsMiddleware"
)
# Anyone may read the API from a page of any origin; nothing else of the portal is shared across origins.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 24 * 60 * 60

REST_FRAMEWORK = {
    # Anonymous and read-only: no session, so no CSRF and no staff view of drafts through the API.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "groundwork.opendata.OpenDataPagination",
    "DEFAULT_THROTTLE_CLASSES": ["groundwork.opendata.ClientAddressThrottle"],
    "DEFAULT_SCHEMA_CLASS": "portal.api_schema.OpenDataAutoSchema",
    "EXCEPTION_HANDLER": "groundwork.opendata.problem_exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LIBRI open data API",
    "DESCRIPTION": (
        "Read-only, anonymous JSON of the LIBRI portal: events, organisations, agreements, initiatives, guide "
        "library resources and local integration strategies. Translated texts carry every language. "
        f"Data licence: {OPEN_DATA_LICENCE_NAME} ({OPEN_DATA_LICENCE_URL})."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "LICENSE": {"name": OPEN_DATA_LICENCE_NAME, "url": OPEN_DATA_LICENCE_URL},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI is served from the portal's static files (static/portal/vendor/swagger-ui/, see portal.api),
    # never from a CDN.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "displayOperationId": False, "defaultModelsExpandDepth": 0},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.postprocess_schema",
    ],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
}
