"""Sender signatures API (account token)."""

from __future__ import annotations

import pytest
import responses

import postmark

from .wire import API, Case, check, ids, sent

SIGNATURE = {
    "ID": 1,
    "Domain": "example.com",
    "EmailAddress": "me@example.com",
    "ReplyToEmailAddress": "help@example.com",
    "Name": "Me",
    "Confirmed": True,
    "ConfirmationPersonalNote": "Hi!",
}
DONE = {"ErrorCode": 0, "Message": "OK"}

CASES = [
    Case(
        "list",
        lambda c: c.sender_signatures.list(25, 25),
        "GET",
        "/senders",
        query={"count": "25", "offset": "25"},
        answer={"TotalCount": 1, "SenderSignatures": [SIGNATURE]},
    ),
    Case("get", lambda c: c.sender_signatures.get(1), "GET", "/senders/1", answer=SIGNATURE),
    Case(
        "create",
        lambda c: c.sender_signatures.create(
            from_email="me@example.com",
            name="Me",
            reply_to_email="help@example.com",
            return_path_domain="pm-bounces.example.com",
            confirmation_personal_note="Hi!",
        ),
        "POST",
        "/senders",
        body={
            "FromEmail": "me@example.com",
            "Name": "Me",
            "ReplyToEmail": "help@example.com",
            "ReturnPathDomain": "pm-bounces.example.com",
            "ConfirmationPersonalNote": "Hi!",
        },
        answer=SIGNATURE,
    ),
    Case(
        "edit",
        lambda c: c.sender_signatures.edit(1, name="Me Again"),
        "PUT",
        "/senders/1",
        body={"Name": "Me Again"},
        answer={**SIGNATURE, "Name": "Me Again"},
    ),
    Case("delete", lambda c: c.sender_signatures.delete(1), "DELETE", "/senders/1", answer=DONE),
    Case(
        "resend-confirmation",
        lambda c: c.sender_signatures.resend_confirmation(1),
        "POST",
        "/senders/1/resend",
        answer=DONE,
    ),
    Case(
        "verify-spf",
        lambda c: c.sender_signatures.verify_spf(1),
        "POST",
        "/senders/1/verifyspf",
        answer=SIGNATURE,
    ),
    Case(
        "request-new-dkim",
        lambda c: c.sender_signatures.request_new_dkim(1),
        "POST",
        "/senders/1/requestnewdkim",
        answer=DONE,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, account: postmark.AccountClient) -> None:
    check(case, account, "account")


def test_iter(account: postmark.AccountClient) -> None:
    responses.get(f"{API}/senders", json={"TotalCount": 1, "SenderSignatures": [SIGNATURE]})
    assert list(account.sender_signatures.iter()) == [SIGNATURE]
    assert sent().query == {"count": "500", "offset": "0"}
