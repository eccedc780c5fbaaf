"""``PostmarkMixin``: non-blocking Postmark sending for a Tornado ``RequestHandler``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from postmark import config
from postmark.exceptions import ConfigurationError, InvalidMessageError
from postmark.outcomes import BatchResult, SendResponse
from postmark.payloads import build_message
from postmark.tornado.client import AsyncServerClient
from postmark.tornado.futures import SendFuture

__all__ = ["PostmarkMixin"]


def _tornado_option(name: str) -> Any:
    """A ``tornado.options`` value, or None when the option was never defined."""
    from tornado import options as tornado_options  # the parser may be swapped at run time

    parser = tornado_options.options
    return getattr(parser, name) if name in parser else None


class PostmarkMixin:
    """Non-blocking Postmark sending for a ``tornado.web.RequestHandler``.

    Configuration, per setting the first one found wins: the application
    setting, then the tornado option (when defined), then the library setting
    (Django setting or environment variable):

    * token: ``settings["postmark_server_token"]``, options
      ``postmark_server_token`` or ``postmark_signature`` (0.x), ``POSTMARK_SERVER_TOKEN``;
    * sender: ``settings["postmark_sender"]``, options ``postmark_sender`` or
      ``postmark_sendemail`` (0.x), ``POSTMARK_SENDER``;
    * base URL: ``settings["postmark_api_url"]``, option ``postmark_api_url``,
      ``POSTMARK_API_URL`` (default https://api.postmarkapp.com).

    Example::

        class Welcome(PostmarkMixin, tornado.web.RequestHandler):
            async def post(self):
                answer = await self.send_email(
                    to="ada@example.com", subject="Welcome", body="<p>Hi Ada</p>"
                )
                self.write({"id": answer["MessageID"]})
    """

    @property
    def postmark(self) -> AsyncServerClient:
        """An :class:`AsyncServerClient` configured for this application."""
        token = self._postmark_setting(
            "postmark_server_token", ("postmark_server_token", "postmark_signature")
        ) or config.lookup("POSTMARK_SERVER_TOKEN")
        if not token:
            raise ConfigurationError(
                "No Postmark server token for PostmarkMixin: set the application setting "
                "'postmark_server_token', the tornado option 'postmark_signature' (or "
                "'postmark_server_token'), or POSTMARK_SERVER_TOKEN."
            )
        base_url = self._postmark_setting("postmark_api_url", ("postmark_api_url",))
        return AsyncServerClient(str(token), base_url=base_url)

    @property
    def postmark_sender(self) -> str:
        """The default From address for this application."""
        sender = self._postmark_setting(
            "postmark_sender", ("postmark_sender", "postmark_sendemail")
        ) or config.lookup("POSTMARK_SENDER")
        if not sender:
            raise ConfigurationError(
                "No sender address for PostmarkMixin: pass sender=..., or set the application "
                "setting 'postmark_sender', the tornado option 'postmark_sendemail' (or "
                "'postmark_sender'), or POSTMARK_SENDER."
            )
        return str(sender)

    def _postmark_setting(self, setting: str, options: tuple[str, ...]) -> Any:
        settings = getattr(self, "settings", None) or {}
        value = settings.get(setting)
        if value:
            return value
        for name in options:
            value = _tornado_option(name)
            if value:
                return value
        return None

    def send_email(
        self,
        *,
        to: str | Sequence[str] | None = None,
        subject: str | None = None,
        body: str | None = None,
        html_body: str | None = None,
        text_body: str | None = None,
        sender: str | None = None,
        cc: str | Sequence[str] | None = None,
        bcc: str | Sequence[str] | None = None,
        reply_to: str | Sequence[str] | None = None,
        tag: str | None = None,
        headers: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, Any] | None = None,
        attachments: Sequence[Any] | None = None,
        track_opens: bool | None = None,
        track_links: str | None = None,
        message_stream: str | None = None,
        template_id: int | str | None = None,
        template_alias: str | None = None,
        template_model: Mapping[str, Any] | None = None,
        inline_css: bool | None = None,
    ) -> SendFuture[SendResponse]:
        """Send one email without blocking; ``body`` is the HTML body (as in 0.x).

        ``POST /email`` (``POST /email/withTemplate`` with ``template_id`` or
        ``template_alias``). The send starts at once: ``await`` the result for
        Postmark's answer (``answer["MessageID"]``), or do not, and the mail
        still goes out, a failure being logged on the ``postmark`` logger.

        Raises:
            ConfigurationError: at once, when no token or sender is configured.
            InvalidMessageError: at once, when the message is refused locally.
            APIError, TransportError: from the awaited future.
        """
        if body is not None and html_body is not None:
            raise InvalidMessageError(
                "Pass the HTML body once: body= (the legacy name) or html_body=.",
                field="HtmlBody",
            )
        client = self.postmark  # the token first: without it nothing else matters
        if track_opens is None:
            # PMMail has always honoured this setting; so did the 0.x mixin through it.
            track_opens = config.lookup_as("POSTMARK_TRACK_OPENS", config.parse_bool)
        message = build_message(
            sender=sender or self.postmark_sender,
            to=to,
            cc=cc,
            bcc=bcc,
            subject=subject,
            html_body=body if body is not None else html_body,
            text_body=text_body,
            reply_to=reply_to,
            tag=tag,
            headers=headers,
            track_opens=track_opens,
            track_links=track_links,
            metadata=metadata,
            attachments=attachments,
            message_stream=message_stream,
            template_id=template_id,
            template_alias=template_alias,
            template_model=template_model,
            inline_css=inline_css,
        )
        return client.send(message)

    def send_batch(self, messages: Iterable[Any]) -> SendFuture[BatchResult]:
        """Send many messages without blocking (``POST /email/batch``, 500 per request).

        ``messages`` are dicts in Postmark's form (``{"To": ..., "Subject": ...,
        "HtmlBody": ...}``) or PMMail objects; a dict without ``From`` gets the
        application's sender. Resolves to one outcome per message, in order.
        """
        client = self.postmark
        sender: str | None = None
        prepared: list[Any] = []
        for message in messages:
            if isinstance(message, Mapping) and not message.get("From"):
                sender = sender or self.postmark_sender
                message = {**message, "From": sender}
            prepared.append(message)
        return client.send_batch(prepared)
