"""Tideline settings: one module, read from the environment.

Every value a deployment may change comes from an environment variable (see the
README). Defaults are the embedded demo: SQLite under var/, Celery run eagerly.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(a long random string) or DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-tideline-local-development-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "common",
    "agencies",
    "cases",
    "safeguarding",
    "referrals",
    "welfare",
    "intake",
    "calendars",
    "records",
    "subject_access",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "common.middleware.RequestOriginMiddleware",
    # API bodies past Django's limits get the API's 413 (before any transaction).
    "common.api.middleware.ApiBodyLimitMiddleware",
    # Every API write and the building of its answer in one transaction: a 5xx means
    # nothing changed (the access-log entry below commits with the write).
    "common.api.middleware.ApiWriteTransactionMiddleware",
    # Inside the request's origin, so that its one access-log entry names it.
    "agencies.audit.AccessReadLog",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "agencies.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "common.middleware.NoStoreMiddleware",
    # Axes must come last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "agencies.context_processors.signed_in_member",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tideline.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
# PostgreSQL behind PgBouncer in transaction mode (docs/deployment.md): each
# transaction may run on a different server connection, so nothing may outlive one.
# Django's iterator() holds a server-side cursor (WITH HOLD) across transactions:
# off. Prepared statements live on a server connection: Django's psycopg 3 backend
# already prepares none (prepare_threshold None), stated here so that it stays so.
# Advisory locks are transaction-scoped (pg_advisory_xact_lock), which is safe.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured("DATABASE_POOLER is either unset or 'pgbouncer'.")
# The optional read replica: the reports and statistics read from it (config.db_router).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    # Tests run against the primary's test database: no second copy to create.
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        _database["CONN_HEALTH_CHECKS"] = True
        if DATABASE_POOLER == "pgbouncer":
            _database["DISABLE_SERVER_SIDE_CURSORS"] = True
            _database.setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out username is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
# Every deadline is an aware datetime: not a setting a deployment may change.
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("MEDIA_ROOT", default=str(VAR_DIR / "documents"))},
    },
    "staticfiles": {
        # Hashed, compressed file names in production (after collectstatic); plain
        # names in development and tests, which do not run collectstatic.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email: the console in the demo, anything EMAIL_URL names in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Notification emails carry a link back to Tideline, never personal details.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tideline <no-reply@tideline.invalid>")
# Each step of talking to the mail server (connect, each command) gives up after
# this many seconds, so that one send always ends well inside its lease (below).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- The outbox (common.outbox, ADR 0006). Delivery rule: at least once. A
# duplicate is possible only if the worker dies after the mail server accepted the
# message and before the row is marked sent; each email carries the notification's
# id in its Message-ID (and X-Tideline-Notification), so a duplicate is detectable.
# A sender holds a claimed row this long; if it dies, the sweep sends the row again
# after it. Longer than the slowest send (a dozen SMTP steps of EMAIL_TIMEOUT), yet
# with the one-minute sweep well inside the five-minute alarm.
NOTIFICATION_EMAIL_LEASE = timedelta(
    seconds=env.int("NOTIFICATION_EMAIL_LEASE_SECONDS", default=150)
)
# After a failed attempt: 1, 2, 4 ... minutes, at most an hour, for as long as it takes.
NOTIFICATION_EMAIL_RETRY_BASE = timedelta(minutes=1)
NOTIFICATION_EMAIL_RETRY_MAX = timedelta(hours=1)
# The health check raises its alarm when an email has waited longer than this.
NOTIFICATION_EMAIL_ALARM_AFTER = timedelta(minutes=5)
# One sweep stops claiming after this many seconds (the next carries on), well before
# CELERY_TASK_TIME_LIMIT, leaving room for the send in hand.
NOTIFICATION_EMAIL_SWEEP_BUDGET = 180

# --- Sessions: 30 minutes idle, 12 hours in all (agencies.middleware enforces both).
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
# A page view writes the session only when something in it changed: the idle clock
# moves at most once a minute (agencies.middleware), so reads do not write.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"

# --- API tokens: the same limits as sessions.
API_TOKEN_IDLE_TIMEOUT = SESSION_IDLE_TIMEOUT
API_TOKEN_ABSOLUTE_TIMEOUT = SESSION_ABSOLUTE_TIMEOUT

# --- Security headers.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preload only announces readiness; submitting the domain stays a deployment decision.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy (common.middleware): every feature here is denied to every origin.
# Only features that current browsers recognise: an unknown one (interest-cohort,
# document-domain, ambient-light-sensor) makes Chromium log an error on every page.
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "sync-xhr",
    "usb",
    "web-share",
    "xr-spatial-tracking",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Sign-in lockout: 5 failures for one username within 15 minutes lock it for 30.
AXES_HANDLER = "agencies.lockout.WindowedLockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_FAILURE_WINDOW = timedelta(minutes=15)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# The rule is per username, from anywhere: rotating addresses must not buy more guesses.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 100
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "agencies.lockout.locked_out_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# --- MFA
OTP_TOTP_ISSUER = "Tideline"
OTP_TOTP_THROTTLE_FACTOR = 0  # lockout is axes' job: one mechanism, one set of numbers

# --- django-guardian: grants are per agency group, never to the anonymous user.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- REST framework and the API conventions (common/api/).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agencies.authentication.BearerTokenAuthentication",
        "agencies.authentication.SignedInSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["agencies.access.PolicyPermission"],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "common.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tideline API",
    "DESCRIPTION": (
        "Case management for the multi-agency response to online child sexual abuse. "
        "Authenticate with POST /api/v1/auth/token/ and send `Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Each domain vocabulary is one named enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "agencies.models.Role",
        "PartyRoleEnum": "cases.models.PartyRole",
        "ContactChannelEnum": "cases.models.ContactChannel",
        "CaseSourceEnum": "cases.models.CaseSource",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "OffenceTypeEnum": "cases.models.OffenceType",
        "OutcomeCodeEnum": "cases.models.OutcomeCode",
        "CompartmentEnum": "agencies.models.Compartment",
        "SharedLevelEnum": "safeguarding.models.SharedLevel",
        "FlagKindEnum": "safeguarding.models.FlagKind",
        "AgencyKindEnum": "agencies.models.AgencyKind",
        "ReferralStateEnum": "referrals.models.ReferralState",
        "ConsentStatusEnum": "referrals.models.ConsentStatus",
        "CompletionOutcomeEnum": "referrals.models.CompletionOutcome",
        "ReferralPurposeEnum": "referrals.models.ReferralPurpose",
        "ThresholdDecisionKindEnum": "referrals.models.ThresholdDecisionKind",
        "ConcernKindEnum": "referrals.models.ConcernKind",
        "ConcernStateEnum": "referrals.models.ConcernState",
        "ThreadSideEnum": "referrals.models.ThreadSide",
        "EventKindEnum": "cases.models.EventKind",
        "DutyKindEnum": "welfare.models.DutyKind",
        "DutyStatusEnum": "welfare.models.DutyStatus",
        "IncidentKindEnum": "welfare.models.IncidentKind",
        "IncidentStageEnum": "welfare.models.IncidentStage",
        "ScreeningAnswerEnum": "welfare.models.Answer",
        "ScreeningResultEnum": "welfare.models.ScreeningResult",
        "ReviewKindEnum": "welfare.models.ReviewKind",
        "ExposureBreachEnum": "welfare.models.ExposureBreach",
        "WelfareMeetingKindEnum": "welfare.models.WelfareMeetingKind",
        "ChronologyKindEnum": "records.selectors.chronology.ChronologyKind",
        "RetentionDecisionEnum": "records.models.ReviewDecision",
        "LegalHoldKindEnum": "records.models.LegalHoldKind",
        "SubjectAccessItemDecisionEnum": "subject_access.models.ItemDecision",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Celery: eager without a broker (the demo and tests), Redis in production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# With Redis, a task a worker took but never acknowledged (acks_late: it was killed)
# goes back to the queue only after the visibility timeout: kombu's default is an
# hour. It must be longer than the longest task may run (CELERY_TASK_TIME_LIMIT,
# 300 s), or a task still running would be handed to a second worker. Nothing is
# lost while it waits: every email is in the outbox and the sweep sends it within
# minutes; 15 minutes bounds how late any other task can be after a crash.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
CELERY_TIMEZONE = TIME_ZONE


def _every(period: timedelta, task: str, **options: object) -> dict[str, object]:
    """A beat entry: `task` every `period`, with Celery's send options if any."""
    return {"task": task, "schedule": period, **({"options": options} if options else {})}


