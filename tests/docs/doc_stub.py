"""Answers for the Postmark endpoints the sandbox does not model (yet).

The docs' examples run against the in-process sandbox. A few areas of the
API have no sandbox route (when this was written: the account API's
servers, domains, sender signatures and data removals, statistics, opens
and clicks, bulk sends, the legacy bounce tags). For those endpoints only, a
``responses`` callback answers with the example answer of Postmark's API
reference (fields the request sent are echoed back). Which endpoints are
stubbed is decided at run time by asking the sandbox's own router, so an
endpoint the sandbox learns to serve is from then on exercised for real.

Every other request to a local address passes through to the real server;
a request anywhere else (such as api.postmarkapp.com) fails, so no example
can reach the internet.
"""

from __future__ import annotations

import json
import re
from typing import Any

import responses

from postmark.api.inventory import ENDPOINTS, Endpoint
from postmark.sandbox.routes import api_router

LOCAL = r"http://127\.0\.0\.1:\d+"
ACK = {"ErrorCode": 0, "Message": "OK"}

_SERVER = {
    "ID": 1,
    "Name": "Production",
    "ApiTokens": ["server-token"],
    "Color": "Purple",
    "SmtpApiActivated": True,
    "DeliveryType": "Live",
    "TrackOpens": False,
    "TrackLinks": "None",
}
_DOMAIN = {
    "ID": 1234,
    "Name": "example.com",
    "DKIMVerified": True,
    "ReturnPathDomainVerified": False,
    "DKIMPendingHost": "",
    "DKIMPendingTextValue": "",
    "ReturnPathDomain": "pm-bounces.example.com",
    "ReturnPathDomainCNAMEValue": "pm.mtasv.net",
}
_SIGNATURE = {
    "ID": 36735,
    "Domain": "example.com",
    "EmailAddress": "support@example.com",
    "Name": "Support",
    "Confirmed": True,
}
_OPEN = {
    "RecordType": "Open",
    "MessageID": "927e56d2-dc08-4112-b1e4-8b1f2b1c6f0a",
    "Recipient": "ada@example.com",
    "ReceivedAt": "2024-05-14T09:21:37-04:00",
    "Platform": "WebMail",
    "Client": {"Name": "Gmail", "Company": "Google", "Family": "Gmail"},
}
_BULK = {
    "Id": "f24af63c-533d-4b7a-ad65-4a7b3202d3a7",
    "SubmittedAt": "2024-05-14T09:21:37-04:00",
    "TotalMessages": 2,
    "PercentageCompleted": 100.0,
    "Status": "Completed",
}

#: operation -> Postmark's example answer.
ANSWERS: dict[str, Any] = {
    "email.send_bulk": {**_BULK, "Status": "Accepted", "PercentageCompleted": 0.0},
    "email.get_bulk": _BULK,
    "email.list_bulk": {"Requests": [_BULK], "PaginationKey": None},
    "bounces.tags": ["welcome", "receipt"],
    "servers.list": {"TotalCount": 1, "Servers": [_SERVER]},
    "servers.get": _SERVER,
    "servers.create": {**_SERVER, "ID": 2},
    "servers.edit": _SERVER,
    "domains.list": {"TotalCount": 1, "Domains": [_DOMAIN]},
    "domains.get": _DOMAIN,
    "domains.create": _DOMAIN,
    "domains.edit": _DOMAIN,
    "domains.verify_dkim": _DOMAIN,
    "domains.verify_return_path": {**_DOMAIN, "ReturnPathDomainVerified": True},
    "domains.verify_spf": {"SPFHost": "example.com", "SPFVerified": True},
    "domains.rotate_dkim": {**_DOMAIN, "DKIMPendingHost": "20240514pm._domainkey.example.com"},
    "sender_signatures.list": {"TotalCount": 1, "SenderSignatures": [_SIGNATURE]},
    "sender_signatures.get": _SIGNATURE,
    "sender_signatures.create": {**_SIGNATURE, "Confirmed": False},
    "sender_signatures.edit": _SIGNATURE,
    "sender_signatures.verify_spf": _SIGNATURE,
    "data_removals.create": {"ID": 1234, "Status": "Pending"},
    "data_removals.get": {"ID": 1234, "Status": "Done"},
    "messages.list_opens": {"TotalCount": 1, "Opens": [_OPEN]},
    "messages.message_opens": {"TotalCount": 1, "Opens": [_OPEN]},
    "messages.list_clicks": {
        "TotalCount": 1,
        "Clicks": [{**_OPEN, "RecordType": "Click", "OriginalLink": "https://example.com"}],
    },
    "messages.message_clicks": {"TotalCount": 0, "Clicks": []},
    "stats.outbound": {
        "Sent": 615,
        "Bounced": 64,
        "SMTPApiErrors": 25,
        "BounceRate": 10.406,
        "SpamComplaints": 10,
        "SpamComplaintsRate": 1.626,
        "Opens": 166,
        "UniqueOpens": 26,
        "Tracked": 111,
        "WithClientRecorded": 14,
        "WithPlatformRecorded": 10,
        "WithReadTimeRecorded": 10,
    },
    "stats.sends": {"Days": [{"Date": "2024-05-01", "Sent": 140}], "Sent": 140},
    "stats.bounces": {"Days": [{"Date": "2024-05-01", "HardBounce": 12}], "HardBounce": 12},
}


def served(endpoint: Endpoint) -> bool:
    """Whether the sandbox has a route for this endpoint (with the same kind of token)."""
    concrete = re.sub(r"\{[^}]+\}", "1", endpoint.path)
    match = api_router().match(endpoint.method, concrete)
    return match is not None and match.route is not None and match.route.auth == endpoint.token


def stubbed() -> list[Endpoint]:
    """The endpoints answered by this stub."""
    return [endpoint for endpoint in ENDPOINTS if not served(endpoint)]


def _url(endpoint: Endpoint) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", endpoint.path)
    path = "".join("[^/?]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(rf"{LOCAL}{path}(\?.*)?$")


def _answer(endpoint: Endpoint, request: Any) -> tuple[int, dict[str, str], str]:
    answer = ANSWERS.get(endpoint.operation, ACK)
    sent = json.loads(request.body) if request.body else None
    if isinstance(answer, dict) and isinstance(sent, dict):
        answer = {**answer, **sent}  # created/edited fields come back as sent
    return 200, {"Content-Type": "application/json"}, json.dumps(answer)


def mock(*, stub: bool = True) -> responses.RequestsMock:
    """A ``responses`` mock: the stub for unmodelled endpoints, local servers otherwise.

    With ``stub=False`` nothing is stubbed: every request goes to the local
    server (so an endpoint the sandbox lacks fails), and still none leaves
    the machine.
    """
    requests_mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    for endpoint in stubbed() if stub else []:
        requests_mock.add_callback(
            endpoint.method,
            _url(endpoint),
            callback=lambda request, endpoint=endpoint: _answer(endpoint, request),
        )
    requests_mock.add_passthru(re.compile(LOCAL))
    return requests_mock
