"""Settings read from the environment. test.py and production.py only adjust these."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_celery_beat",
    "qms.core",
    "qms.workdays",
    "organizations",
    "adverse_events",
    "interviews",
    "committees",
    "indicators",
    "qms.notifications",
    "bulletins",
    "qms.his",
    "staff",
    "rectifications",
    "credentialing",
    "inspections",
    "case_reviews",
    "safety_info",
    "qc_centres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qms.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qms.his.middleware.HisRequestLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organizations.passwords.RequirePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qms.urls"
WSGI_APPLICATION = "qms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["qms.templatetags.reference_i18n"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qms.context_processors.navigation",
                "qms.notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed sign-ins (per user name and address).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "qms.his.lockout.lockout_response"  # JSON 429 on the API token endpoint

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
FORMAT_MODULE_PATH = ["qms.formats"]  # English dates in ISO form (issue 14)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Attachments: size limit and the types accepted (checked by content, not by name).
QMS_UPLOAD_MAX_BYTES = int(os.environ.get("QMS_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qms@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "qms.his.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Development: the browsable API without HTML forms (no dropdown lists another hospital's objects).
    # Production serves JSON only (production.py).
    "DEFAULT_PARSER_CLASSES": [
        "qms.parsers.JSONParser", "rest_framework.parsers.FormParser", "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "qms.renderers.FormlessBrowsableAPIRenderer"],
    "DEFAULT_SCHEMA_CLASS": "qms.api.AutoSchema",
    "EXCEPTION_HANDLER": "qms.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "医疗质量管理系统 API",
    "DESCRIPTION": "REST contract v1 for HIS and health-commission systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Hospitals run on intranets: Swagger UI is served from the app, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # No call to the public swagger.io validator from an intranet page.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several apps name a field "status" or "kind": give each choice set its own readable name.
    "ENUM_NAME_OVERRIDES": {
        "QcCentreKindEnum": "qc_centres.workflow.Kind",
        "SafetyInfoKindEnum": "safety_info.models.Kind",
        "CaseCategoryEnum": "case_reviews.models.Category",
        "StaffTitleEnum": "staff.models.Title",
        "InspectionKindEnum": "inspections.models.Kind",
        "RecordReviewKindEnum": "inspections.models.ReviewKind",
        "AdverseEventStatusEnum": "adverse_events.workflow.Status",
        "InterviewStatusEnum": "interviews.workflow.Status",
        "MeetingStatusEnum": "committees.workflow.MeetingStatus",
        "ActionItemStatusEnum": "committees.workflow.ActionStatus",
        "AttendanceStatusEnum": "committees.models.Attendance.Status",
        "InterviewDocumentKindEnum": "interviews.models.InterviewDocument.Kind",
        "MeetingKindEnum": "committees.models.Meeting.Kind",
        "HarmLevelEnum": "adverse_events.models.LEVELS",
    },
}

# Celery: with REDIS_URL unset, tasks run in-process (the embedded demo).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A user's save must not wait for an unreachable broker: the outbox keeps the work.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
    # Publishing to an unreachable Redis gives up within seconds; the outbox row stays pending.
    "socket_connect_timeout": 2, "socket_timeout": 5,
    # An unacknowledged task (acks_late) of a worker that vanished is delivered again after this.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The deadline pass (qms.notifications): overdue reminders repeat every N days (hour-scale: N hours);
# an overdue row escalates after N working days (rules.py may fix it per rule, e.g. Art. 52 at once).
QMS_DUE_SOON_HOURS = int(os.environ.get("QMS_DUE_SOON_HOURS", "24"))
QMS_OVERDUE_REPEAT_DAYS = int(os.environ.get("QMS_OVERDUE_REPEAT_DAYS", "7"))
QMS_OVERDUE_REPEAT_HOURS = int(os.environ.get("QMS_OVERDUE_REPEAT_HOURS", "24"))
QMS_ESCALATE_AFTER_WORKDAYS = int(os.environ.get("QMS_ESCALATE_AFTER_WORKDAYS", "5"))
QMS_OUTBOX_LEASE_SECONDS = int(os.environ.get("QMS_OUTBOX_LEASE_SECONDS", "300"))
QMS_SITE_URL = os.environ.get("QMS_SITE_URL", "")

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Deadlines within this many working days show as "due soon".
QMS_DUE_SOON_WORKDAYS = int(os.environ.get("QMS_DUE_SOON_WORKDAYS", "5"))
QMS_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("QMS_IDEMPOTENCY_TTL_HOURS", "48"))
# Sign-ins, failed sign-ins (django-axes) and the HIS request log are deleted after this many days (README).
QMS_ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("QMS_ACCESS_LOG_RETENTION_DAYS", "90"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint and fontTools narrate every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
