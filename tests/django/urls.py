"""URLconf for the webhook view tests: the package's urls, as a project includes them."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from postmark.django.views import EventWebhookView


def private(request: HttpRequest) -> HttpResponse:
    """A view without any exemption: LoginRequiredMiddleware must redirect it."""
    return HttpResponse("private")


urlpatterns = [
    path("private/", private),
    path("postmark/", include("postmark.django.urls")),
    # One URL with credentials of its own, given to as_view().
    path(
        "custom/events/",
        EventWebhookView.as_view(basic_auth="custom:view-secret", max_bytes=64),
        name="custom-events",
    ),
]
