"""Server API: ``GET /server`` and ``PUT /server`` on the sandbox's one server.

Edited settings are kept (and survive restarts with a database file). Two of
them change what the sandbox does: ``TrackOpens``/``TrackLinks`` are the
defaults of sends that leave those fields out, and ``InboundHookUrl`` /
``InboundSpamThreshold`` decide what happens to received messages (see
:mod:`postmark.sandbox.rules.inbound`). The other hook URLs are stored only: the
sandbox posts no outbound events.
"""

from __future__ import annotations

from typing import Any

from ..http.router import Context, Router
from ..rules.server_settings import DELIVERY_TYPE, checked_edit

routes = Router()


def server_json(ctx: Context) -> dict[str, Any]:
    """Postmark's server object. ``DeliveryType`` is ``Sandbox``: nothing is ever delivered."""
    config = ctx.app.config
    settings = ctx.app.settings()
    tokens = sorted(config.tokens) if config.tokens is not None else [ctx.token]
    inbound_hash = f"sandbox{config.server_id:08d}"
    return {
        "ID": config.server_id,
        "Name": settings["Name"],
        "ApiTokens": tokens,
        "Color": settings["Color"],
        "SmtpApiActivated": settings["SmtpApiActivated"],
        "RawEmailEnabled": settings["RawEmailEnabled"],
        "DeliveryType": DELIVERY_TYPE,
        "ServerLink": f"{ctx.app.base_url}/",
        "InboundAddress": f"{inbound_hash}@inbound.postmarkapp.com",
        "InboundHookUrl": settings["InboundHookUrl"],
        "BounceHookUrl": settings["BounceHookUrl"],
        "OpenHookUrl": settings["OpenHookUrl"],
        "DeliveryHookUrl": settings["DeliveryHookUrl"],
        "ClickHookUrl": settings["ClickHookUrl"],
        "PostFirstOpenOnly": settings["PostFirstOpenOnly"],
        "InboundDomain": settings["InboundDomain"],
        "InboundHash": inbound_hash,
        "InboundSpamThreshold": settings["InboundSpamThreshold"],
        "TrackOpens": settings["TrackOpens"],
        "TrackLinks": settings["TrackLinks"],
        "IncludeBounceContentInHook": settings["IncludeBounceContentInHook"],
        "EnableSmtpApiErrorHooks": settings["EnableSmtpApiErrorHooks"],
    }


@routes.route("GET", "/server")
def get_server(ctx: Context) -> Any:
    """``GET /server``."""
    return server_json(ctx)


@routes.route("PUT", "/server")
def edit_server(ctx: Context) -> Any:
    """``PUT /server``: only the fields given change; answers the whole server object."""
    changes = checked_edit(ctx.json)
    if changes:
        ctx.app.store.save_server_settings(changes)
    return server_json(ctx)
