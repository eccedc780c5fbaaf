"""Bulk API: accepted at once, sent in the background (Accepted -> Processing -> Completed)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox
from postmark.sandbox.rules import bulk as rules_bulk

ORDER = ["Accepted", "Processing", "Completed"]


def bulk(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "From": "news@example.com",
        "Subject": "Hello {{name}}",
        "HtmlBody": "<p>Hi {{name}}</p>",
        "TextBody": "Hi {{name}}",
        "Tag": "digest",
        "Metadata": {"campaign": "may", "who": "shared"},
        "Messages": [
            {"To": "ada@example.com", "TemplateModel": {"name": "Ada"}},
            {
                "To": "bob@example.com",
                "TemplateModel": {"name": "<Bob>"},
                "Metadata": {"who": "bob"},
            },
        ],
    }
    body.update(fields)
    return body


def wait_done(api: Api, bulk_id: str, token: Any = None) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kw = {} if token is None else {"token": token}
        status = api.get(f"/email/bulk/{bulk_id}", **kw).json
        seen.append(status)
        if status["Status"] == "Completed":
            return seen
        time.sleep(0.01)
    raise AssertionError(f"bulk request never completed: {seen[-1]}")


def test_a_bulk_send_progresses_and_stores_one_message_per_recipient(
    sandbox: Sandbox, api: Api
) -> None:
    accepted = api.post("/email/bulk", bulk()).json
    assert accepted["Status"] == "Accepted" and accepted["PercentageCompleted"] == 0.0
    assert accepted["Id"] == accepted["ID"] and accepted["TotalMessages"] == 2
    statuses = wait_done(api, accepted["Id"])
    order = [ORDER.index(s["Status"]) for s in statuses]
    assert order == sorted(order), "the status went backwards"
    final = statuses[-1]
    assert final["PercentageCompleted"] == 100.0
    assert (final["ReleasedCount"], final["FailedCount"]) == (2, 0)
    assert final["Subject"] == "Hello {{name}}"
    sent = {m["To"]: m for m in sandbox.messages()}
    assert sent["ada@example.com"]["Subject"] == "Hello Ada"
    assert sent["bob@example.com"]["HtmlBody"] == "<p>Hi &lt;Bob&gt;</p>"
    assert sent["bob@example.com"]["TextBody"] == "Hi <Bob>"
    assert sent["bob@example.com"]["Metadata"] == {"campaign": "may", "who": "bob"}
    assert sent["ada@example.com"]["Tag"] == "digest"


def test_processing_is_visible_on_a_large_request(api: Api) -> None:
    many = [{"To": f"r{i}@example.com", "TemplateModel": {"name": str(i)}} for i in range(400)]
    accepted = api.post("/email/bulk", bulk(Messages=many)).json
    statuses = wait_done(api, accepted["Id"])
    assert statuses[-1]["ReleasedCount"] == 400
    percents = [s["PercentageCompleted"] for s in statuses]
    assert percents == sorted(percents)


def test_suppressed_recipients_count_as_failed(api: Api) -> None:
    body = {"Suppressions": [{"EmailAddress": "bob@example.com"}]}
    assert api.post("/message-streams/outbound/suppressions", body).status == 200
    accepted = api.post("/email/bulk", bulk()).json
    final = wait_done(api, accepted["Id"])[-1]
    assert (final["ReleasedCount"], final["FailedCount"]) == (1, 1)


def test_bulk_with_a_stored_template(sandbox: Sandbox, api: Api) -> None:
    template = {"Name": "T", "Alias": "digest", "Subject": "For {{name}}", "TextBody": "x"}
    assert api.post("/templates", template).status == 200
    body = bulk(TemplateAlias="digest", Subject=None, HtmlBody=None, TextBody=None)
    accepted = api.post("/email/bulk", {k: v for k, v in body.items() if v is not None}).json
    wait_done(api, accepted["Id"])
    assert sorted(m["Subject"] for m in sandbox.messages()) == ["For <Bob>", "For Ada"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"Messages": []}, 300),
        ({"Messages": None}, 300),
        ({"From": "not an address"}, 300),  # a shared problem is told once
        ({"Messages": [{"To": "bad"}, {"To": "a@example.com", "Cc": "worse"}]}, 11),
        ({"Messages": [{"To": "bad"}]}, 300),
        ({"Messages": [{"Cc": "a@example.com", "Bogus": 1}]}, 403),
        ({"TemplateAlias": "missing", "Subject": None, "HtmlBody": None, "TextBody": None}, 1101),
        ({"TemplateId": 5}, 1123),
        ({"Messages": [{"To": ", ".join(f"x{i}@example.com" for i in range(51))}]}, 300),
    ],
)
def test_a_bad_request_sends_nothing(
    sandbox: Sandbox, api: Api, fields: dict[str, Any], code: int
) -> None:
    body = {k: v for k, v in bulk(**fields).items() if v is not None or k == "Messages"}
    result = api.post("/email/bulk", body)
    assert_error(result, 422, code)
    if code == 11:
        assert [e["Index"] for e in result.json["Errors"]] == [0, 1]
    assert api.get("/email/bulk").json["Requests"] == []
    assert sandbox.messages() == []


def test_unknown_bulk_id_is_404_errorcode_12(api: Api) -> None:
    assert_error(api.get("/email/bulk/f24af63c-533d-4b7a-ad65-4a7b3202d3a7"), 404, 12)


def test_list_pages_with_a_pagination_key(api: Api) -> None:
    ids = [api.post("/email/bulk", bulk()).json["Id"] for _ in range(3)]
    for bulk_id in ids:
        wait_done(api, bulk_id)
    first = api.get("/email/bulk?count=2").json
    assert [r["Id"] for r in first["Requests"]] == ids[::-1][:2]
    assert first["PaginationKey"]
    second = api.get(f"/email/bulk?count=2&paginationKey={first['PaginationKey']}").json
    assert [r["Id"] for r in second["Requests"]] == [ids[0]]
    assert second["PaginationKey"] is None
    assert_error(api.get("/email/bulk?paginationKey=bogus"), 422, 13)
    assert_error(api.get("/email/bulk?count=501"), 422, 13)


def test_test_token_validates_and_stores_nothing(sandbox: Sandbox, api: Api) -> None:
    result = api.post("/email/bulk", bulk(), token="POSTMARK_API_TEST")
    assert result.json["Status"] == "Accepted"
    assert_error(api.post("/email/bulk", bulk(From=""), token="POSTMARK_API_TEST"), 422, 300)
    time.sleep(0.05)
    assert sandbox.messages() == []


def test_progress_is_recorded_after_every_recipient(
    sandbox: Sandbox, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background sender, run in the foreground: one progress step per stored message."""
    app = sandbox._running_app()
    body = {"Suppressions": [{"EmailAddress": "bob@example.com"}]}
    assert api.post("/message-streams/outbound/suppressions", body).status == 200
    composed = rules_bulk.checked_request(app, bulk())
    steps: list[tuple[str, int, int]] = []
    monkeypatch.setattr(
        app.store, "bulk_progress", lambda _id, status, ok, bad: steps.append((status, ok, bad))
    )
    rules_bulk.send_all(app, "some-id", composed)
    assert steps == [
        ("Processing", 0, 0),
        ("Processing", 1, 0),
        ("Processing", 1, 1),
        ("Completed", 1, 1),
    ]
