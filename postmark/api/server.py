"""The server that owns the token: ``client.server`` (Postmark's Server API).

https://postmarkapp.com/developer/api/server-api
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from postmark.api.base import M, Section, compact, endpoint
from postmark.api.types import Server
from postmark.protocol import Request

if TYPE_CHECKING:
    from typing_extensions import Unpack


class ServerOptions(TypedDict, total=False):
    """Server settings other than the name (snake_case of Postmark's keys)."""

    color: str
    smtp_api_activated: bool
    raw_email_enabled: bool
    delivery_type: str
    inbound_hook_url: str
    bounce_hook_url: str
    open_hook_url: str
    delivery_hook_url: str
    click_hook_url: str
    post_first_open_only: bool
    inbound_domain: str
    inbound_spam_threshold: int
    track_opens: bool
    track_links: str
    include_bounce_content_in_hook: bool
    enable_smtp_api_error_hooks: bool


class ServerSettings(ServerOptions, total=False):
    """Keyword arguments of server edits."""

    name: str


_SETTING_NAMES = ServerSettings.__required_keys__ | ServerSettings.__optional_keys__


def server_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Postmark's server JSON from snake_case settings (unset ones left out).

    Raises:
        TypeError: for an argument Postmark has no field for, as Python
            would for a misspelt keyword (``colour=`` must not vanish).
    """
    unknown = sorted(set(settings) - _SETTING_NAMES)
    if unknown:
        raise TypeError(f"unexpected server setting(s): {', '.join(unknown)}")
    body = {
        "Name": settings.get("name"),
        "Color": settings.get("color"),
        "SmtpApiActivated": settings.get("smtp_api_activated"),
        "RawEmailEnabled": settings.get("raw_email_enabled"),
        "DeliveryType": settings.get("delivery_type"),
        "InboundHookUrl": settings.get("inbound_hook_url"),
        "BounceHookUrl": settings.get("bounce_hook_url"),
        "OpenHookUrl": settings.get("open_hook_url"),
        "DeliveryHookUrl": settings.get("delivery_hook_url"),
        "ClickHookUrl": settings.get("click_hook_url"),
        "PostFirstOpenOnly": settings.get("post_first_open_only"),
        "InboundDomain": settings.get("inbound_domain"),
        "InboundSpamThreshold": settings.get("inbound_spam_threshold"),
        "TrackOpens": settings.get("track_opens"),
        "TrackLinks": settings.get("track_links"),
        "IncludeBounceContentInHook": settings.get("include_bounce_content_in_hook"),
        "EnableSmtpApiErrorHooks": settings.get("enable_smtp_api_error_hooks"),
    }
    return compact(body)


class ServerAPI(Section[M]):
    """Read and change the settings of the token's own server."""

    @endpoint
    def get(self) -> Request[Server]:
        """The server's settings.

        ``GET /server``
        """
        return Request("GET", "/server")

    @endpoint
    def edit(self, **settings: Unpack[ServerSettings]) -> Request[Server]:
        """Change settings; only the ones passed are sent.

        ``PUT /server``

        Args:
            settings: ``name``, ``color`` (Purple, Blue, Turquoise, Green, Red,
                Yellow, Grey, Orange), ``smtp_api_activated``, ``raw_email_enabled``,
                ``inbound_hook_url``, ``bounce_hook_url``, ``open_hook_url``,
                ``delivery_hook_url``, ``click_hook_url``, ``post_first_open_only``,
                ``inbound_domain``, ``inbound_spam_threshold`` (0-30),
                ``track_opens``, ``track_links`` (None, HtmlAndText, HtmlOnly,
                TextOnly), ``include_bounce_content_in_hook``,
                ``enable_smtp_api_error_hooks``. ``delivery_type`` can only be
                set when a server is created.
        """
        return Request("PUT", "/server", json=server_settings(settings))
