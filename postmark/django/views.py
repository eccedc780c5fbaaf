"""Django views that receive Postmark's webhook calls and send signals.

Every call is checked in this order:

1. anything but POST: 405;
2. credentials (``POSTMARK_WEBHOOK_BASIC_AUTH`` and/or
   ``POSTMARK_WEBHOOK_SECRET_HEADER``, compared in constant time): 401;
   with neither configured the view refuses to serve
   (``PostmarkImproperlyConfigured``, so a 500) unless
   ``POSTMARK_WEBHOOK_ALLOW_UNAUTHENTICATED = True``;
3. size (``POSTMARK_WEBHOOK_MAX_BYTES``, default 10 MB;
   ``POSTMARK_INBOUND_MAX_BYTES``, default 100 MB: ``MAX_EVENT_BYTES`` and
   ``MAX_INBOUND_BYTES`` of :mod:`postmark.webhooks`), checked on
   Content-Length before reading and again while reading: 413;
4. a JSON object nested at most ``MAX_DEPTH`` levels: otherwise 400
   (never 500, whatever the body);
5. a payload of this view's webhook: an outbound event at the inbound URL,
   or inbound email at the events URL, is answered 400 with a message that
   says which webhook to point where, and logged as a warning on the
   ``postmark.django`` logger (:class:`~postmark.webhooks.WrongWebhook`);

then the event's signal and ``webhook_event`` are sent, and the answer is
200. The body is read from the request stream, so Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) does not cut off inbound mail.

Postmark drops an outbound event answered with a 4xx and retries 5xx; it
retries inbound calls on anything but 200 and 403.

The views are exempt from CSRF and, on Django 5.1+, from
``LoginRequiredMiddleware`` (``login_not_required``): Postmark has no
session, and a redirect to the login page would lose every call.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

try:
    from django.contrib.auth.decorators import login_not_required
except ImportError:  # Django < 5.1: no LoginRequiredMiddleware to opt out of

    def login_not_required(view_func: Any) -> Any:
        # The attribute 5.1's middleware reads; login middlewares of older
        # projects that follow the same convention honour it too.
        view_func.login_required = False
        return view_func


from postmark.django import signals
from postmark.django.conf import PostmarkImproperlyConfigured, bool_setting, setting, size_setting
from postmark.exceptions import ConfigurationError
from postmark.webhooks import (
    MAX_EVENT_BYTES,
    MAX_INBOUND_BYTES,
    WebhookAuth,
    WebhookError,
    WebhookEvent,
    WebhookTooLarge,
    WrongWebhook,
    parse_event,
    parse_inbound,
)

logger = logging.getLogger("postmark.django")


# as_view() copies dispatch's attributes (csrf_exempt, login_required) onto the view.
@method_decorator(login_not_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):  # type: ignore[misc]
    """Base of the two webhook views; ``as_view()`` keywords override settings.

    ``EventWebhookView.as_view(basic_auth="user:pass", max_bytes=...)``
    gives one URL its own credentials or limit.
    """

    http_method_names = ["post"]
    #: "user:password", (user, password), or a list of them (rotation).
    basic_auth: Any = None
    #: ("Header-Name", "secret") or "Header-Name: secret".
    secret_header: Any = None
    #: Largest body accepted, in bytes.
    max_bytes: int | None = None
    #: Accept calls without credentials (only behind your own protection).
    allow_unauthenticated: bool | None = None

    max_bytes_setting = "POSTMARK_WEBHOOK_MAX_BYTES"
    default_max_bytes = MAX_EVENT_BYTES

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return HttpResponseNotAllowed(["POST"])

    def post(self, request: HttpRequest) -> HttpResponse:
        auth = self.get_auth()
        if auth is not None and not auth.check(request.headers):
            return self.unauthorized(auth)
        try:
            event = self.parse(self.read_body(request))
        except WebhookTooLarge:
            return HttpResponse(
                "Payload too large.", status=413, content_type="text/plain; charset=utf-8"
            )
        except WrongWebhook as error:
            right = "events" if error.expected == "inbound" else "inbound"
            message = error.explain(request.path, _url_of(right))
            logger.warning("Postmark webhook posted to the wrong URL. %s", message)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        except WebhookError as error:
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
        self.send_signals(event, request)
        return HttpResponse("OK", content_type="text/plain; charset=utf-8")

    # -- steps, each overridable -----------------------------------------------

    def get_auth(self) -> WebhookAuth | None:
        """The credentials to require, or None when explicitly turned off."""
        try:
            auth = WebhookAuth.from_settings(
                setting("POSTMARK_WEBHOOK_BASIC_AUTH", self.basic_auth),
                setting("POSTMARK_WEBHOOK_SECRET_HEADER", self.secret_header),
            )
        except ConfigurationError as error:
            raise PostmarkImproperlyConfigured(str(error)) from None
        if auth.configured:
            return auth
        if bool_setting("POSTMARK_WEBHOOK_ALLOW_UNAUTHENTICATED", self.allow_unauthenticated):
            return None
        raise PostmarkImproperlyConfigured(
            "The Postmark webhook view has no credentials to check. Set "
            'POSTMARK_WEBHOOK_BASIC_AUTH = "user:password" (and put the same in the webhook '
            'URL at Postmark) and/or POSTMARK_WEBHOOK_SECRET_HEADER = ("Header-Name", '
            '"secret") (a custom header on the webhook). To accept calls without '
            "credentials, set POSTMARK_WEBHOOK_ALLOW_UNAUTHENTICATED = True."
        )

    @staticmethod
    def unauthorized(auth: WebhookAuth) -> HttpResponse:
        response = HttpResponse(
            "Unauthorized.", status=401, content_type="text/plain; charset=utf-8"
        )
        if auth.challenge:
            response["WWW-Authenticate"] = auth.challenge
        return response

    def body_limit(self) -> int:
        """The largest body accepted, in bytes: ``max_bytes``, the setting, or the default."""
        return size_setting(self.max_bytes_setting, self.max_bytes, self.default_max_bytes)

    def read_body(self, request: HttpRequest) -> bytes:
        """The body, refusing more than the limit without reading it all.

        Raises:
            WebhookTooLarge: over the limit, by Content-Length or by what was read.
        """
        limit = self.body_limit()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise WebhookTooLarge(limit)
        body: bytes = request.read(limit + 1)
        if len(body) > limit:
            raise WebhookTooLarge(limit)
        return body

    def parse(self, body: bytes) -> WebhookEvent:
        # The view's limit, which may be above the parser's default.
        return parse_event(body, max_bytes=self.body_limit())

    def send_signals(self, event: WebhookEvent, request: HttpRequest) -> None:
        own = signals.SIGNALS.get(type(event))
        if own is not None:
            own.send(sender=type(event), event=event, request=request)
        signals.webhook_event.send(sender=type(event), event=event, request=request)


class EventWebhookView(WebhookView):
    """Every outbound event type at one URL (Bounce, Delivery, Open, Click, ...).

    Sends the event's own signal (``signals.bounce`` ...) then
    ``signals.webhook_event``; a record type this library does not know
    yet is acknowledged and sent as an ``UnknownEvent`` on ``webhook_event``.
    Inbound email is refused with 400 (the inbound webhook belongs at
    :class:`InboundWebhookView`).
    """


class InboundWebhookView(WebhookView):
    """Inbound email (the server's InboundHookUrl); sends ``signals.inbound``.

    An outbound event (a ``RecordType`` other than "Inbound", or no inbound
    fields) is refused with 400 and sends no signal.
    """

    max_bytes_setting = "POSTMARK_INBOUND_MAX_BYTES"
    default_max_bytes = MAX_INBOUND_BYTES

    def parse(self, body: bytes) -> WebhookEvent:
        return parse_inbound(body, max_bytes=self.body_limit())


def _url_of(webhook: str) -> str | None:
    """The path of ``postmark.django.urls``' "events" or "inbound" view, if the project has it."""
    try:
        return str(reverse(f"postmark:{webhook}"))
    except NoReverseMatch:  # the views are mounted at paths of the project's own
        return None


events = EventWebhookView.as_view()
inbound = InboundWebhookView.as_view()

__all__ = ["EventWebhookView", "InboundWebhookView", "WebhookView", "events", "inbound"]
