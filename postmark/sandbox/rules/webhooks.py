"""Webhook configuration rules: triggers, HTTP auth and headers, URL, verification.

Postmark's rules (Webhooks API docs, ErrorCodes 1350-1364): a webhook
belongs to one transactional or broadcast stream; ``Url`` is required; an
``HttpHeaders`` item needs a ``Name``; an edit changes only the triggers it
names; ``Verify`` (default true) makes Postmark post a test event for every
enabled trigger first, each must answer HTTP 200, else 422 / 1364 and
nothing is saved; ``Verify: false`` saves the webhook ``unverified``.

Where Postmark is silent, the sandbox chooses:

* verification calls only URLs on this machine (see :mod:`postmark.sandbox.http.callouts`); any
  other URL is saved without a call and shows ``Status: "unverified"``, as
  if ``Verify: false`` had been sent;
* the test event is a small sample of the trigger's webhook JSON
  (``RecordType``, ``MessageStream``, ``ServerID``, a zero ``MessageID``...);
* within a trigger, only the flags sent change (``{"Open": {"Enabled": true}}``
  keeps ``PostFirstOpenOnly``); unknown trigger or flag names are 422 / 403;
* ``HttpAuth`` is ``null`` when none is set, and an edit with empty
  ``Username`` and ``Password`` removes it; ``HttpHeaders`` on an edit
  replaces the list;
* at most 10 webhooks per stream (1359; Postmark's product page says "up to
  10 different URLs");
* events are posted by :mod:`postmark.sandbox.rules.webhook_delivery`; the
  statistics route still reports zero counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..app import App
from ..http.callouts import CallResult, is_http_url, may_call, post_json
from ..http.errors import ApiError, invalid_field
from ..store.settings import WebhookRow
from . import clock

TRIGGERS: Mapping[str, tuple[str, ...]] = {
    "Open": ("Enabled", "PostFirstOpenOnly"),
    "Click": ("Enabled",),
    "Delivery": ("Enabled",),
    "Bounce": ("Enabled", "IncludeContent"),
    "SpamComplaint": ("Enabled", "IncludeContent"),
    "SubscriptionChange": ("Enabled",),
}
MAX_PER_STREAM = 10
VERIFIED = "verified"
UNVERIFIED = "unverified"
NOT_CALLED = (
    "Not called: the sandbox only calls URLs on this machine (localhost, 127.0.0.1, ::1), "
    "and never itself."
)
_ZERO_ID = "00000000-0000-0000-0000-000000000000"


def default_triggers() -> dict[str, dict[str, bool]]:
    """Every trigger, switched off."""
    return {name: dict.fromkeys(flags, False) for name, flags in TRIGGERS.items()}


def merge_triggers(
    current: Mapping[str, Mapping[str, bool]], given: Any
) -> dict[str, dict[str, bool]]:
    """``current`` with the triggers and flags of a request's ``Triggers`` applied."""
    merged = {name: dict(flags) for name, flags in current.items()}
    if given is None:
        return merged
    if not isinstance(given, dict):
        raise invalid_field("Triggers")
    for name, flags in given.items():
        if name not in TRIGGERS or not isinstance(flags, dict):
            raise invalid_field(f"Triggers.{name}")
        for flag, value in flags.items():
            if value is None:
                continue
            if flag not in TRIGGERS[name] or not isinstance(value, bool):
                raise invalid_field(f"Triggers.{name}.{flag}")
            merged[name][flag] = value
    return merged


def enabled(triggers: Mapping[str, Mapping[str, bool]]) -> list[str]:
    """Names of the enabled triggers, in Postmark's order."""
    return [name for name in TRIGGERS if triggers.get(name, {}).get("Enabled")]


def check_url(value: Any) -> str:
    """An absolute http(s) URL (1354)."""
    if not isinstance(value, str) or not is_http_url(value):
        raise ApiError(1354, "The request needs a valid 'Url' (an absolute http or https URL).")
    return value


def http_auth(value: Any) -> dict[str, str] | None:
    """``{Username, Password}``, or ``None`` when absent or both are empty."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid_field("HttpAuth")
    for key, item in value.items():
        if key not in ("Username", "Password") or not isinstance(item, (str, type(None))):
            raise invalid_field(f"HttpAuth.{key}")
    username, password = value.get("Username") or "", value.get("Password") or ""
    return {"Username": username, "Password": password} if username or password else None


def http_headers(value: Any) -> list[dict[str, str]]:
    """``[{Name, Value}]`` (types already checked); 1358 for a missing or bad name."""
    headers = []
    for item in value or []:
        name, text = item.get("Name") or "", item.get("Value") or ""
        if (
            not name.strip()
            or any(ch in name for ch in ":\r\n ")
            or any(ch in text for ch in "\r\n")
        ):
            raise ApiError(
                1358, "Each 'HttpHeaders' item needs a valid 'Name' (and a one-line 'Value')."
            )
        headers.append({"Name": name, "Value": text})
    return headers


def webhook_json(row: WebhookRow) -> dict[str, Any]:
    """A webhook as the Webhooks API shows it."""
    return {
        "ID": row.id,
        "Url": row.url,
        "MessageStream": row.stream,
        "HttpAuth": dict(row.http_auth) if row.http_auth else None,
        "HttpHeaders": [dict(h) for h in row.http_headers],
        "Triggers": {name: dict(flags) for name, flags in row.triggers.items()},
        "Status": row.status,
    }


def credentials(row: WebhookRow) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """The webhook's ``HttpAuth`` as a basic-auth pair and its ``HttpHeaders``, for a call."""
    auth = (row.http_auth["Username"], row.http_auth["Password"]) if row.http_auth else None
    return auth, [(h["Name"], h["Value"]) for h in row.http_headers]


