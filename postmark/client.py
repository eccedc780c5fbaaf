"""``ServerClient`` and ``AccountClient``: the whole Postmark API by doc section.

    with postmark.ServerClient("server-token") as client:
        client.email.send(sender="me@example.com", to="you@example.com",
                          subject="Hi", text_body="Hello")
        for bounce in client.bounces.iter(type="HardBounce"):
            ...

    with postmark.AccountClient("account-token") as account:
        account.domains.verify_dkim(1234)

Each attribute is one section of Postmark's API reference; the endpoint of
every method is listed in :mod:`postmark.api.inventory`. Both clients are
safe to share between threads: sections hold nothing but the transport,
each call is independent and the connection pool is thread-safe.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, overload

import requests

from postmark import config
from postmark.exceptions import ConfigurationError
from postmark.protocol import ACCOUNT_TOKEN_HEADER, SERVER_TOKEN_HEADER
from postmark.transport import Timeout, Transport

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from postmark.api.bounces import BouncesAPI
    from postmark.api.data_removals import DataRemovalsAPI
    from postmark.api.domains import DomainsAPI
    from postmark.api.email import EmailAPI
    from postmark.api.inbound import InboundAPI
    from postmark.api.inbound_rules import InboundRulesAPI
    from postmark.api.message_streams import MessageStreamsAPI
    from postmark.api.messages import MessagesAPI
    from postmark.api.sender_signatures import SenderSignaturesAPI
    from postmark.api.server import ServerAPI
    from postmark.api.servers import ServersAPI
    from postmark.api.stats import StatsAPI
    from postmark.api.suppressions import SuppressionsAPI
    from postmark.api.templates import AccountTemplatesAPI, TemplatesAPI
    from postmark.api.webhooks import WebhooksAPI

_C = TypeVar("_C", bound="_Client")
_S = TypeVar("_S")


class _Section(Generic[_S]):
    """A client attribute for one API section, built on first use.

    Loading a section's module only when it is used keeps ``from postmark
    import PMMail`` (which needs only ``email`` and ``bounces``) cheap. The
    section is then stored on the client, so later lookups are plain
    attribute reads; sections are stateless, so two threads racing to build
    one is harmless.
    """

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr

    @overload
    def __get__(self, client: None, owner: type) -> _Section[_S]: ...
    @overload
    def __get__(self, client: _Client, owner: type) -> _S: ...
    def __get__(self, client: _Client | None, owner: type) -> Any:
        if client is None:
            return self
        section = getattr(importlib.import_module(self.module), self.name)(client.transport)
        client.__dict__[self.attr] = section
        return section


class ClientOptions(TypedDict, total=False):
    """Connection options shared by both clients (see :class:`postmark.transport.Transport`)."""

    base_url: str | None
    timeout: Timeout | None
    retries: int | None
    deadline: float | None
    ca_bundle: str | None
    session: requests.Session | None


class _Client:
    _setting = ""
    _header = ""
    _kind = ""

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | None = None,
        retries: int | None = None,
        deadline: float | None = None,
        ca_bundle: str | None = None,
        session: requests.Session | None = None,
    ) -> None:
        token = config.lookup(self._setting, token)
        if not token:
            raise ConfigurationError(
                f"No Postmark {self._kind} token: pass it to {type(self).__name__}(...) or set "
                f"{self._setting} (Django setting or environment variable)."
            )
        self.transport = Transport(
            str(token),
            token_header=self._header,
            base_url=base_url,
            timeout=timeout,
            retries=retries,
            deadline=deadline,
            ca_bundle=ca_bundle,
            session=session,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Call any endpoint not wrapped yet, e.g. ``client.request("GET", "/server")``.

        Same token, retries and errors as the wrapped methods; returns
        Postmark's decoded JSON.
        """
        return self.transport.call(method, path, params=params, json=json)

    def close(self) -> None:
        """Close the pooled connections."""
        self.transport.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.transport.base_url}>"


class ServerClient(_Client):
    """Everything a server token can do.

    Sections: ``email``, ``bounces``, ``templates``, ``server``, ``messages``
    (outbound), ``inbound``, ``message_streams``, ``suppressions``,
    ``webhooks``, ``stats``, ``inbound_rules``.

    Args:
        server_token: default ``POSTMARK_SERVER_TOKEN`` (or legacy ``POSTMARK_API_KEY``).
        base_url: default ``POSTMARK_API_URL`` or https://api.postmarkapp.com.
        timeout: seconds or ``(connect, read)``; retries, deadline, ca_bundle,
            session: see :class:`postmark.transport.Transport`.
    """

    _setting = "POSTMARK_SERVER_TOKEN"
    _header = SERVER_TOKEN_HEADER
    _kind = "server"

    email: _Section[EmailAPI] = _Section("postmark.api.email", "EmailAPI")
    bounces: _Section[BouncesAPI] = _Section("postmark.api.bounces", "BouncesAPI")
    templates: _Section[TemplatesAPI] = _Section("postmark.api.templates", "TemplatesAPI")
    server: _Section[ServerAPI] = _Section("postmark.api.server", "ServerAPI")
    messages: _Section[MessagesAPI] = _Section("postmark.api.messages", "MessagesAPI")
    inbound: _Section[InboundAPI] = _Section("postmark.api.inbound", "InboundAPI")
    message_streams: _Section[MessageStreamsAPI] = _Section(
        "postmark.api.message_streams", "MessageStreamsAPI"
    )
    suppressions: _Section[SuppressionsAPI] = _Section(
        "postmark.api.suppressions", "SuppressionsAPI"
    )
    webhooks: _Section[WebhooksAPI] = _Section("postmark.api.webhooks", "WebhooksAPI")
    stats: _Section[StatsAPI] = _Section("postmark.api.stats", "StatsAPI")
    inbound_rules: _Section[InboundRulesAPI] = _Section(
        "postmark.api.inbound_rules", "InboundRulesAPI"
    )

    def __init__(self, server_token: str | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(server_token, **options)


class AccountClient(_Client):
    """Everything an account token can do.

    Sections: ``servers``, ``domains``, ``sender_signatures``, ``templates``
    (``push`` between servers) and ``data_removals``.

    Args:
        account_token: default ``POSTMARK_ACCOUNT_TOKEN``; other options as
            for :class:`ServerClient`.
    """

    _setting = "POSTMARK_ACCOUNT_TOKEN"
    _header = ACCOUNT_TOKEN_HEADER
    _kind = "account"

    servers: _Section[ServersAPI] = _Section("postmark.api.servers", "ServersAPI")
    domains: _Section[DomainsAPI] = _Section("postmark.api.domains", "DomainsAPI")
    sender_signatures: _Section[SenderSignaturesAPI] = _Section(
        "postmark.api.sender_signatures", "SenderSignaturesAPI"
    )
    templates: _Section[AccountTemplatesAPI] = _Section(
        "postmark.api.templates", "AccountTemplatesAPI"
    )
    data_removals: _Section[DataRemovalsAPI] = _Section(
        "postmark.api.data_removals", "DataRemovalsAPI"
    )

    def __init__(self, account_token: str | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(account_token, **options)
