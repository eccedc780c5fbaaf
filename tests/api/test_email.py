"""Email API: the send endpoints on the wire, and bulk send / status / list."""

from __future__ import annotations

from typing import Any

import pytest
import responses

import postmark
from postmark.api.email import bulk_recipient

from .wire import API, Case, check, ids, sent

SEND_ANSWER = {
    "To": "you@example.com",
    "SubmittedAt": "2024-05-14T09:21:37.5512864-04:00",
    "MessageID": "0ac29aee-e1cd-480d-b08d-4f48548ff48d",
    "ErrorCode": 0,
    "Message": "OK",
}
BULK = {
    "Id": "f24af63c-533d-4b7a-ad65-4a7b3202d3a7",
    "SubmittedAt": "2024-05-14T09:21:37-04:00",
    "TotalMessages": 2,
    "PercentageCompleted": 0.0,
    "Status": "Accepted",
}

CASES = [
    Case(
        "send",
        lambda c: c.email.send(
            sender="me@example.com", to="you@example.com", subject="Hi", text_body="Hello"
        ),
        "POST",
        "/email",
        body={
            "From": "me@example.com",
            "To": "you@example.com",
            "Subject": "Hi",
            "TextBody": "Hello",
        },
        answer=SEND_ANSWER,
    ),
    Case(
        "send-with-template",
        lambda c: c.email.send_with_template(
            sender="me@example.com",
            to="you@example.com",
            template_alias="welcome",
            template_model={"name": "Ann"},
        ),
        "POST",
        "/email/withTemplate",
        body={
            "From": "me@example.com",
            "To": "you@example.com",
            "TemplateAlias": "welcome",
            "TemplateModel": {"name": "Ann"},
        },
        answer=SEND_ANSWER,
    ),
    Case(
        "bulk-send",
        lambda c: c.email.send_bulk(
            sender="news@example.com",
            subject="Hello {{name}}",
            html_body="<p>Hi {{name}}</p>",
            message_stream="broadcast",
            messages=[
                {"to": "ann@example.com", "template_model": {"name": "Ann"}},
                {
                    "To": "bob@example.com",
                    "TemplateModel": {"name": "Bob"},
                    "Metadata": {"id": "2"},
                },
            ],
        ),
        "POST",
        "/email/bulk",
        body={
            "From": "news@example.com",
            "Subject": "Hello {{name}}",
            "HtmlBody": "<p>Hi {{name}}</p>",
            "MessageStream": "broadcast",
            "Messages": [
                {"To": "ann@example.com", "TemplateModel": {"name": "Ann"}},
                {
                    "To": "bob@example.com",
                    "TemplateModel": {"name": "Bob"},
                    "Metadata": {"id": "2"},
                },
            ],
        },
        answer=BULK,
    ),
    Case(
        "bulk-status",
        lambda c: c.email.get_bulk(BULK["Id"]),
        "GET",
        f"/email/bulk/{BULK['Id']}",
        answer={**BULK, "Status": "Completed", "PercentageCompleted": 100.0},
    ),
    Case(
        "bulk-list",
        lambda c: c.email.list_bulk(10, "key-1"),
        "GET",
        "/email/bulk",
        query={"count": "10", "paginationKey": "key-1"},
        answer={"Requests": [BULK], "PaginationKey": "key-2"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/email/batch", {"From": "me@example.com", "To": "you@example.com", "TextBody": "x"}),
        (
            "/email/batchWithTemplates",
            {
                "From": "me@example.com",
                "To": "you@example.com",
                "TemplateId": 7,
                "TemplateModel": {},
            },
        ),
    ],
)
def test_batch_endpoints(server: postmark.ServerClient, path: str, message: dict[str, Any]) -> None:
    responses.post(API + path, json=[SEND_ANSWER])
    result = server.email.send_batch_with_templates([message])
    request = sent()
    assert (request.method, request.path) == ("POST", path)
    wrapped = request.body if path == "/email/batch" else request.body["Messages"]
    assert wrapped == [message]
    assert request.headers["X-Postmark-Server-Token"] == "server-token-123"
    assert result.message_ids == [SEND_ANSWER["MessageID"]]


def test_bulk_send_in_postmarks_own_form(server: postmark.ServerClient) -> None:
    request = {
        "From": "news@example.com",
        "TemplateAlias": "digest",
        "Messages": [{"To": "ann@example.com", "TemplateModel": {"n": 1}}],
    }
    responses.post(f"{API}/email/bulk", json=BULK)
    assert server.email.send_bulk(request) == BULK
    assert sent().body == request


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        (
            {"sender": "a@example.com", "subject": "s", "text_body": "t", "messages": []},
            "at least one recipient",
        ),
        (
            {
                "sender": "a@example.com",
                "subject": "s",
                "text_body": "t",
                "messages": [{"TemplateModel": {}}],
            },
            "needs a To",
        ),
        (
            {
                "sender": "a@example.com",
                "to": "x@example.com",
                "subject": "s",
                "messages": [{"to": "y@example.com"}],
            },
            "belong to each recipient",
        ),
        (
            {
                "sender": "a@example.com",
                "subject": "s",
                "messages": [{"to": "y@example.com\r\nBcc: evil@example.com"}],
            },
            "line break",
        ),
    ],
)
def test_bulk_send_refuses_bad_input_before_sending(
    server: postmark.ServerClient, kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(postmark.InvalidMessageError, match=error):
        server.email.send_bulk(**kwargs)
    assert len(responses.calls) == 0


def test_bulk_recipient_builds_postmarks_entry() -> None:
    assert bulk_recipient(
        to=["ann@example.com", "Bob <bob@example.com>"],
        cc="boss@example.com",
        template_model={"name": "Ann"},
        metadata={"id": "1"},
        headers={"X-Campaign": "may"},
    ) == {
        "To": "ann@example.com, Bob <bob@example.com>",
        "Cc": "boss@example.com",
        "TemplateModel": {"name": "Ann"},
        "Metadata": {"id": "1"},
        "Headers": [{"Name": "X-Campaign", "Value": "may"}],
    }


def test_iter_bulk_follows_pagination_keys_and_stops_on_a_repeated_one(
    server: postmark.ServerClient,
) -> None:
    responses.get(f"{API}/email/bulk", json={"Requests": [{"Id": "a"}], "PaginationKey": "k1"})
    responses.get(f"{API}/email/bulk", json={"Requests": [{"Id": "b"}], "PaginationKey": "k2"})
    responses.get(f"{API}/email/bulk", json={"Requests": [{"Id": "c"}], "PaginationKey": "k1"})
    assert [r["Id"] for r in server.email.iter_bulk(count=1)] == ["a", "b", "c"]
    assert [sent(i).query for i in range(3)] == [
        {"count": "1"},
        {"count": "1", "paginationKey": "k1"},
        {"count": "1", "paginationKey": "k2"},
    ]


def test_iter_bulk_ends_without_a_key(server: postmark.ServerClient) -> None:
    responses.get(f"{API}/email/bulk", json={"Requests": [{"Id": "a"}]})
    assert [r["Id"] for r in server.email.iter_bulk()] == ["a"]
    assert sent().query == {}