@dataclass(frozen=True)
class TriggerCheck:
    """The answer to one verification call."""

    trigger: str
    result: CallResult

    def as_json(self) -> dict[str, Any]:
        """One item of ``Results`` in a verify answer."""
        return {
            "TriggerType": self.trigger,
            "Success": self.result.ok,
            "StatusCode": self.result.status,
            "Message": self.result.message,
        }


def run_checks(row: WebhookRow, app: App) -> list[TriggerCheck] | None:
    """Post a test event per enabled trigger; ``None`` when the URL may not be called."""
    if not may_call(row.url, app.base_url):
        return None
    server_id = app.config.server_id
    auth, headers = credentials(row)
    headers.append(("X-PM-Webhook-Trace-Id", str(uuid.uuid4())))
    return [
        TriggerCheck(
            name, post_json(row.url, sample_event(name, row, server_id), auth=auth, headers=headers)
        )
        for name in enabled(row.triggers)
    ]


def verified_status(row: WebhookRow, verify: bool, app: App) -> str:
    """The status to save ``row`` with; 422 / 1364 when verification fails."""
    checks = run_checks(row, app) if verify else None
    if checks is None:
        return UNVERIFIED
    failed = [c for c in checks if not c.result.ok]
    if failed:
        detail = "; ".join(
            f"{c.trigger} answered {c.result.status or 'nothing'} {c.result.message}".rstrip()
            for c in failed
        )
        raise ApiError(
            1364,
            f"Webhook endpoint verification failed ({detail}). Nothing was saved; fix the "
            "endpoint or save with 'Verify': false.",
        )
    return VERIFIED


def verify_answer(row: WebhookRow, app: App) -> tuple[dict[str, Any], str]:
    """``POST /webhooks/{id}/verify``'s answer and the webhook's status afterwards."""
    checks = run_checks(row, app)
    if checks is None:
        results = [
            {"TriggerType": name, "Success": False, "StatusCode": 0, "Message": NOT_CALLED}
            for name in enabled(row.triggers)
        ]
    else:
        results = [c.as_json() for c in checks]
    passed = sum(1 for r in results if r["Success"])
    success = checks is not None and passed == len(results)
    answer = {
        "Id": row.id,
        "Url": row.url,
        "Success": success,
        "Results": results,
        "Message": f"{passed}/{len(results)} triggers verified successfully",
    }
    return answer, VERIFIED if success else UNVERIFIED


def statistics(row: WebhookRow) -> dict[str, Any]:
    """``GET /webhooks/{id}/statistics``: not modelled, every count is 0.

    The calls themselves are listed by ``GET /__sandbox/webhook-deliveries``.
    """
    now = clock.now()
    metrics = {
        "TotalRequests": 0,
        "SuccessCount": 0,
        "FailureCount": 0,
        "RetryCount": 0,
        "SuccessRate": 0.0,
        "SlowCount": 0,
        "VerySlowCount": 0,
        "AverageTerminalResponseTimeMs": None,
        "AverageRetryResponseTimeMs": None,
    }
    names = enabled(row.triggers)
    return {
        "WebhookId": row.id,
        "Url": row.url,
        "Statuses": dict.fromkeys(names, row.status),
        "TimeRange": {
            "StartTime": clock.utc_timestamp(now - 86400),
            "EndTime": clock.utc_timestamp(now),
            "Hours": 24,
        },
        "Metrics": dict(metrics),
        "MetricsByTrigger": {name: dict(metrics) for name in names},
    }


def sample_event(trigger: str, row: WebhookRow, server_id: int) -> dict[str, Any]:
    """The test event posted to verify one trigger."""
    when = clock.postmark_timestamp(clock.now())
    event: dict[str, Any] = {
        "RecordType": trigger,
        "MessageStream": row.stream,
        "ServerID": server_id,
        "MessageID": _ZERO_ID,
        "Recipient": "john@example.com",
        "Tag": "webhook-verification",
        "Metadata": {},
    }
    if trigger in ("Bounce", "SpamComplaint"):
        kind = "HardBounce" if trigger == "Bounce" else "SpamComplaint"
        event.update(Email="john@example.com", BouncedAt=when, Type=kind, Inactive=False)
    elif trigger == "Delivery":
        event.update(DeliveredAt=when, Details="Test delivery webhook details")
    elif trigger == "SubscriptionChange":
        event.update(ChangedAt=when, Origin="Recipient", SuppressSending=True)
    else:
        event.update(ReceivedAt=when)
    return event
