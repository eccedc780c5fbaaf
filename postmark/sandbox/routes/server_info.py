"""Server API: ``GET /server`` and ``PUT /server`` on the server the token belongs to.

Edited settings are kept (and survive restarts with a database file). Two of
them change what the sandbox does: ``TrackOpens``/``TrackLinks`` are the
defaults of sends that leave those fields out, and ``InboundHookUrl`` /
``InboundSpamThreshold`` decide what happens to received messages (see
:mod:`postmark.sandbox.rules.inbound`). The other hook URLs are stored only: the
sandbox posts no outbound events.
"""

from __future__ import annotations

from typing import Any

from ..app import App
from ..http.router import Context, Router
from ..rules.server_settings import DELIVERY_TYPE, checked_edit

routes = Router()

# What the account API lists as the token of a default server that takes any.
ANY_TOKEN = "sandbox-server-token"  # noqa: S105 - not a secret: any token works


def server_json(app: App, token: str = "") -> dict[str, Any]:
    """Postmark's server object for ``app``'s server.

    ``DeliveryType`` is ``Sandbox`` unless the server was created ``Live``:
    nothing is ever delivered. A default server that takes any token lists
    the one the request used, or :data:`ANY_TOKEN` (which works) when asked
    through the account API.
    """
    config = app.config
    settings = app.settings()
    tokens = sorted(config.tokens) if config.tokens is not None else [token or ANY_TOKEN]
    inbound_hash = f"sandbox{config.server_id:08d}"
    return {
        "ID": config.server_id,
        "Name": settings["Name"],
        "ApiTokens": tokens,
        "Color": settings["Color"],
        "SmtpApiActivated": settings["SmtpApiActivated"],
        "RawEmailEnabled": settings["RawEmailEnabled"],
        "DeliveryType": settings.get("DeliveryType", DELIVERY_TYPE),
        "ServerLink": f"{app.base_url}/",
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
    return server_json(ctx.app, ctx.token)


@routes.route("PUT", "/server")
def edit_server(ctx: Context) -> Any:
    """``PUT /server``: only the fields given change; answers the whole server object."""
    changes = checked_edit(ctx.json, delivery_type=server_json(ctx.app)["DeliveryType"])
    if changes:
        ctx.app.store.save_server_settings(changes)
    return server_json(ctx.app, ctx.token)
