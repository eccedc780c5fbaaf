"""Settings for the example project: mail goes to the local Postmark sandbox.

Start the sandbox first (``python -m postmark.sandbox --port 8025``). To use
real Postmark instead, set POSTMARK_API_URL=https://api.postmarkapp.com and
POSTMARK_SERVER_TOKEN=<your server token> in the environment.
"""

import os

import django

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-a-secret")
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["example_project.apps.ExampleConfig"]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "example_project.urls"
DATABASES: dict[str, dict[str, str]] = {}  # nothing here needs a database
USE_TZ = True

# --- Sending ---------------------------------------------------------------
if django.VERSION >= (6, 1):  # Django 6.1 configures email backends with MAILERS
    MAILERS = {"default": {"BACKEND": "postmark.django_backend.EmailBackend"}}
else:
    EMAIL_BACKEND = "postmark.django_backend.EmailBackend"
DEFAULT_FROM_EMAIL = "Example <hello@example.com>"
# Any non-empty token works with the sandbox.
POSTMARK_SERVER_TOKEN = os.environ.get("POSTMARK_SERVER_TOKEN", "sandbox-token")
POSTMARK_API_URL = os.environ.get("POSTMARK_API_URL", "http://127.0.0.1:8025")
POSTMARK_MESSAGE_STREAM = "outbound"
POSTMARK_TRACK_OPENS = True

# --- Receiving webhooks ----------------------------------------------------
# Give Postmark https://postmark:change-me@your.host/postmark/events (and /inbound).
POSTMARK_WEBHOOK_BASIC_AUTH = os.environ.get("POSTMARK_WEBHOOK_BASIC_AUTH", "postmark:change-me")

# Show what the library and the webhook receivers log (test mode prints JSON here too).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "postmark": {"handlers": ["console"], "level": "INFO"},
        "example_project": {"handlers": ["console"], "level": "INFO"},
    },
}
