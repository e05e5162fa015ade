"""Settings shared by every environment.

Everything is defined here and read from the environment once; dev.py, test.py and prod.py only
change defaults or refuse to start without what production needs. `.env.example` lists every
variable with its default.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from common import monitoring, unsubscribe_mailbox

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's .env is read if present; real environments set variables directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- General -----------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site refuses to start without one: "
            "set SECRET_KEY in the environment (for example "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`).'
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("SITE_NAME", default="Run Toward Balance")
# The public origin, without a trailing slash: every absolute link (pages, feeds, emails) and
# every per-site key is built from it, never from the request's Host (SiteHostMiddleware).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The site's own host is always one it answers to.
if urlsplit(SITE_URL).hostname not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(urlsplit(SITE_URL).hostname)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
# The site is written in English and has no translations of its own. Django's docs advise
# turning the machinery off when it is unused: every URL reversed, lazy label and date format
# then skips looking up the active language (it halved the cost of a reversed URL).
USE_I18N = False
USE_TZ = True

ROOT_URLCONF = "runsite.urls"
# Where the editors' workspace lives; a less guessable path cuts login-form noise.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
WSGI_APPLICATION = "runsite.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Database ----------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Parameters bound by the server, so that psycopg prepares a query a connection has run five
    # times and PostgreSQL stops planning it anew: planning was most of PostgreSQL's time for
    # a page (the home page's 4 ms of it fell to 2 ms, the article's 6.7 ms to 3.5 ms). Off
    # (false) behind a pooler that cannot keep prepared statements, such as PgBouncer before
    # 1.21 in transaction mode.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True

# --- Apps --------------------------------------------------------------------------------------

DJANGO_APPS = [
    "runsite.apps.SiteAdminConfig",  # django.contrib.admin with a rate-limited sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "csp",
    "anymail",
]
# Social sign-in is off until providers are named, e.g. SOCIAL_PROVIDERS=google,github, with
# each provider's client id and secret in SOCIAL_<PROVIDER>_CLIENT_ID / _SECRET.
SOCIAL_PROVIDERS = env.list("SOCIAL_PROVIDERS", default=[])
THIRD_PARTY_APPS += [f"allauth.socialaccount.providers.{name}" for name in SOCIAL_PROVIDERS]
LOCAL_APPS = [
    "runsite",
    "articles",
    "community",
    "newsletter",
    "start",
    "common",  # the shared library every app above may use (README, Layout)
]
# Last, as it asks: once a transaction commits, it deletes the files of deleted rows and the
# files that a save replaced (originals, renditions, avatars, share photos), and none if the
# transaction rolls back.
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS + ["django_cleanup.apps.CleanupConfig"]

MIDDLEWARE = [
    # First, so every response (redirects, static files, errors) gets an id and a log line, and
    # the duration logged covers the whole stack.
    "common.middleware.RequestIdMiddleware",
    # Every header-setting middleware stands before the request checks below, so that a 400
    # for a bad Host or query carries the same security headers as every other response.
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the settings' policy built once (common/middleware.py).
    "common.middleware.CSPMiddleware",
    # A Host that ALLOWED_HOSTS refuses: 400 and one WARNING line; an allowed one is pinned to
    # SITE_URL's, so nothing below builds a link or a key from what the request named.
    "common.middleware.SiteHostMiddleware",
    # Query strings and paths with NUL bytes, invalid UTF-8, over-long or repeated parameters.
    "common.middleware.RequestInputMiddleware",
    # Right after SecurityMiddleware, so static files skip the rest of the stack.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETags on every page, and 304 Not Modified when the browser's copy is current.
    "django.middleware.http.ConditionalGetMiddleware",
    # Pages from the page cache for readers who are not signed in, before everything below
    # (sessions, CSRF, auth, messages, the URL resolver) that has nothing to do for them.
    "common.pagecache.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# --- Auth --------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "profile"

# The editor account that `manage.py ensure_editor` (run by `make run`) creates or updates.
EDITOR_USERNAME = env.str("EDITOR_USERNAME", default="editor")
EDITOR_EMAIL = env.str("EDITOR_EMAIL", default="editor@example.com")
EDITOR_PASSWORD = env.str("EDITOR_PASSWORD", default="")

# --- Static and media --------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads (article images and their renditions, avatars, share photos) live on the filesystem
# under MEDIA_ROOT (with several nodes, a volume they all mount) or in an S3-compatible bucket
# (AWS, MinIO, R2…). Site code reaches them only through the storage API, so either works.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
# Origins other than the site's own that serve media: the CSP lets pages load images from them.
MEDIA_ORIGINS: list[str] = []
_media_storage: dict[str, Any]
if MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _bucket = env.str("MEDIA_S3_BUCKET", default="")
    if not _bucket:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE is s3 but MEDIA_S3_BUCKET is not set: name the bucket that holds "
            "uploaded images, avatars and share photos (and MEDIA_S3_ENDPOINT_URL unless it is "
            "on AWS)."
        )
    _media_options = {
        "bucket_name": _bucket,
        "location": env.str("MEDIA_S3_LOCATION", default="").strip("/"),
        # Media is public: plain URLs that pages and a CDN can keep, not signed ones that expire
        # inside cached pages and emails.
        "querystring_auth": env.bool("MEDIA_S3_QUERYSTRING_AUTH", default=False),
        # A name once stored is never replaced: pages, cached fragments and backups point at it.
        "file_overwrite": False,
        # Reading is allowed by the bucket policy or the CDN; buckets that enforce object
        # ownership refuse per-object ACLs.
        "default_acl": None,
        # Larger downloads (renditions, backups) spill to a temporary file, not memory.
        "max_memory_size": 2_621_440,
    }
    _endpoint = env.str("MEDIA_S3_ENDPOINT_URL", default="")
    if _endpoint:
        _media_options["endpoint_url"] = _endpoint
    if _region := env.str("MEDIA_S3_REGION", default=""):
        _media_options["region_name"] = _region
    # Without keys, boto3 finds credentials itself (environment, profile, instance role).
    _access_key = env.str("MEDIA_S3_ACCESS_KEY_ID", default="")
    _secret_key = env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="")
    if bool(_access_key) != bool(_secret_key):
        raise ImproperlyConfigured(
            "Set both MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY, or neither (boto3's "
            "own credential chain is used then)."
        )
    if _access_key:
        _media_options["access_key"], _media_options["secret_key"] = _access_key, _secret_key
    # A CDN or public bucket domain, e.g. media.example.com or https://cdn.example.com/media.
    _custom_domain = env.str("MEDIA_S3_CUSTOM_DOMAIN", default="").rstrip("/")
    if _custom_domain:
        _public = urlsplit(
            _custom_domain if "://" in _custom_domain else f"https://{_custom_domain}"
        )
        _media_options["custom_domain"] = _public.netloc + _public.path
        _media_options["url_protocol"] = f"{_public.scheme}:"
        _prefix = f"{_media_options['location']}/" if _media_options["location"] else ""
        MEDIA_URL = f"{_public.scheme}://{_public.netloc}{_public.path}/{_prefix}"
        MEDIA_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]
    elif _endpoint:
        # Path-style (endpoint/bucket/key) or virtual-hosted (bucket.endpoint/key) addressing.
        _public = urlsplit(_endpoint)
        MEDIA_ORIGINS = [
            f"{_public.scheme}://{_public.netloc}",
            f"{_public.scheme}://{_bucket}.{_public.netloc}",
        ]
    else:
        MEDIA_ORIGINS = [f"https://{_bucket}.s3.amazonaws.com"]
        if _region:
            MEDIA_ORIGINS.append(f"https://{_bucket}.s3.{_region}.amazonaws.com")
    _media_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _media_options}
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded images: anything larger is refused with a clear message before it is decoded.
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
# Widths, in CSS pixels, of the renditions made for every uploaded image.
IMAGE_RENDITION_WIDTHS = [400, 800, 1200, 1600]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Templates ---------------------------------------------------------------------------------

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
                "runsite.context_processors.site",
                "runsite.context_processors.cookie_consent",
            ],
        },
    },
    # Jinja2 for the few templates that loop over hundreds of items (a comment thread): 200
    # comments took Django's engine 20 ms and take Jinja2 under 2 ms (README, Profiling). Only
    # asked for by name (`using="jinja2"`); every other template is Django's.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,  # <app>/jinja2/
        "OPTIONS": {"environment": "common.jinja2.environment"},
    },
]

# --- Cache -------------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis writes the keys (rtb:1:<key>) and values (integers as themselves, the rest
    # pickled) as Django's own Redis backend did, so what that one cached stays readable.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rtb",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Pages for readers who are not signed in are kept this long at most (common/pagecache.py;
# any change they show renders them afresh sooner); 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Each web process also keeps the pages it served last, by versioned key, up to this size.
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=32 * 1024 * 1024)
# How long a shared cache (the proxy's micro-cache, a CDN) may keep such a page: s-maxage.
PAGE_CACHE_SHARED_SECONDS = env.int("PAGE_CACHE_SHARED_SECONDS", default=5)

# --- Email -------------------------------------------------------------------------------------

# EMAIL_URL such as smtp+tls://user:password@smtp.example.com:587 sets backend, host and login.
_email_config = env.email_url("EMAIL_URL", default="consolemail://")
# Django's SMTP backend, signing each message when the three DKIM settings below are set.
if _email_config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _email_config["EMAIL_BACKEND"] = "common.mail_backends.SigningEmailBackend"
vars().update(_email_config)
# Seconds any one SMTP operation may wait (connect, a command, the message data), so no session
# hangs forever. Well under NEWSLETTER_STUCK_SECONDS, after which a silent sender is given up on.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <hello@example.com>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default="") or DEFAULT_FROM_EMAIL
# DKIM for mail we send over SMTP ourselves (an ESP signs its own). DKIM_PRIVATE_KEY is the PEM
# text (newlines may be written as \n) or the path of a file holding it; the README's "Email
# authentication" says how to make the key and which DNS records to publish.
DKIM_DOMAIN = env.str("DKIM_DOMAIN", default="")
DKIM_SELECTOR = env.str("DKIM_SELECTOR", default="")
DKIM_PRIVATE_KEY = env.str("DKIM_PRIVATE_KEY", default="")
if any((DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY)) and not all(
    (DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY)
):
    raise ImproperlyConfigured(
        "Set all three of DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY, or none of them."
    )

# Sending through a provider's API instead of SMTP (django-anymail): EMAIL_PROVIDER names it,
# EMAIL_URL is then unused, and the provider signs with its own DKIM key. Its tracking webhook
# (bounces, complaints) is mounted at /mail/webhooks/<provider>/tracking/ (runsite/webhooks.py,
# README "Sending through a provider"); with no provider there are no webhook URLs at all.
EMAIL_PROVIDERS = {
    "amazon_ses": "anymail.backends.amazon_ses.EmailBackend",
    "brevo": "anymail.backends.brevo.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
}
EMAIL_PROVIDER = env.str("EMAIL_PROVIDER", default="").strip().lower()
ANYMAIL: dict = {}
if EMAIL_PROVIDER:
    if EMAIL_PROVIDER not in EMAIL_PROVIDERS:
        raise ImproperlyConfigured(
            f"EMAIL_PROVIDER must be empty (SMTP through EMAIL_URL) or one of "
            f"{', '.join(sorted(EMAIL_PROVIDERS))}, not {EMAIL_PROVIDER!r}."
        )

    def _provider_secret(name: str, what: str) -> str:
        value = env.str(name, default="")
        if not value:
            raise ImproperlyConfigured(
                f"EMAIL_PROVIDER is {EMAIL_PROVIDER} but {name} is not set: {what}."
            )
        return value

    EMAIL_BACKEND = EMAIL_PROVIDERS[EMAIL_PROVIDER]
    # "user:password" that the provider sends as HTTP basic auth with every webhook post: the
    # only check Postmark and Brevo offer, and Amazon SNS's proof that a topic is ours.
    _webhook_secret = env.str("ANYMAIL_WEBHOOK_SECRET", default="")
    # Mailgun and SendGrid sign their event posts; the secret may guard them as well.
    if EMAIL_PROVIDER in {"amazon_ses", "brevo", "postmark"} or _webhook_secret:
        _webhook_secret = _provider_secret(
            "ANYMAIL_WEBHOOK_SECRET",
            "the user:password the provider's webhooks send as basic auth (make it long and "
            "random, and put it in the webhook URL you give the provider)",
        )
        if ":" not in _webhook_secret:
            raise ImproperlyConfigured(
                "ANYMAIL_WEBHOOK_SECRET must be user:password, e.g. anymail:<a long random string>."
            )
        ANYMAIL["WEBHOOK_SECRET"] = _webhook_secret
    if EMAIL_PROVIDER == "amazon_ses":
        _ses_params = {
            "region_name": _provider_secret(
                "AMAZON_SES_REGION", "the AWS region SES sends from, e.g. eu-west-1"
            )
        }
        # Both or neither; neither: boto3's own chain (AWS_* variables, profile, instance role).
        _ses_key = env.str("AMAZON_SES_ACCESS_KEY_ID", default="")
        _ses_secret = env.str("AMAZON_SES_SECRET_ACCESS_KEY", default="")
        if bool(_ses_key) != bool(_ses_secret):
            raise ImproperlyConfigured(
                "Set both AMAZON_SES_ACCESS_KEY_ID and AMAZON_SES_SECRET_ACCESS_KEY, or neither "
                "(boto3's own credential chain is used then)."
            )
        if _ses_key:
            _ses_params.update(aws_access_key_id=_ses_key, aws_secret_access_key=_ses_secret)
        ANYMAIL["AMAZON_SES_CLIENT_PARAMS"] = _ses_params
        if _configuration_set := env.str("AMAZON_SES_CONFIGURATION_SET", default=""):
            ANYMAIL["AMAZON_SES_CONFIGURATION_SET_NAME"] = _configuration_set
    elif EMAIL_PROVIDER == "brevo":
        ANYMAIL["BREVO_API_KEY"] = _provider_secret("BREVO_API_KEY", "the Brevo API v3 key")
    elif EMAIL_PROVIDER == "mailgun":
        ANYMAIL["MAILGUN_API_KEY"] = _provider_secret("MAILGUN_API_KEY", "the Mailgun API key")
        ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"] = _provider_secret(
            "MAILGUN_WEBHOOK_SIGNING_KEY",
            "the HTTP webhook signing key from Mailgun's Webhooks page, which signs every event",
        )
        if _mailgun_domain := env.str("MAILGUN_SENDER_DOMAIN", default=""):
            ANYMAIL["MAILGUN_SENDER_DOMAIN"] = _mailgun_domain
        # https://api.eu.mailgun.net/v3 for a domain in Mailgun's EU region.
        if _mailgun_api := env.str("MAILGUN_API_URL", default=""):
            ANYMAIL["MAILGUN_API_URL"] = _mailgun_api
    elif EMAIL_PROVIDER == "postmark":
        ANYMAIL["POSTMARK_SERVER_TOKEN"] = _provider_secret(
            "POSTMARK_SERVER_TOKEN", "the Postmark server's API token"
        )
    elif EMAIL_PROVIDER == "sendgrid":
        ANYMAIL["SENDGRID_API_KEY"] = _provider_secret("SENDGRID_API_KEY", "the SendGrid API key")
        ANYMAIL["SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY"] = _provider_secret(
            "SENDGRID_WEBHOOK_VERIFICATION_KEY",
            "the public key SendGrid shows once Signed Event Webhook is on (base64, no PEM "
            "header), which every event post is signed with",
        )
# Provider events (bounces, complaints…) are kept this many days for the admin, then pruned.
PROVIDER_EVENT_DAYS = env.int("PROVIDER_EVENT_DAYS", default=90)

# --- Celery ------------------------------------------------------------------------------------

# With no REDIS_URL, a filesystem broker under var/ lets a real worker process consume tasks
# without any server running; eager mode is for unit tests only.
CELERY_BROKER_URL = (
    env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://localhost/"
)
CELERY_BROKER_FOLDER = Path(
    env.str("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "celery" / "queue"))
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "control_folder": str(CELERY_BROKER_FOLDER.parent / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Where beat remembers when each entry last ran; its folder is created when beat starts.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celery" / "beat-schedule")
)
CELERY_BEAT_SCHEDULER = "common.beat:Scheduler"
# Beat schedules: one place, each with the reason it runs when it does (and the unsubscribe
# mailbox's, under Newsletter below, when an IMAP mailbox is named).
CELERY_BEAT_SCHEDULE = {
    # Daily, mid-morning: members who asked get one reminder a month (the service records the
    # month), so a missed beat or a member who opts in mid-month is caught the next day.
    "goal-reminders": {
        "task": "community.tasks.send_goal_reminders",
        "schedule": crontab(hour=9, minute=30),
    },
    # Every minute: scheduled issues start within a minute of their time. Polling the database
    # (not countdown tasks) because Redis redelivers tasks delayed past its visibility timeout.
    "newsletter-due-issues": {"task": "newsletter.tasks.send_due_issues", "schedule": 60.0},
    # Every 15 seconds: requeue deliveries whose lease expired (a killed worker's), restart
    # sends that nobody works on (the batch chain broke in a broker outage) and report sends
    # that stand still. Often, because a send must resume within a minute; the query is cheap.
    "newsletter-resume-stalled": {
        "task": "newsletter.tasks.resume_stalled_sends",
        "schedule": 15.0,
    },
    # Daily, morning: a series step falls due on the weekday a subscriber joined; one step per
    # run, so after an outage a backlog arrives a day apart, never all at once.
    "newsletter-series": {
        "task": "newsletter.tasks.send_series_steps",
        "schedule": crontab(hour=8, minute=15),
    },
    # Daily, at night: provider events older than PROVIDER_EVENT_DAYS go (a suppression keeps
    # its own reason); one DELETE on an indexed date, when no send is likely to be running.
    "newsletter-prune-provider-events": {
        "task": "newsletter.tasks.prune_provider_events",
        "schedule": crontab(hour=3, minute=40),
    },
}
# Emails have their own queue so a 100,000-recipient send never delays other work.
CELERY_TASK_ROUTES = {"newsletter.tasks.*": {"queue": "emails"}}
CELERY_TASK_DEFAULT_QUEUE = "celery"

# --- allauth -----------------------------------------------------------------------------------

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Sign-up and reset answer the same whether or not an address has an account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Account mail subjects start "[SITE_NAME] " (community.adapters reads SITE_NAME when it sends).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# allauth's own rate limits (login, sign-up, reset, confirmation mails) stay at their defaults
# but for failed sign-ins, named here so the lockout page can say how long it lasts; they count
# in the cache, so production needs Redis shared by every web process.
LOGIN_LOCKOUT_SECONDS = 300
ACCOUNT_RATE_LIMITS = {"login_failed": f"10/m/ip,5/{LOGIN_LOCKOUT_SECONDS}s/key"}
SOCIALACCOUNT_PROVIDERS = {
    name: {
        "APPS": [
            {
                "client_id": env.str(f"SOCIAL_{name.upper()}_CLIENT_ID", default=""),
                "secret": env.str(f"SOCIAL_{name.upper()}_SECRET", default=""),
            }
        ]
    }
    for name in SOCIAL_PROVIDERS
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# How many reverse proxies stand in front of the site and append to X-Forwarded-For. Every
# limit keyed on the client (ours and allauth's, through community.adapters) reads the client's
# address with common.ratelimit.client_ip, which skips exactly these hops.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# allauth builds links, names and its login-lockout key from the request; the middleware pins
# the request's host to SITE_URL's (common.middleware.SiteHostMiddleware), and the adapter
# keys limits on the client as above.
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "community.forms.accounts.SignupForm",
    "login": "community.forms.accounts.LoginForm",
}
# Pages and mail name a member by display name; the username is internal and never shown.
ACCOUNT_USER_DISPLAY = "community.services.profiles.display_name"
# A changed password or address, or a reset, is told to the member by mail (to the old
# address for a change), so someone who took over an account cannot do it unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True

# --- Community ---------------------------------------------------------------------------------

# Minutes a member may edit their own comment after posting it.
COMMENT_EDIT_MINUTES = 15
# Write limits: (how many, in how many seconds) per member.
RATE_LIMITS = {
    "comment": (5, 600),
    "share": (5, 3600),
    "cheer": (60, 600),
    "report": (10, 3600),
    "post": (5, 3600),
    "suggestion": (5, 3600),
    "goal": (20, 3600),
    # Newsletter sign-ups: per address, and per client network (/24 or /64) against list-bombing.
    "subscribe": (3, 3600),
    "subscribe-network": (20, 3600),
    "csp-report": (100, 3600),
    # The editors' sign-in: per client network, and failures per account (as allauth's
    # five failures in five minutes for members).
    "admin-login": (10, 600),
    "admin-login-failures": (5, 300),
}

# --- Newsletter --------------------------------------------------------------------------------

NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
# Batch chains started per send; each claims its own rows, so more workers send faster.
NEWSLETTER_SENDERS = env.int("NEWSLETTER_SENDERS", default=2)
# A claim is a lease of this many seconds that a live sender renews every sixth of it; a
# killed worker's rows are free again within it, and beat or a starting worker resumes them.
NEWSLETTER_LEASE_SECONDS = env.int("NEWSLETTER_LEASE_SECONDS", default=30)
# A sender whose loop has not moved for this long (hung, not slow: every SMTP operation has
# EMAIL_TIMEOUT) stops renewing its lease, so its rows go back to the queue.
NEWSLETTER_STUCK_SECONDS = env.int("NEWSLETTER_STUCK_SECONDS", default=300)
# A send with work due but no delivery moved on for this long logs one ERROR (Sentry, when
# configured) and shows as stalled in the admin.
NEWSLETTER_STALLED_SECONDS = env.int("NEWSLETTER_STALLED_SECONDS", default=300)
# Temporary failures wait base × 4^(attempt − 1) seconds, at most the cap, with equal jitter.
NEWSLETTER_RETRY_BASE_SECONDS = env.int("NEWSLETTER_RETRY_BASE_SECONDS", default=60)
NEWSLETTER_RETRY_CAP_SECONDS = env.int("NEWSLETTER_RETRY_CAP_SECONDS", default=3600)
# The address List-Unsubscribe's mailto names. It is advertised only while something reads it
# and acts on what arrives (README, "Unsubscribe by mail"): a promise nobody keeps is worse.
NEWSLETTER_UNSUBSCRIBE_MAILBOX = env.str("NEWSLETTER_UNSUBSCRIBE_MAILBOX", default="")
# One reader: the mailbox over IMAP, e.g. imaps://user:password@imap.example.com:993/INBOX
# (imap:// insists on STARTTLS; imap+plain:// is for a server on a loopback address only).
NEWSLETTER_UNSUBSCRIBE_IMAP_URL = env.str("NEWSLETTER_UNSUBSCRIBE_IMAP_URL", default="")
if NEWSLETTER_UNSUBSCRIBE_IMAP_URL:
    try:
        unsubscribe_mailbox.parse_imap_url(NEWSLETTER_UNSUBSCRIBE_IMAP_URL)
    except ValueError as error:
        raise ImproperlyConfigured(f"NEWSLETTER_UNSUBSCRIBE_IMAP_URL: {error}.") from None
    # Every five minutes: a mailed unsubscribe takes effect within minutes, well inside the
    # hour. A poll that waited longer than that for a worker is dropped; the next one is due.
    CELERY_BEAT_SCHEDULE["unsubscribe-mailbox"] = {
        "task": "runsite.tasks.read_unsubscribe_mailbox",  # common.tasks, named as before its move
        "schedule": 300.0,
        "options": {"expires": 300},
    }
# The other: the provider's inbound webhook delivers that mailbox's mail to the site
# (anymail's inbound signal, common/unsubscribe_mailbox.py).
NEWSLETTER_UNSUBSCRIBE_INBOUND = env.bool("NEWSLETTER_UNSUBSCRIBE_INBOUND", default=False)
if (
    NEWSLETTER_UNSUBSCRIBE_INBOUND
    and EMAIL_PROVIDER == "sendgrid"
    and "WEBHOOK_SECRET" not in ANYMAIL
):
    # SendGrid signs its event posts but not its inbound parse posts.
    raise ImproperlyConfigured(
        "NEWSLETTER_UNSUBSCRIBE_INBOUND with SendGrid needs ANYMAIL_WEBHOOK_SECRET: its inbound "
        "posts carry no signature of their own."
    )
UNSUBSCRIBE_MAILBOX_READ = bool(NEWSLETTER_UNSUBSCRIBE_MAILBOX) and bool(
    NEWSLETTER_UNSUBSCRIBE_IMAP_URL or NEWSLETTER_UNSUBSCRIBE_INBOUND
)
# Forms filled faster than this (in seconds) are taken for bots.
FORM_MIN_SECONDS = env.int("FORM_MIN_SECONDS", default=3)

# --- Security ----------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie (tokens travel in forms), so scripts may not either.
CSRF_COOKIE_HTTPONLY = True
# No inline script or style anywhere, the admin included; JSON-LD is a data block, not a script
# that runs, so it needs no exception. Django's admin (5.x) has no inline code, and ours keeps
# its few styles in static/css/admin.css (tests/security/test_csp.py checks every admin page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "report-uri": ["/csp-report/"],
    },
}
# Browser features no page of ours uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
CSRF_FAILURE_VIEW = "runsite.views.csrf_failure"

# --- Logging -----------------------------------------------------------------------------------

# json: one JSON object a line, for a log collector (the default in production, prod.py);
# plain: for reading in a terminal. Every line carries the request id, also in Celery tasks.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "common.requestid.RequestIdFilter",
            "default": None if LOG_FORMAT == "json" else "-",
        }
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "request_id"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runsite.request logs every request: Django's request and runserver lines would repeat it
        # (tracebacks of 5xx responses still come through django.request).
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

# --- Operations --------------------------------------------------------------------------------

# Errors are reported to Sentry only when SENTRY_DSN is set, never with personal data
# (common/monitoring.py); web processes and workers both read these settings.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
monitoring.init_sentry(
    dsn=SENTRY_DSN,
    environment=env.str("SENTRY_ENVIRONMENT", default=""),
    release=env.str("SENTRY_RELEASE", default=""),
    traces_sample_rate=monitoring.sample_rate(env.str("SENTRY_TRACES_SAMPLE_RATE", default="0")),
)