CELERY_BEAT_SCHEDULE = {
    # The outbox: every minute, send each notification email that is due and unsent.
    # A sweep not started within 50 s is dropped: the next one does the same work.
    "notification-emails-sweep": _every(
        timedelta(minutes=1), "common.tasks.notification_emails_sweep", expires=50
    ),
    # Every 15 minutes, so that the two-hour "due soon" warning is never missed.
    "safeguarding-deadlines-sweep": _every(
        timedelta(minutes=15), "safeguarding.tasks.deadlines_sweep"
    ),
    "referrals-deadlines-sweep": _every(timedelta(minutes=15), "referrals.tasks.deadlines_sweep"),
    # Urgent concerns count clock hours: escalated at most five minutes late.
    "referrals-concern-escalations-sweep": _every(
        timedelta(minutes=5), "referrals.tasks.concern_escalations_sweep"
    ),
    "welfare-duties-sweep": _every(timedelta(minutes=15), "welfare.tasks.duties_sweep"),
    # Grants made by an accepted referral end 20 working days after its completion.
    "cases-grants-expiry-sweep": _every(timedelta(minutes=15), "cases.tasks.grants_expiry_sweep"),
    # A contact's next contact date and a task's due date, reminded on London's day.
    "cases-reminders-sweep": _every(timedelta(minutes=15), "cases.tasks.reminders_sweep"),
    "purge-expired-credentials": _every(
        timedelta(hours=1), "agencies.tasks.expired_credentials_purge"
    ),
    # Chain the access-log entries written since (ADR 0012). A seal not started within
    # 5 s is dropped: the next one seals the same entries.
    "access-log-seal": _every(timedelta(seconds=5), "agencies.tasks.access_log_seal", expires=5),
    # Stored document files that no row names (an outer transaction rolled back).
    "stored-files-orphans-sweep": _every(
        timedelta(hours=1), "cases.tasks.stored_files_orphans_sweep"
    ),
    # Intake: the preservation requests owed to service providers (5 working days from
    # receipt), told when due within a working day and when overdue.
    "intake-preservation-sweep": _every(
        timedelta(minutes=15), "intake.tasks_preservation.preservation_sweep"
    ),
    # A package's raw file, once every report in it has been decided.
    "intake-packages-raw-dispose-sweep": _every(
        timedelta(hours=1), "intake.tasks.packages_raw_dispose_sweep"
    ),
    # Subject access: a request's response due within five working days, or overdue.
    "subject-access-deadlines-sweep": _every(
        timedelta(minutes=15), "subject_access.tasks.deadlines_sweep"
    ),
}
# Task modules not named `tasks`, which autodiscovery does not find.
CELERY_IMPORTS = ("intake.tasks_preservation",)

