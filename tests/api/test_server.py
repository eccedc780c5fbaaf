"""Server API (the token's own server): GET and PUT /server."""

from __future__ import annotations

import pytest

import postmark

from .wire import Case, check, ids

SERVER = {
    "ID": 1,
    "Name": "Production",
    "ApiTokens": ["secret"],
    "Color": "Purple",
    "DeliveryType": "Live",
    "InboundHookUrl": "https://example.com/inbound",
    "TrackOpens": True,
    "TrackLinks": "HtmlOnly",
}

CASES = [
    Case("get", lambda c: c.server.get(), "GET", "/server", answer=SERVER),
    Case(
        "edit-sends-only-the-settings-given",
        lambda c: c.server.edit(
            name="Production",
            color="Red",
            inbound_hook_url="https://example.com/inbound",
            inbound_spam_threshold=5,
            track_opens=False,
            track_links="None",
            post_first_open_only=True,
            smtp_api_activated=False,
            raw_email_enabled=True,
            bounce_hook_url="https://example.com/b",
            open_hook_url="https://example.com/o",
            delivery_hook_url="https://example.com/d",
            click_hook_url="https://example.com/c",
            inbound_domain="in.example.com",
            include_bounce_content_in_hook=True,
            enable_smtp_api_error_hooks=False,
        ),
        "PUT",
        "/server",
        body={
            "Name": "Production",
            "Color": "Red",
            "SmtpApiActivated": False,
            "RawEmailEnabled": True,
            "InboundHookUrl": "https://example.com/inbound",
            "BounceHookUrl": "https://example.com/b",
            "OpenHookUrl": "https://example.com/o",
            "DeliveryHookUrl": "https://example.com/d",
            "ClickHookUrl": "https://example.com/c",
            "PostFirstOpenOnly": True,
            "InboundDomain": "in.example.com",
            "InboundSpamThreshold": 5,
            "TrackOpens": False,
            "TrackLinks": "None",
            "IncludeBounceContentInHook": True,
            "EnableSmtpApiErrorHooks": False,
        },
        answer=SERVER,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


def test_a_misspelt_setting_is_refused_before_sending(server: postmark.ServerClient) -> None:
    with pytest.raises(TypeError, match="colour"):
        server.server.edit(colour="Red")  # type: ignore[call-arg]
