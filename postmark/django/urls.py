"""URLs for Postmark's webhooks: one for every outbound event type, one for inbound.

    # urls.py
    path("postmark/", include("postmark.django.urls")),

then give Postmark ``https://user:password@example.com/postmark/events``
(Webhooks, every trigger) and ``https://user:password@example.com/postmark/inbound``
(the server's inbound webhook). A trailing slash is optional: Postmark
would turn the redirect Django answers for a missing slash into a GET.
"""

from __future__ import annotations

from django.urls import re_path

from postmark.django.views import EventWebhookView, InboundWebhookView

app_name = "postmark"

urlpatterns = [
    re_path(r"^events/?$", EventWebhookView.as_view(), name="events"),
    re_path(r"^inbound/?$", InboundWebhookView.as_view(), name="inbound"),
]
