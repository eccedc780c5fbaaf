"""Classic import path of the Django backend (python-postmark 0.x), kept working.

    EMAIL_BACKEND = "postmark.django_backend.EmailBackend"

The code lives in :mod:`postmark.django`; this module re-exports it.
"""

from postmark.django.backend import EmailBackend
from postmark.django.messages import PMEmailMessage, PMEmailMultiAlternatives

__all__ = ["EmailBackend", "PMEmailMessage", "PMEmailMultiAlternatives"]
