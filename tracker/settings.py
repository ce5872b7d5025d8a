"""Settings for Peer Challenge Tracker, read from the environment.

DEBUG=1 gives a local demo on SQLite with a throwaway secret key. Without DEBUG the app is in
production mode and refuses to start unless SECRET_KEY and ALLOWED_HOSTS are set.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tracker.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEMO_SECRET_KEY = "insecure-demo-key-only-for-local-debug"  # noqa: S105 - refused below unless DEBUG
SECRET_KEY = env_str("SECRET_KEY") or (_DEMO_SECRET_KEY if DEBUG else None)
if not SECRET_KEY or (not DEBUG and (SECRET_KEY == _DEMO_SECRET_KEY or len(SECRET_KEY) < 40)):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random string of at least 40 characters (or DEBUG=1 for a local demo)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",  # who changed what and when, on reviews, recommendations and actions
    "axes",  # login throttling (security)
    "csp",
    "security",
    "reviews",
    "actions",
    "accounts",
    "imports",  # XLSX/CSV action plans and quarterly updates: preview, apply, export
    "reports",  # the quarterly Cabinet progress report (snapshots, PDF, archive)
    "dashboard",  # Cabinet and Scrutiny dashboard at / (issue 4)
    "statements",  # the progress review's position statement and evidence pack (issue 15)
    "public",  # the public page of what was reported to Cabinet, and its open data
    "charts",  # server-side SVG charts shared by the dashboard and the Cabinet report
    "demo",  # seed and synthetic data: load_sefton, load_demo, generate_synthetic_data
    "django_tasks",  # Django 6's task framework, backported (issue 16)
    "django_tasks_db",  # the default task queue: a table in our own database
    "jobs",  # heavy work outside the request: progress, result, retry (issue 16)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records the signed-in person
    "django.contrib.messages.middleware.MessageMiddleware",
    "security.middleware.SessionLifetimeMiddleware",
    "security.middleware.RefusedRequestLogMiddleware",
    "security.middleware.PrivateCacheMiddleware",
    "security.middleware.LoginAddressThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Its process_exception must see the view's exception before any other middleware's.
    "tracker.db.RetryReadAfterDisconnectMiddleware",
    "axes.middleware.AxesMiddleware",  # must stay last
]

ROOT_URLCONF = "tracker.urls"

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
                "tracker.context_processors.service",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL through tracker/postgresql: a new connection waits up to DB_CONNECT_WAIT_SECONDS
# for a restarting database rather than failing the page at once.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "tracker.postgresql"
DB_CONNECT_WAIT_SECONDS = env_int("DB_CONNECT_WAIT_SECONDS", 10)
# Sessions in the database, saved again on a new connection if a restart cut the old one.
SESSION_ENGINE = "tracker.sessions"
# SQLite: every transaction takes the write lock when it begins, and waits up to 20 s for it,
# so two people saving at once take turns instead of one getting "database is locked" (a
# deferred transaction that read first cannot wait for the lock). WAL lets readers carry on.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Evidence files on progress updates are stored through the default storage (this folder
# unless STORAGES says otherwise, e.g. django-storages for S3 or Azure Blob) and are never served
# from a public URL: only actions.views.EvidenceDownloadView sends them, to who may see them.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
EVIDENCE_MAX_MEGABYTES = env_int("EVIDENCE_MAX_MEGABYTES", 10)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 5)  # files on one update

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# EVIDENCE_STORAGE=s3 or azure keeps evidence in a private bucket or container through
# django-storages (`pip install 'django-storages[s3]'` or `[azure]`; see the README). Files are
# still sent only through EvidenceDownloadView, never from the bucket's own URL.
EVIDENCE_STORAGE = env_str("EVIDENCE_STORAGE", "filesystem")
if EVIDENCE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("EVIDENCE_S3_BUCKET", ""),
            "region_name": env_str("EVIDENCE_S3_REGION", "") or None,
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL", "") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }  # credentials: the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or an instance role
elif EVIDENCE_STORAGE == "azure":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": {
            "azure_container": env_str("EVIDENCE_AZURE_CONTAINER", "evidence"),
            "connection_string": env_str("EVIDENCE_AZURE_CONNECTION_STRING", "") or None,
            "account_name": env_str("EVIDENCE_AZURE_ACCOUNT_NAME", "") or None,
            "overwrite_files": False,
        },
    }
elif EVIDENCE_STORAGE != "filesystem":
    raise ImproperlyConfigured("EVIDENCE_STORAGE must be filesystem, s3 or azure.")

DJANGO_TABLES2_TEMPLATE = "django_tables2/govuk_table.html"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "peer-challenge-tracker@localhost")
# Where people report a problem (accessibility statement, privacy notice, help pages).
SERVICE_CONTACT_EMAIL = env_str("SERVICE_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)

# What the app calls itself and whose branding it wears; a council deploying it sets these.
SERVICE_NAME = env_str("SERVICE_NAME", "Peer Challenge Tracker")
COUNCIL_SHORT_NAME = env_str("COUNCIL_SHORT_NAME", "Sefton Council")

# --- Cache (issue 16) -----------------------------------------------------------------------
# The read of the plan per council and day is cached (actions/plan_cache.py); every write that
# changes it moves the council's plan version on. Local memory in each process unless
# CACHE_REDIS_URL points at a Redis shared by every web process (what a deployment with several
# gunicorn workers wants: a plan read after a save is read once, not once in each process);
# PLAN_CACHE_SECONDS=0 turns the plan cache off. Deployments sharing one Redis database need a
# CACHE_KEY_PREFIX each: plan versions count from 1 in every database, so keys would collide.
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL", "")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "pct")
if CACHE_REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": CACHE_REDIS_URL, "KEY_PREFIX": CACHE_KEY_PREFIX}
    }  # fmt: skip
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "pct", "OPTIONS": {"MAX_ENTRIES": 2000}}
    }  # fmt: skip
PLAN_CACHE_SECONDS = env_int("PLAN_CACHE_SECONDS", 600)

# --- Background tasks (issue 16) ------------------------------------------------------------
# TASKS_BACKEND=database (default): tasks wait in a table of our own database and
# `manage.py task_worker` runs them; nothing else to install. TASKS_BACKEND=rq: tasks wait in
# Redis (REDIS_URL) and RQ workers on any number of hosts run them. TASKS_BACKEND=immediate runs
# each task inside the request that asks for it (the tests, and a quick look without a worker).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
# A task worker runs at this much lower CPU priority (Unix nice) than the web server, so that at
# quarter end a PDF render waits for people's pages rather than the other way round; 0 keeps it.
TASK_WORKER_NICENESS = env_int("TASK_WORKER_NICENESS", 10)
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "DEFAULT_TIMEOUT": env_int("TASK_TIMEOUT_SECONDS", 900),
        }
    }
# A running job writes a heartbeat this often; one not heard from for JOB_STALL_SECONDS reads
# as stopped (its worker was killed) and may be tried again. SQLite has one writer at a time, so
# there a heartbeat would fight a long import's transaction ("database is locked"): no
# heartbeat, and a job reads as stopped only 15 minutes after its last step began.
_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 0 if _SQLITE else 5)
JOB_STALL_SECONDS = env_int("JOB_STALL_SECONDS", 60 if JOB_HEARTBEAT_SECONDS else 900)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"  # never send our URLs (review slugs, IDs) to other sites
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind the council's TLS-terminating proxy, which must set X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the council's whole domain and every subdomain, for months: its owner
        # decides that (SECURE_HSTS_PRELOAD=1), not this app, so the reminder is silenced.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Security (issue 7): CSP, Permissions-Policy, session lifetimes, login throttling. ---------
# Content-Security-Policy (django-csp 4): only our own files, no inline script or style at all,
# so an injected <script> or style="" does nothing even if escaping ever failed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): the tracker needs no device features.
_UNUSED_FEATURES = "accelerometer camera geolocation gyroscope magnetometer microphone payment usb"
PERMISSIONS_POLICY = {feature: [] for feature in _UNUSED_FEATURES.split()}
# Idle timeout: the session lasts SESSION_IDLE_MINUTES from the latest request (renewed at most
# once a minute by security.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# Absolute timeout, enforced by security.middleware.SessionLifetimeMiddleware.
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_HOURS", 10) * 3600
# Proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair waits AXES_COOLOFF_TIME. Never a permanent lock a stranger could trigger for a colleague.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in with the council's identity provider (OpenID Connect, accounts/oidc.py): off unless
# OIDC_RP_CLIENT_ID is set, and then every other OIDC_* variable below is required.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_COUNCIL = env_str("OIDC_COUNCIL", "")  # the short name of the council whose provider it is
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    _missing = [
        name
        for name in ("OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT",
                     "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT",
                     "OIDC_OP_ISSUER", "OIDC_COUNCIL")
        if not globals()[name]
    ]  # fmt: skip
    if _missing:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set, so set {', '.join(_missing)} too")
    AUTHENTICATION_BACKENDS.append("accounts.oidc.CouncilAccountBackend")
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL_FAILURE = LOGIN_URL_PATH

AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One address trying many usernames (password spraying) is paused too, at a higher limit since
# a council office reaches us from one address (security.middleware).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "security.ip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "security.views.lockout"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes repeats at INFO what tracker.security already logs about every sign-in.
        "axes": {"level": "WARNING"},
        # Each refused request is logged once, by tracker.security with its reason; Django's
        # own 403/404 warnings (with a traceback for every 403) would repeat it. 5xx stay.
        "django.request": {"level": "ERROR"},
        "django.security.csrf": {"level": "ERROR"},
        # Sign-ins, lockouts and refused requests (security app): keep at INFO in production.
        "tracker.security": {"level": "INFO"},
    },
}
