"""Per-recipient sends: one Postmark message per To address (anymail's batch sends).

A message with ``merge_data``, ``merge_metadata`` or ``merge_headers`` (even
empty) goes out as one Postmark message per ``to`` address, through the
batch endpoints, so no recipient sees the others. Each copy is the
message's payload with::

    To             that one address
    TemplateModel  TemplateModel (template_model + merge_global_data) + merge_data[address]
    Metadata       Metadata + merge_metadata[address]
    Headers        Headers + merge_headers[address] (names compared without case)

Keys of the ``merge_*`` dicts are bare addresses (``"ada@example.com"``,
not ``"Ada <ada@example.com>"``), as in anymail. Cc and Bcc stay on every
copy. Postmark only fills ``TemplateModel`` into templates, so
``merge_data`` without ``template_id``/``template_alias`` is an
:class:`~postmark.django.errors.UnsupportedFeature`.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

from postmark.django.messages import metadata_values
from postmark.django.options import Features, option
from postmark.exceptions import InvalidMessageError
from postmark.payloads import headers_payload, is_template_message

MERGE_OPTIONS = ("merge_data", "merge_metadata", "merge_headers")


def is_merge(message: Any) -> bool:
    """Whether the message is sent once per To address (a merge option is set, even empty)."""
    return bool(message.to) and any(option(message, name) is not None for name in MERGE_OPTIONS)


def _per_address(message: Any, name: str) -> dict[str, Any]:
    value = option(message, name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidMessageError(f"{name} must be a dict of {{address: values}}.", field=name)
    return dict(value)


def _merged_headers(base: Any, own: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The message's headers with the recipient's replacing those of the same name."""
    merged: dict[str, tuple[str, Any]] = {
        item["Name"].lower(): (item["Name"], item["Value"]) for item in base or ()
    }
    for name, value in own.items():
        merged[str(name).lower()] = (str(name), str(value))
    return headers_payload([{"Name": n, "Value": v} for n, v in merged.values()])


def per_recipient(
    message: Any, payload: Mapping[str, Any], features: Features
) -> list[dict[str, Any]]:
    """One payload per To address of ``message`` (built as ``payload``), in To order."""
    data = _per_address(message, "merge_data")
    metadata = _per_address(message, "merge_metadata")
    headers = _per_address(message, "merge_headers")
    if data and not is_template_message(payload):
        features.unsupported(
            "merge_data without template_id",
            "Postmark fills merge_data only into templates; set template_id or "
            "template_alias (merge_metadata and merge_headers work without).",
            field="TemplateModel",
        )
        data = {}
    copies = []
    for to in message.to:
        address = parseaddr(str(to))[1]
        copy = {**payload, "To": str(to)}
        if address in data:
            copy["TemplateModel"] = {**payload.get("TemplateModel", {}), **dict(data[address])}
        if address in metadata:
            own = metadata_values(metadata[address]) or {}
            copy["Metadata"] = {**payload.get("Metadata", {}), **own}
        if address in headers:
            copy["Headers"] = _merged_headers(payload.get("Headers"), headers[address])
        copies.append(copy)
    return copies


__all__ = ["MERGE_OPTIONS", "is_merge", "per_recipient"]
