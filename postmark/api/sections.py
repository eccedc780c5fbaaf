"""Which sections each client has: one table for the sync and the async clients.

``ServerSections[Sync]`` is what ``ServerClient`` exposes and
``ServerSections[Async]`` what ``AsyncServerClient`` exposes: the same
attributes, with results or awaitables (see :mod:`postmark.api.base`).
A section's module is imported on first use, which keeps ``from postmark
import PMMail`` (it needs ``email`` and ``bounces`` only) cheap; the section
is then stored on the client, so later lookups are plain attribute reads.
Sections are stateless, so two threads racing to build one is harmless.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, ClassVar, Generic

from postmark.api.base import M

if TYPE_CHECKING:
    from postmark.api.base import Executor
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


class _Sections:
    """Builds a section from ``_SECTIONS`` (attribute -> "module:Class") on first use."""

    _SECTIONS: ClassVar[dict[str, str]] = {}
    _executor: Executor
    base_url: str

    if not TYPE_CHECKING:  # for type checkers, only the annotated sections exist

        def __getattr__(self, name: str) -> Any:
            where = type(self)._SECTIONS.get(name)
            if where is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            module, cls = where.split(":")
            section = getattr(importlib.import_module(module), cls)(self._executor, self.base_url)
            self.__dict__[name] = section
            return section

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(type(self)._SECTIONS))


class ServerSections(_Sections, Generic[M]):
    """The sections a server token reaches."""

    _SECTIONS: ClassVar[dict[str, str]] = {
        "email": "postmark.api.email:EmailAPI",
        "bounces": "postmark.api.bounces:BouncesAPI",
        "templates": "postmark.api.templates:TemplatesAPI",
        "server": "postmark.api.server:ServerAPI",
        "messages": "postmark.api.messages:MessagesAPI",
        "inbound": "postmark.api.inbound:InboundAPI",
        "message_streams": "postmark.api.message_streams:MessageStreamsAPI",
        "suppressions": "postmark.api.suppressions:SuppressionsAPI",
        "webhooks": "postmark.api.webhooks:WebhooksAPI",
        "stats": "postmark.api.stats:StatsAPI",
        "inbound_rules": "postmark.api.inbound_rules:InboundRulesAPI",
    }

    email: EmailAPI[M]
    bounces: BouncesAPI[M]
    templates: TemplatesAPI[M]
    server: ServerAPI[M]
    messages: MessagesAPI[M]
    inbound: InboundAPI[M]
    message_streams: MessageStreamsAPI[M]
    suppressions: SuppressionsAPI[M]
    webhooks: WebhooksAPI[M]
    stats: StatsAPI[M]
    inbound_rules: InboundRulesAPI[M]


class AccountSections(_Sections, Generic[M]):
    """The sections an account token reaches."""

    _SECTIONS: ClassVar[dict[str, str]] = {
        "servers": "postmark.api.servers:ServersAPI",
        "domains": "postmark.api.domains:DomainsAPI",
        "sender_signatures": "postmark.api.sender_signatures:SenderSignaturesAPI",
        "templates": "postmark.api.templates:AccountTemplatesAPI",
        "data_removals": "postmark.api.data_removals:DataRemovalsAPI",
    }

    servers: ServersAPI[M]
    domains: DomainsAPI[M]
    sender_signatures: SenderSignaturesAPI[M]
    templates: AccountTemplatesAPI[M]
    data_removals: DataRemovalsAPI[M]
