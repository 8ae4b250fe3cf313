"""Settings for the Care Home Pharmacy Hub: one file, read from the environment.

Every value a deployment changes comes from an environment variable (see `.env.example`).
Without any, the hub runs on the embedded default: SQLite, in-process Celery, console email.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


DEBUG = env.bool("DEBUG", default=False)

_INSECURE_DEV_KEY = "django-insecure-embedded-default-only-never-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment (see .env.example), "
        "or set DEBUG=True for the embedded development default."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "organisations",
    "accounts",
    "carehomes",
    "workstreams",
    "discharge",
    "actionplan",
    "dashboard",
    "api",
    "ninja",
    "config.apps.HubConfig",
]
# Demo and scale data builders (seed_demo, seed_scale, bench): never in a production build.
NONPROD_APPS = env.bool("NONPROD_APPS", default=False)
if DEBUG or NONPROD_APPS:
    INSTALLED_APPS.append("nonprod")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.session_renewal.SessionRenewalMiddleware",
    "config.security.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SessionRulesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
    {
        # Django templates only for the admin and other third-party pages.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: PostgreSQL's JIT costs far more to compile than it saves here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE: a write transaction takes the lock when it begins, so concurrent requests wait
    # (up to the timeout) instead of failing with "database is locked" when a read turns into a write.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id at OWASP's cost (config/hashers.py, docs/adr/0007); PBKDF2 stays listed so a password
# hashed before the switch still signs in, and is re-hashed with Argon2id when it does.
ARGON2_PASSWORD_HASHERS = [
    "config.hashers.HubArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD_HASHERS = ARGON2_PASSWORD_HASHERS
if env.bool("FAST_PASSWORD_HASHER", default=False):
    # Tests only: hashing a password per test user would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 idle minutes: a request pushes the expiry on, writing the session at most
# once every SESSION_RENEW_SECONDS (accounts.session_renewal, docs/adr/0015); and, however active,
# at the latest SESSION_MAX_AGE_HOURS after sign-in (accounts.middleware.SessionRulesMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
if not 0 <= SESSION_RENEW_SECONDS < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured("SESSION_RENEW_SECONDS must be at least 0 and less than SESSION_IDLE_SECONDS.")
SESSION_MAX_AGE_HOURS = env.float("SESSION_MAX_AGE_HOURS", default=12)
# Local (username and password) sign-in. Off: only the NHS identity providers below, and
# superusers sign in at /admin/ only.
LOCAL_PASSWORDS = env.bool("LOCAL_PASSWORDS", default=True)
# A "choose a new password" link (forgotten password, or a reset by the PM) works once, for a day.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=24 * 3600)

# Sign in with an NHS identity (OpenID Connect, accounts/oidc.py). A provider is switched on by
# its issuer and client id; it signs the client in with a secret, or with a private key
# (private_key_jwt, PEM) when one is given. README "Sign in with an NHS identity" says how to register.
OIDC_PROVIDERS = {
    "cis2": {
        "issuer": env.str("CIS2_ISSUER", default=""),
        "client_id": env.str("CIS2_CLIENT_ID", default=""),
        "client_secret": env.str("CIS2_CLIENT_SECRET", default=""),
        "private_key": env.str("CIS2_PRIVATE_KEY", default="", multiline=True),
        "acr_values": env.str("CIS2_ACR_VALUES", default="AAL2_OR_AAL3_ANY"),
    },
    "nhsmail": {
        "issuer": env.str("NHSMAIL_ISSUER", default=""),
        "client_id": env.str("NHSMAIL_CLIENT_ID", default=""),
        "client_secret": env.str("NHSMAIL_CLIENT_SECRET", default=""),
        "private_key": env.str("NHSMAIL_PRIVATE_KEY", default="", multiline=True),
    },
}
for _name, _provider in OIDC_PROVIDERS.items():
    if _provider["issuer"] and not _provider["client_id"]:
        raise ImproperlyConfigured(
            f"{_name.upper()}_ISSUER is set but {_name.upper()}_CLIENT_ID is not (see .env.example)."
        )
if OIDC_PROVIDERS["cis2"]["acr_values"] not in ("AAL2_OR_AAL3_ANY", "AAL3_ANY"):
    raise ImproperlyConfigured("CIS2_ACR_VALUES must be AAL2_OR_AAL3_ANY or AAL3_ANY (see .env.example).")
# An invitation to bind an NHS identity works once, within this many days.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
SESSION_SAVE_EVERY_REQUEST = False  # accounts.session_renewal renews the expiry instead
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# django-axes: lock a user from an address after 5 failures, for a cool-off period.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.jinja"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "config.security.axes_username"
# Password spraying: one address failing for many usernames is paused too, at a higher threshold
# (a trust's staff may share one outgoing address). Counted from axes' failure log.
AXES_HANDLER = "config.security.AddressThrottlingHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=50)
SIGN_IN_ADDRESS_WINDOW_MINUTES = env.int("SIGN_IN_ADDRESS_WINDOW_MINUTES", default=15)
# The client's address: REMOTE_ADDR, or behind this many proxies the one they saw (X-Forwarded-For).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    # alphagov's accessible-autocomplete (package.json pins it): pickers of people and care homes.
    ("accessible-autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # No hashed names: nhsuk-frontend's ES module is imported by relative path.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The hub's own address, for absolute links in e-mails (config.mail.absolute_url).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Care Home Pharmacy Hub <hub@localhost>")

# Security headers. Content-Security-Policy: everything from the hub itself, no inline script.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Only for trying a production build over plain HTTP on this machine (e.g. the load test).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
# The health endpoint answers plain HTTP from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (eager).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# With no worker (tasks in-process), e-mail that failed is sent again after a later request once it
# is due (config/mail.py, ADR 0013). A deployment with a worker retries it there instead.
EMAIL_RETRY_AFTER_REQUESTS = env.bool("EMAIL_RETRY_AFTER_REQUESTS", default=CELERY_TASK_ALWAYS_EAGER)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = REDIS_URL or None
CELERY_REDBEAT_LOCK_TIMEOUT = 300

# The hub's own rules, in one place so that they can be changed without code.
HUB = {
    "SERVICE_NAME": "Care Home Pharmacy Hub",
    "NO_VISIT_DAYS": env.int("GAP_NO_VISIT_DAYS", default=28),
    "VISIT_EDIT_WINDOW_DAYS": env.int("VISIT_EDIT_WINDOW_DAYS", default=7),
    # Leavers are anonymised this many years after they left (NHS Records Management Code of
    # Practice 2021: staff and corporate administrative records, 6 years), by a nightly task.
    "LEAVER_RETENTION_YEARS": env.int("LEAVER_RETENTION_YEARS", default=6),
    # Who people ask about their data (shown on /privacy/).
    "PRIVACY_CONTACT": env.str(
        "PRIVACY_CONTACT", default="the project manager or your organisation's data protection officer"
    ),
    # An import's file is read (for the preview and for applying it) for at most this many seconds.
    "IMPORT_READ_SECONDS": env.int("IMPORT_READ_SECONDS", default=30),
    # A cover visit to a home someone is not assigned to shows them that home for this many days.
    "COVER_ACCESS_DAYS": env.int("COVER_ACCESS_DAYS", default=28),
    "PAGE_SIZE": 25,
    # Warn this long before the idle sign-out (SESSION_IDLE_SECONDS), with "Stay signed in".
    "IDLE_WARNING_SECONDS": env.int("IDLE_WARNING_SECONDS", default=120),
    # Requests a minute each API token may make (429 with Retry-After past it).
    "API_RATE_LIMIT_PER_MINUTE": env.int("API_RATE_LIMIT_PER_MINUTE", default=120),
    # Cache the dashboard and gap figures under the shared data version (config/freshness.py).
    # Off, every page load computes them from the kept per-home state (the benchmark measures both).
    "CACHE_FIGURES": env.bool("CACHE_FIGURES", default=True),
    # A CQC file that would leave more than this share of the hub's homes "missing from the file"
    # (or more than CQC_MISSING_WARN_COUNT homes, when that is set) is probably the wrong or a
    # partial file: the import says so and goes on only when the project manager confirms.
    "CQC_MISSING_WARN_SHARE": env.float("CQC_MISSING_WARN_SHARE", default=0.10),
    "CQC_MISSING_WARN_COUNT": env.int("CQC_MISSING_WARN_COUNT", default=None),
}

# Discharge follow-up timers and the estimated impact (issue 15; sources in docs/clinical-safety and
# on the dashboard). Every figure can be changed without code.
DISCHARGE = {
    # Not acknowledged by the end of this many working days after receipt: lost.
    "LOST_WORKING_DAYS": env.int("DISCHARGE_LOST_WORKING_DAYS", default=1),
    # England and Wales bank holidays are not working days (the `holidays` library, subdivision ENG).
    "HOLIDAY_SUBDIVISION": env.str("DISCHARGE_HOLIDAY_SUBDIVISION", default="ENG"),
    # Stage 1 not done within this many opening hours of receipt: overdue.
    "STAGE1_OPEN_HOURS": env.int("DISCHARGE_STAGE1_OPEN_HOURS", default=72),
    # Opening hours used for a pharmacy with none recorded: Monday to Saturday, 9am to 6pm.
    "DEFAULT_OPEN_DAYS": env.list("DISCHARGE_DEFAULT_OPEN_DAYS", cast=int, default=[0, 1, 2, 3, 4, 5]),
    "DEFAULT_OPENS_AT": env.str("DISCHARGE_DEFAULT_OPENS_AT", default="09:00"),
    "DEFAULT_CLOSES_AT": env.str("DISCHARGE_DEFAULT_CLOSES_AT", default="18:00"),
    # Open for longer than this many days: stalled.
    "STALLED_DAYS": env.int("DISCHARGE_STALLED_DAYS", default=14),
    # A home with a discharge in this many days and no completed/partial follow-up: a gap.
    "GAP_RECENT_DAYS": env.int("DISCHARGE_GAP_RECENT_DAYS", default=14),
    # A trust that referred before and has sent nothing in this many days: a drop-off.
    "DROP_OFF_DAYS": env.int("DISCHARGE_DROP_OFF_DAYS", default=28),
    # Estimated impact (NHS England North East and Yorkshire; UK Parliament written answer 165361).
    "FOLLOW_UPS_PER_READMISSION_AVOIDED": env.float(
        "DISCHARGE_FOLLOW_UPS_PER_READMISSION_AVOIDED", default=10
    ),
    "FOLLOW_UPS_PER_READMISSION_AVOIDED_LOW": env.float(
        "DISCHARGE_FOLLOW_UPS_PER_READMISSION_AVOIDED_LOW", default=23
    ),
    "READMISSION_STAY_DAYS": env.float("DISCHARGE_READMISSION_STAY_DAYS", default=13.1),
    "READMISSION_STAY_DAYS_AFTER_FOLLOW_UP": env.float(
        "DISCHARGE_READMISSION_STAY_DAYS_AFTER_FOLLOW_UP", default=7.2
    ),
    "BED_DAY_COST_STANDARD": env.int("DISCHARGE_BED_DAY_COST_STANDARD", default=345),
    "BED_DAY_COST_NON_ELECTIVE": env.int("DISCHARGE_BED_DAY_COST_NON_ELECTIVE", default=901),
    # Counts from 1 to this in a document that leaves the hub are shown as "*".
    "SMALL_NUMBER_MAX": env.int("DISCHARGE_SMALL_NUMBER_MAX", default=7),
}

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="carehomes-demo")

# The monthly ODS import: the export service's report URL (empty: the monthly task does nothing),
# which reports to fetch, and how long to wait for each. The names are the export service's own
# (organisations.ods_fetch.PUBLISHED_REPORTS says where the list comes from); no ICB report, as
# which report holds the ICBs is not confirmed.
ODS_EXPORT_URL = env.str("ODS_EXPORT_URL", default="")
ODS_REPORTS = env.list(
    "ODS_REPORTS", default=["eccg", "etr", "edispensary", "epcn", "epraccur", "epcncorepartnerdetails"]
)
ODS_FETCH_TIMEOUT = env.int("ODS_FETCH_TIMEOUT", default=120)
# The first retry after a network failure waits this long; each next one twice as long (at most an hour).
ODS_RETRY_BACKOFF_SECONDS = env.int("ODS_RETRY_BACKOFF_SECONDS", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "hub.security": {"level": "INFO"},
    },
}
