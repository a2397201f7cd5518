"""Settings for Minutes & Actions, read from the environment.

Defaults suit a local try-out (SQLite file, DEBUG on); production sets every
value through the environment (see README, "Production").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def envbool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name, default=""):
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


DEBUG = envbool("DEBUG", True)
DEMO_MODE_REFUSED = (
    "DEMO_MODE=1 lets the demo users log in without two-factor authentication: it is for a local "
    "try-out (make run, with DEBUG on) only. Unset DEMO_MODE, or set DEBUG=1 on a machine nobody else uses."
)
# The fallback key is only for a local try-out; production must set SECRET_KEY. Its
# "django-insecure-" prefix makes `check --deploy` fail (security.W009) when it is not set.
SECRET_KEY = env("SECRET_KEY") or "django-insecure-local-try-out-key-do-not-use-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

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
    "django_filters",
    "django_htmx",
    "simple_history",
    # Login throttling and two-factor authentication (TOTP, backup tokens as recovery codes).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    # Django's task framework (django.tasks, backported): work that leaves the request.
    "django_tasks",
    "django_tasks_db",
    "minutes",
    "actions",
    "opsg",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Early, so that answers made by the middleware below (a bad Host's 400) are covered too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "opsg.session_limits.SessionLimitsMiddleware",
    "opsg.two_factor.TwoFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsg.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "opsg.wsgi.application"

# PostgreSQL in production and CI; an SQLite file for a local try-out.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make concurrent writers wait for the lock instead of
    # failing with "database is locked" when a read transaction upgrades.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # A file, not memory, so that tests with several threads share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_URL = "login"  # two-factor's login wizard (opsg/two_factor.py) at /accounts/login/
LOGIN_REDIRECT_URL = "minutes:meeting-list"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]

# Sessions end 12 hours after login whatever the activity, a staff user's after 30
# minutes without a request (opsg/session_limits.py).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
SESSION_STAFF_IDLE_AGE = 30 * 60

# Login throttling (django-axes, in the database so that it holds across processes):
# 5 failures for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# Attempts during a lockout do not extend it: it ends 15 minutes after the 5th failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address: REMOTE_ADDR, or behind PROXY_COUNT reverse proxies that append to
# X-Forwarded-For, the address the outermost one saw (opsg/security.py).
PROXY_COUNT = envint("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "opsg.security.axes_client_ip"
AXES_USERNAME_CALLABLE = "opsg.security.axes_username"  # cut to what axes stores

# Two-factor authentication (opsg/two_factor.py): required of secretaries, chairs and
# staff. DEMO_MODE (on in `make run`) exempts the demo users of `load_demo`.
DEMO_MODE = envbool("DEMO_MODE", False)
if DEMO_MODE and not DEBUG:
    # Refused at start-up (and by the system check opsg.E001): a demo that skips two-factor
    # authentication must never run as a production site.
    raise ImproperlyConfigured(DEMO_MODE_REFUSED)
TWO_FACTOR_PATCH_ADMIN = True  # the admin's login page sends to ours
OTP_TOTP_ISSUER = "Minutes & Actions"

# Background work (minutes/jobs.py) on Django's task framework. The embedded default keeps the
# queue in the project's own database (django-tasks-db; `manage.py db_worker` runs it, `make run`
# starts one beside the server); TASKS_ENGINE=redis moves it to Redis (RQ, REDIS_URL) for
# scale-out, worked by `manage.py rqworker default`, with no change to the code.
TASKS_ENGINE = env("TASKS_ENGINE", "database")
if TASKS_ENGINE == "redis":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db"), "django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": env("REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}}
elif TASKS_ENGINE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured(f"TASKS_ENGINE is database or redis, not {TASKS_ENGINE!r}.")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve static files straight from the app folders when collectstatic has not
# run (a local try-out, tests); production runs collectstatic at deploy time.
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", not (STATIC_ROOT / "staticfiles.json").exists())
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "minutes@localhost")
# The address people reach the app at, for links in e-mails sent without a request
# (reminders, signed links for owners without an account).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Behind a TLS-terminating proxy in production.
if envbool("SECURE_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)

# Headers on every response (tests/test_security_headers.py). Scripts and styles come
# from our own static files only: no inline <script>, event handler attributes,
# style attributes or eval (htmx is told so in base.html's htmx-config).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # Failed logins, lockouts, ended sessions and refused accesses (opsg/security.py) are kept
    # whatever LOG_LEVEL says; so are axes' warnings.
    "loggers": {"minutes.security": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
