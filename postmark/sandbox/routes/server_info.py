"""Server API: ``GET /server`` describes the sandbox's one server."""

from __future__ import annotations

from typing import Any

from ..router import Context, Router

routes = Router()


@routes.route("GET", "/server")
def get_server(ctx: Context) -> Any:
    """``GET /server``. ``DeliveryType`` is ``Sandbox``: nothing is ever delivered."""
    config = ctx.app.config
    tokens = sorted(config.tokens) if config.tokens is not None else [ctx.token]
    inbound_hash = f"sandbox{config.server_id:08d}"
    return {
        "ID": config.server_id,
        "Name": config.server_name,
        "ApiTokens": tokens,
        "Color": "Purple",
        "SmtpApiActivated": False,
        "RawEmailEnabled": False,
        "DeliveryType": "Sandbox",
        "ServerLink": f"{ctx.app.base_url}/",
        "InboundAddress": f"{inbound_hash}@inbound.postmarkapp.com",
        "InboundHookUrl": "",
        "BounceHookUrl": "",
        "OpenHookUrl": "",
        "DeliveryHookUrl": "",
        "ClickHookUrl": "",
        "PostFirstOpenOnly": False,
        "InboundDomain": "",
        "InboundHash": inbound_hash,
        "InboundSpamThreshold": 0,
        "TrackOpens": False,
        "TrackLinks": "None",
        "IncludeBounceContentInHook": False,
        "EnableSmtpApiErrorHooks": False,
    }
