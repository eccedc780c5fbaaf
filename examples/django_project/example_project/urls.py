from django.urls import include, path

from example_project import views

urlpatterns = [
    path("", views.index),
    path("send/", views.send),
    # Webhooks: /postmark/events (every outbound event type) and /postmark/inbound.
    path("postmark/", include("postmark.django.urls")),
]