# --- Intake: the largest referral package accepted (a 10,000-report package is
# about 10 MB; NCA bulk packages can be far larger).
INTAKE_PACKAGE_MAX_BYTES = env.int("INTAKE_PACKAGE_MAX_BYTES", default=200 * 1024 * 1024)
# API endpoints that stream a raw body to a file and refuse one over their own limit
# (413) themselves, so the API's body limit (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves them be.
API_STREAMED_UPLOAD_PATHS = ("/api/v1/intake/packages/",)

# --- Working days: a working day ends at this local hour; later events count from the next.
WORKING_DAY_ENDS_AT_HOUR = 17

# --- Duties of care. Settings, because the Victims' Code and local practice change.
# Victims' Code Right 6: an update on each key event within this many working days.
VICTIM_UPDATE_WORKING_DAYS = {
    "enhanced": env.int("VICTIM_UPDATE_WORKING_DAYS_ENHANCED", default=1),
    "standard": env.int("VICTIM_UPDATE_WORKING_DAYS_STANDARD", default=5),
}
# Victims' Code Right 4: referral to support within 2 working days of the crime being recorded.
VICTIM_SUPPORT_REFERRAL_WORKING_DAYS = 2
# The Victims' Right to Review (docs/adr/0017 cites each): tell the victim of a decision
# not to charge and of their right to a review (Victims' Code Right 6: 1 working day
# enhanced, 5 standard); the window to ask (police scheme, NPCC 2015: 3 months from being
# told; CPS scheme: 10 working days ideally, 3 months at most); the target to complete a
# review and tell the victim (30 working days under both); the result told within the
# same days as the right, and never later than that target while it is ahead.
VICTIMS_RIGHT_TO_REVIEW = {
    "tell_working_days": {"enhanced": 1, "standard": 5},
    "police_window_months": 3,
    "cps_ideal_working_days": 10,
    "cps_window_months": 3,
    "review_working_days": 30,
}
# Suspects' families: the pack at arrest or search, then an offer of support.
FAMILY_PACK_WORKING_DAYS = 1
FAMILY_SUPPORT_OFFER_WORKING_DAYS = 5
# Children in a suspect's household: a referral to the hub within 1 working day.
CHILDREN_SAFEGUARDING_REFERRAL_WORKING_DAYS = 1
# Suspect welfare: the check after release of a suspect at risk is a clock deadline.
WELFARE_CHECK_HOURS = 48
WELFARE_CONTACT_WORKING_DAYS = env.int("WELFARE_CONTACT_WORKING_DAYS", default=20)
# Pre-charge bail: warn this many working days before it ends.
BAIL_WARNING_WORKING_DAYS = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it belongs to, as its X-Request-ID header does.
    "filters": {"request_id": {"()": "common.request_context.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s [request %(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
