"""Django settings for tests/django (loaded by tests/django/conftest.py).

No POSTMARK_* settings here on purpose: Django stays configured for the
rest of the test session, and tests outside this folder must see the same
Postmark configuration (none) as without Django. Tests set what they need
with pytest-django's ``settings`` fixture.
"""

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
INSTALLED_APPS: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
# Loaded by conftest.py under this name (tests/ is not a package).
ROOT_URLCONF = "postmark_tests_django_urls"
# CsrfViewMiddleware is on, as in a real project, to prove the webhook views are exempt.
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
