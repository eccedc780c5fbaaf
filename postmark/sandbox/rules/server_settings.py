"""The server's editable settings: defaults, ``PUT /server`` rules, Postmark's server JSON.

Only changed settings are stored (:mod:`postmark.sandbox.store.settings`); everything else
is a default here. Rules are Postmark's error table (600 family): 607 an
unknown color, 606 a hook URL that is not an absolute http(s) URL, 608 a
blank name or an inbound domain under postmarkapp.com, 609 no data, 611 an
``InboundSpamThreshold`` outside 0-30, 612 an unknown ``TrackLinks``, 613 an
unknown ``DeliveryType``.

Where Postmark is silent, the sandbox chooses:

* hook URLs on this machine (``localhost``) are accepted, although Postmark
  refuses internal addresses (606): local endpoints are what a sandbox is for;
* ``DeliveryType`` is ``Sandbox`` for the default server; a server made with
  ``POST /servers`` may be created ``Live`` (nothing is delivered either
  way); an edit may repeat the value (a no-op), another one answers 615
  (action not supported), an unknown one 613;
* the read-only fields of the server JSON (``ID``, ``ApiTokens``,
  ``ServerLink``, ``InboundAddress``, ``InboundHash``) are ignored, so a
  client may send back what ``GET /server`` gave it; other unknown fields
  are 422 / 403 like everywhere else;
* no MX check is made on ``InboundDomain`` (610 never happens).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..http.callouts import is_http_url
from ..http.errors import ApiError
from ..store.database import Store
from .validation import TRACK_LINKS, Kind, check_fields

COLORS = ("Purple", "Blue", "Turquoise", "Green", "Red", "Yellow", "Grey", "Orange")
HOOK_FIELDS = ("InboundHookUrl", "BounceHookUrl", "OpenHookUrl", "DeliveryHookUrl", "ClickHookUrl")
MAX_SPAM_THRESHOLD = 30
DELIVERY_TYPE = "Sandbox"
DELIVERY_TYPES = ("Live", "Sandbox")

DEFAULTS: Mapping[str, Any] = {
    "Color": "Purple",
    "SmtpApiActivated": False,
    "RawEmailEnabled": False,
    **{name: "" for name in HOOK_FIELDS},
    "PostFirstOpenOnly": False,
    "InboundDomain": "",
    "InboundSpamThreshold": 0,
    "TrackOpens": False,
    "TrackLinks": "None",
    "IncludeBounceContentInHook": False,
    "EnableSmtpApiErrorHooks": False,
}
EDITABLE: Mapping[str, Kind] = {
    "Name": Kind.STR,
    "Color": Kind.STR,
    "SmtpApiActivated": Kind.BOOL,
    "RawEmailEnabled": Kind.BOOL,
    "DeliveryType": Kind.STR,
    **{name: Kind.STR for name in HOOK_FIELDS},
    "PostFirstOpenOnly": Kind.BOOL,
    "InboundDomain": Kind.STR,
    "InboundSpamThreshold": Kind.INT,
    "TrackOpens": Kind.BOOL,
    "TrackLinks": Kind.STR,
    "IncludeBounceContentInHook": Kind.BOOL,
    "EnableSmtpApiErrorHooks": Kind.BOOL,
}
READ_ONLY = ("ID", "ApiTokens", "ServerLink", "InboundAddress", "InboundHash")


def current(store: Store, default_name: str) -> dict[str, Any]:
    """Every setting as it is now: the defaults overlaid with the stored changes."""
    return {"Name": default_name, **DEFAULTS, **store.server_settings()}


def checked_edit(body: Any, *, delivery_type: str | None = DELIVERY_TYPE) -> dict[str, Any]:
    """The settings a ``PUT /server`` body changes, validated, in canonical spelling.

    ``delivery_type`` is the server's ``DeliveryType``, which an edit may only
    repeat; ``None`` when creating a server (``POST /servers``), which may
    choose ``Live`` or ``Sandbox`` (either way nothing is delivered).
    """
    if not isinstance(body, dict) or not body:
        raise ApiError(609, "No server data was received.")
    fields = check_fields({k: v for k, v in body.items() if k not in READ_ONLY}, EDITABLE)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        checker = _CHECKS.get(name)
        if name == "DeliveryType":
            chosen = _delivery_type(value, delivery_type)
            if delivery_type is None:
                changes[name] = chosen
        elif checker is None:
            changes[name] = value
        else:
            changes[name] = checker(value)
    return changes


def _name(value: str) -> str:
    if not value.strip():
        raise ApiError(608, "The server 'Name' is missing or invalid.")
    return value


def _color(value: str) -> str:
    return _one_of(value, COLORS, 607, "Color")


def _track_links(value: str) -> str:
    return _one_of(value, TRACK_LINKS, 612, "TrackLinks")


def _one_of(value: str, options: tuple[str, ...], code: int, name: str) -> str:
    for option in options:
        if option.lower() == value.lower():
            return option
    raise ApiError(code, f"Invalid '{name}' value: '{value}'. Use one of: {', '.join(options)}.")


def _threshold(value: int) -> int:
    if not 0 <= value <= MAX_SPAM_THRESHOLD:
        raise ApiError(611, f"'InboundSpamThreshold' must be between 0 and {MAX_SPAM_THRESHOLD}.")
    return value


def _hook_url(value: str) -> str:
    if value and not is_http_url(value):
        raise ApiError(606, f"The hook URL '{value}' is not a valid http or https URL.")
    return value


def _inbound_domain(value: str) -> str:
    if "postmarkapp.com" in value.lower():
        raise ApiError(608, "The 'InboundDomain' may not be a postmarkapp.com domain.")
    return value


def _delivery_type(value: str, current: str | None) -> str:
    chosen = _one_of(value, DELIVERY_TYPES, 613, "DeliveryType")
    if current is not None and chosen != current:
        raise ApiError(615, "The 'DeliveryType' of a server cannot be changed after it is created.")
    return chosen


_CHECKS: Mapping[str, Callable[[Any], Any]] = {
    "Name": _name,
    "Color": _color,
    "TrackLinks": _track_links,
    "InboundSpamThreshold": _threshold,
    "InboundDomain": _inbound_domain,
    **{name: _hook_url for name in HOOK_FIELDS},
}
