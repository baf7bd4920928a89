"""Settings shared by every mode.

Everything that differs between the embedded default (SQLite + filesystem
broker), the services mode (PostgreSQL + Redis) and production comes from
environment variables read through the one ``environ.Env`` below; there are
no code paths per mode. See README.md "Configuration" for every variable.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
# A developer may keep variables in .env; production passes them for real.
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-local-use-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_scim",
    "mentorship",
    "profiles",
    "safety",
    "matching",
    "sessions.apps.MentoringSessionsConfig",
    "community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mentorship.request_memo.RequestMemoMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safety.middleware.SignInBackendRenamedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentorship.middleware.PrivateResponsesNotStoredMiddleware",
    "mentorship.middleware.RejectControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mentorship.middleware.StaffMFARequiredMiddleware",
    "safety.middleware.SafetyMiddleware",
    "mentorship.middleware.NotificationsSeenMiddleware",
    "mentorship.middleware.ScimBearerTokenMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"

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
                "mentorship.context_processors.site",
            ],
        },
    },
]

# Django's built-in widgets (inputs, selects and their options) render with its
# own Jinja2 widget templates: the same markup at a fraction of the cost (a
# directory page's filter selects took a third of its time). Pages, form
# layouts and other widgets (the admin's) stay Django templates.
FORM_RENDERER = "mentorship.form_renderer.FastWidgetsRenderer"

# --- Database ---------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (services, production); without it the
# embedded default is one SQLite file shared by web, worker and beat. WAL lets
# readers and one writer work at once, the busy timeout makes a writer wait
# for the lock instead of failing, and IMMEDIATE transactions take the write
# lock up front so two writers never deadlock upgrading a read lock.
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# allauth's rate limits live in the cache, so it must be a real, shared one:
# Redis when REDIS_URL is set, otherwise a file cache under var/ that web and
# worker processes share. Never DummyCache (rate limits would silently vanish).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mentorship.cache.PrefixScopedRedisCache",
            "LOCATION": env.str("REDIS_CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mentorship"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Rendered page fragments (the directory's result pages) live in each process's
# own memory, bounded (MAX_ENTRIES, culled when full): a query string is anyone's
# to vary, and a shared cache filled with their variations would crowd the
# broker's Redis. What invalidates them (a version key) is in the shared cache.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 60,
    "OPTIONS": {"MAX_ENTRIES": 300},
}

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "profiles.User"
# Django's and allauth's backends, loading the signed-in person, their profile, a
# suspension in force and their unread count in one query (safety/auth_backends.py).
AUTHENTICATION_BACKENDS = [
    "safety.auth_backends.ModelBackendOneQuery",
    "safety.auth_backends.AccountBackendOneQuery",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
SITE_ID = 1
# The address people reach the site at: every link in an email is built from it,
# and the Sites row (allauth's mails say "Hello from <site name>") is kept in
# step with it and SITE_NAME on every `migrate` (mentorship/site.py).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Mentorship")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SITE_URL.split("://", 1)[0] if "://" in SITE_URL else "https"

# safety's adapter extends profiles' one: a suspended person cannot sign in.
ACCOUNT_ADAPTER = "safety.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "profiles.adapters.user_display"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# Changing one's password keeps this session and ends every other one
# (profiles.account_sessions); so do logging out, a second-factor change and
# a suspension. allauth.usersessions keeps the person -> sessions map.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Sign in with a one-time code mailed to the address, as well as a password.
# A wrong code spends the same per-address budget as a wrong password.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_FORMS = {"confirm_login_code": "profiles.account_forms.ConfirmLoginCodeForm"}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentorship] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",  # a rate, not a password  # nosec B105
    "reset_password_from_key": "20/m/ip",  # a rate  # nosec B105
    "change_password": "5/m/user",  # a rate  # nosec B105
    "manage_email": "10/m/user",
    "request_login_code": "20/m/ip,3/m/key",
    "reauthenticate": "10/m/user",
    # API tokens (mentorship.sign_in_limits): misses per client address.
    "api_token_failed": "20/m/ip",
}

# How many reverse proxies in front of the app append to X-Forwarded-For.
# allauth's rate limits and the audit log's addresses use the client address
# that many hops from the right; 0 (default) trusts no header and uses the
# socket's address. Behind one load balancer set 1, or every client would
# share the proxy's address and one person could lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Mentorship")
# Staff must enrol a TOTP authenticator before using the site when this is on
# (production default); the local demo keeps it off so the demo logins work.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)

# LinkedIn sign-in through allauth's OpenID Connect provider, only when its
# credentials are present in the environment.
LINKEDIN_OIDC_CLIENT_ID = env.str("LINKEDIN_OIDC_CLIENT_ID", default="")
LINKEDIN_OIDC_SECRET = env.str("LINKEDIN_OIDC_SECRET", default="")
SOCIALACCOUNT_PROVIDERS: dict = {}
if LINKEDIN_OIDC_CLIENT_ID and LINKEDIN_OIDC_SECRET:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "linkedin",
                "name": "LinkedIn",
                "client_id": LINKEDIN_OIDC_CLIENT_ID,
                "secret": LINKEDIN_OIDC_SECRET,
                "settings": {
                    "server_url": "https://www.linkedin.com/oauth",
                    "token_auth_method": "client_secret_post",  # a method name  # nosec B105
                },
            }
        ]
    }
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ONLY = False

# --- Email ------------------------------------------------------------------
# Development prints mail (and so the verification link) in the terminal.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentorship <noreply@mentorship.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# --- Security defaults (production tightens through env) --------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp; docs/security.md "Headers"). Scripts
# only from our own origin: no inline script, no inline event handler, no
# eval; every asset is vendored under static/. Styles allow inline ones:
# pages set dynamic widths (progress bars, avatar sizes) in style attributes
# and htmx injects its indicator style; inline CSS cannot run script.
# form-action also covers the redirect after a form post, so LinkedIn's
# sign-in page is allowed there when LinkedIn sign-in is configured.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        # Bootstrap draws some icons (the menu toggler, select arrows) as data: SVG.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF] + (["https://www.linkedin.com"] if LINKEDIN_OIDC_CLIENT_ID else []),
    }
}
# Powerful browser features no page here uses, switched off for the page and
# anything it could embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# --- Celery -----------------------------------------------------------------
# Broker: Redis when REDIS_URL is set; otherwise kombu's filesystem transport
# under var/ so a bare machine runs a real worker and beat with no server.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task is redelivered if not acknowledged within this window. With
        # acks_late, a long task must finish inside it or it runs twice, so it
        # is set well above the longest task (a full scoring chunk takes
        # seconds; a whole run is split into chunks) yet short enough that a
        # task lost with its worker is retried within the hour.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }
else:
    for _sub in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = env.str(
        "CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'celery-results'}"
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Acknowledge after the task body ran, and put the message back if the worker
# process dies mid-task: every task here is idempotent (ids in, re-read,
# unique rows), so running one twice is harmless while losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- REST API ---------------------------------------------------------------
# docs/api.md. Tokens (Authorization: Bearer mtk_...) for scripts, the
# browser session with CSRF for the site's own pages. Every list is
# cursor-paginated; throttles count per token and per person.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mentorship.api_auth.TokenAuthentication",
        "mentorship.api_auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "mentorship.api_auth.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "mentorship.api_auth.TokenRateThrottle",
        "mentorship.api_auth.PersonRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_THROTTLE_TOKEN", default="1200/min"),
        "person": env.str("API_THROTTLE_PERSON", default="2400/min"),
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "mentorship.api_auth.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mentorship.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ?format= is a suggestion filter here, not a renderer switch (JSON only).
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship API",
    "DESCRIPTION": "The mentoring platform's REST API. See docs/api.md.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MatchRequestStatusEnum": "matching.models.MatchRequest.Status",
        "MentorshipStatusEnum": "matching.models.Mentorship.Status",
        "MatchRunStatusEnum": "matching.models.MatchRun.Status",
        "SuggestionStatusEnum": "matching.models.Suggestion.Status",
        "GoalStatusEnum": "profiles.models.Goal.Status",
        "SkillStatusEnum": "profiles.models.Skill.Status",
        "SessionStatusEnum": "sessions.models.MentoringSession.Status",
        "SessionKindEnum": "sessions.models.MentoringSession.Kind",
        "MatchRunKindEnum": "matching.models.MatchRun.Kind",
        "ReportReasonEnum": "safety.models.ReportReason",
        "ReportStatusEnum": "safety.models.Report.Status",
    },
}

# --- SCIM 2.0 ----------------------------------------------------------------
SCIM_SERVICE_PROVIDER = {
    "NETLOC": env.str("SCIM_NETLOC", default="127.0.0.1:8000"),
    "SCHEME": env.str("SCIM_SCHEME", default="https"),
    "USER_ADAPTER": "profiles.scim.ScimPerson",
    "USER_FILTER_PARSER": "profiles.scim_filters.ScimPersonFilterQuery",
    "GET_EXTRA_MODEL_EXCLUDE_KWARGS_GETTER": "profiles.scim.extra_exclude_kwargs_getter",
    "GET_IS_AUTHENTICATED_PREDICATE": "profiles.scim.is_scim_client",
    "SERVICE_PROVIDER_CONFIG_MODEL": "profiles.scim.ServiceProviderConfig",
    "BASE_LOCATION_GETTER": "profiles.scim.base_location",
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="scim"',
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "A staff-issued token of scope scim: manage.py create_token EMAIL --scope scim",
            "primary": True,
        }
    ],
}

# --- Webhooks ----------------------------------------------------------------
# Delivery targets must be public addresses; these networks are the
# exception (tests allow 127.0.0.1/32). Plain http only where allowed.
WEBHOOK_ALLOWED_PRIVATE_NETWORKS = env.list("WEBHOOK_ALLOWED_PRIVATE_NETWORKS", default=[])
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=15)

# --- Matching ---------------------------------------------------------------
# Days a scoring run's superseded suggestion rows are kept (beat: matching.tasks.prune_runs).
MATCHING_RUN_RETENTION_DAYS = env.int("MATCHING_RUN_RETENTION_DAYS", default=14)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
