"""postmark.webhooks is a package now; every name it had as one module still imports."""

from __future__ import annotations

import importlib

import pytest

import postmark.webhooks as webhooks

#: ``postmark.webhooks.__all__`` before the package split (webhooks.py, 807 lines).
PUBLIC_BEFORE_THE_SPLIT = [
    "EVENT_TYPES",
    "MAX_EVENT_BYTES",
    "MAX_INBOUND_BYTES",
    "Agent",
    "BasicAuth",
    "Bounce",
    "Click",
    "Delivery",
    "Geo",
    "Header",
    "Inbound",
    "InboundAttachment",
    "Mailbox",
    "Open",
    "OutboundEvent",
    "SecretHeader",
    "SpamComplaint",
    "SubscriptionChange",
    "UnknownEvent",
    "WebhookAuth",
    "WebhookError",
    "WebhookEvent",
    "basic_auth_header",
    "check_basic_auth",
    "check_secret_header",
    "load_payload",
    "parse_datetime",
    "parse_event",
    "parse_inbound",
]
#: Public (no underscore) but never listed in ``__all__``.
ALSO_IMPORTED_BEFORE = ["BASIC_REALM"]
#: Added since the split.
ADDED = ["BOUNCE_KINDS", "MAX_DEPTH", "WebhookTooLarge", "WrongWebhook"]

MODULES = ["auth", "base", "events", "fields", "inbound", "payload"]


def test_all_is_the_old_list_plus_the_additions() -> None:
    assert sorted(webhooks.__all__) == sorted(PUBLIC_BEFORE_THE_SPLIT + ADDED)
    assert len(set(webhooks.__all__)) == len(webhooks.__all__)


@pytest.mark.parametrize("name", PUBLIC_BEFORE_THE_SPLIT + ALSO_IMPORTED_BEFORE + ADDED)
def test_every_name_still_imports_from_the_package(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from postmark.webhooks import {name}", namespace)  # the import users write
    assert namespace[name] is getattr(webhooks, name)


@pytest.mark.parametrize("name", PUBLIC_BEFORE_THE_SPLIT + ADDED)
def test_each_name_lives_in_a_module_of_the_package(name: str) -> None:
    value = getattr(webhooks, name)
    home = getattr(value, "__module__", None)
    if home is None:  # a constant: find the one module that defines it
        homes = [
            m for m in MODULES if name in vars(importlib.import_module(f"{webhooks.__name__}.{m}"))
        ]
        assert len(homes) >= 1, name
        return
    assert home.startswith("postmark.webhooks.") and home.rsplit(".", 1)[1] in MODULES
