"""Message options beyond Django's own: Postmark's names and django-anymail's.

A site moving from anymail keeps its messages as they are: ``tags``,
``track_clicks``, ``template_id`` (a number or an alias), ``merge_*``,
``esp_extra`` (with anymail's ``server_token`` key) and ``send_at`` /
``envelope_sender`` are read here. What Postmark cannot carry raises
:class:`~postmark.django.errors.UnsupportedFeature` (or is dropped with
``POSTMARK_IGNORE_UNSUPPORTED_FEATURES``), never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise

from postmark.django.errors import UnsupportedFeature
from postmark.exceptions import InvalidMessageError

#: anymail's attribute names the backend reads (besides :data:`POSTMARK_OPTIONS`).
ANYMAIL_OPTIONS = (
    "tags",
    "track_clicks",
    "esp_extra",
    "envelope_sender",
    "send_at",
    "merge_data",
    "merge_global_data",
    "merge_metadata",
    "merge_headers",
)
#: The per-message token: our attribute, and anymail's key in ``esp_extra``.
SERVER_TOKEN = "server_token"  # noqa: S105 - a key name, not a secret


def is_unset(value: Any) -> bool:
    """None, or anymail's ``UNSET`` (what ``AnymailMessage`` holds for options not given)."""
    return value is None or (isinstance(value, type) and value.__name__ == "UNSET")


def resolve_lazy(value: Any) -> Any:
    """``value`` with every lazy translation string inside it made a ``str``."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {resolve_lazy(k): resolve_lazy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve_lazy(v) for v in value]
    return value


def option(message: Any, name: str) -> Any:
    """The message's ``name`` attribute, None when absent or unset."""
    value = getattr(message, name, None)
    return None if is_unset(value) else resolve_lazy(value)


class Features:
    """Refuses (or, when told to ignore them, lets go) what Postmark cannot carry."""

    def __init__(self, ignore_unsupported: bool = False) -> None:
        self.ignore_unsupported = ignore_unsupported

    def unsupported(
        self, feature: str, message: str | None = None, field: str | None = None
    ) -> None:
        """Raise :class:`UnsupportedFeature`, unless unsupported features are ignored."""
        if not self.ignore_unsupported:
            raise UnsupportedFeature(feature, message, field=field)

    def check_message(self, message: Any) -> None:
        """Options Postmark has no field for at all."""
        if option(message, "send_at") is not None:
            self.unsupported(
                "send_at",
                "Postmark sends at once; it has no scheduled sending (send_at).",
                field="send_at",
            )
        if option(message, "envelope_sender") is not None:
            self.unsupported(
                "envelope_sender",
                "Postmark sets the envelope sender (Return-Path) from the domain's "
                "settings, not per message (envelope_sender).",
                field="envelope_sender",
            )

    def tag(self, message: Any) -> str | None:
        """Postmark's one ``Tag``, from ``tag`` and/or anymail's ``tags`` list."""
        listed = option(message, "tags") or []
        tags = [option(message, "tag"), *([listed] if isinstance(listed, str) else listed)]
        found = list(dict.fromkeys(str(t) for t in tags if t))
        if len(found) > 1:
            self.unsupported(
                "multiple tags",
                f"Postmark keeps one tag per message; this one has {found!r}. The first "
                "would be sent.",
                field="Tag",
            )
        return found[0] if found else None


def track_links(message: Any) -> Any:
    """``track_links``, else anymail's ``track_clicks`` (True/False), else None."""
    value = option(message, "track_links")
    return value if value is not None else option(message, "track_clicks")


def template_reference(message: Any) -> tuple[int | None, str | None]:
    """``(TemplateId, TemplateAlias)``.

    ``template_id`` may be a number or, as in anymail, an alias;
    ``template_alias`` is always an alias.
    """
    value = option(message, "template_id")
    alias = option(message, "template_alias") or None
    if value is None or value == "":
        return None, alias
    if isinstance(value, bool):
        raise InvalidMessageError(f"template_id={value!r} is not a template.", field="TemplateId")
    if isinstance(value, int):
        return value, alias
    text = str(value).strip()
    if text.isdigit():
        return int(text), alias
    if alias is not None and alias != text:
        raise InvalidMessageError(
            f"template_id={value!r} (an alias) and template_alias={alias!r} disagree; "
            "set one of them.",
            field="TemplateAlias",
        )
    return None, text


def template_model(message: Any) -> dict[str, Any] | None:
    """``template_model`` and anymail's ``merge_global_data`` (which wins per key)."""
    own, merged = option(message, "template_model"), option(message, "merge_global_data")
    if own is None and merged is None:
        return None
    for name, value in (("template_model", own), ("merge_global_data", merged)):
        if value is not None and not isinstance(value, Mapping):
            raise InvalidMessageError(f"{name} must be a dict.", field="TemplateModel")
    return {**(own or {}), **(merged or {})}


def esp_extra(message: Any) -> dict[str, Any]:
    """Postmark keys to put into the payload as they are (anymail's ``server_token`` removed)."""
    extra = option(message, "esp_extra")
    if extra is None:
        return {}
    if not isinstance(extra, Mapping):
        raise InvalidMessageError(
            "esp_extra must be a dict of Postmark message fields.", field="esp_extra"
        )
    return {k: v for k, v in extra.items() if k != SERVER_TOKEN}


def server_token(message: Any) -> str | None:
    """The message's own server token: ``server_token``, else ``esp_extra["server_token"]``."""
    own = option(message, SERVER_TOKEN)
    if own:
        return str(own)
    extra = option(message, "esp_extra")
    token = extra.get(SERVER_TOKEN) if isinstance(extra, Mapping) else None
    return str(token) if token else None


__all__ = [
    "ANYMAIL_OPTIONS",
    "Features",
    "esp_extra",
    "is_unset",
    "option",
    "resolve_lazy",
    "server_token",
    "template_model",
    "template_reference",
    "track_links",
]
