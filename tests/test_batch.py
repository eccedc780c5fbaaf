"""PMBatchMail and client.email.send_batch: every message sent, every outcome kept."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
import responses

import postmark
from postmark import PMBatchMail, PMMail

API = "https://api.postmarkapp.com"


def message(i: int, **overrides: Any) -> PMMail:
    fields: dict[str, Any] = {
        "sender": "me@example.com",
        "to": f"user{i}@example.com",
        "subject": f"Message {i}",
        "text_body": "Hi",
    }
    fields.update(overrides)
    return PMMail(**fields)


def entry_for(item: dict[str, Any]) -> dict[str, Any]:
    """Postmark's answer for one message: an id derived from its recipient."""
    if "fail" in item["To"]:
        return {"ErrorCode": 300, "Message": f"Invalid 'To' address: '{item['To']}'."}
    if "gone" in item["To"]:
        return {
            "ErrorCode": 406,
            "Message": "You tried to send to a recipient that has been marked as inactive. "
            f"Found inactive addresses: {item['To']}. Inactive recipients are ones that have "
            "generated a hard bounce, a spam complaint, or a manual suppression. ",
        }
    return {
        "ErrorCode": 0,
        "Message": "OK",
        "MessageID": "id-" + item["To"],
        "To": item["To"],
        "SubmittedAt": "2024-05-14T09:21:37.5512864-04:00",
    }


def batch_answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
    body = json.loads(request.body or b"[]")
    items = body["Messages"] if isinstance(body, dict) else body
    return 200, {}, json.dumps([entry_for(item) for item in items])


def fake_batch_endpoints() -> None:
    for path in ("/email/batch", "/email/batchWithTemplates"):
        responses.add_callback(responses.POST, API + path, callback=batch_answer)


def sizes() -> list[int]:
    return [len(json.loads(call.request.body)) for call in responses.calls]


@responses.activate
def test_1201_messages_make_three_requests_and_every_id_lands_on_its_message() -> None:
    fake_batch_endpoints()
    messages = [message(i) for i in range(1201)]
    assert PMBatchMail(messages=messages, api_key="token").send() is True
    assert sizes() == [500, 500, 201]
    sent = [item["To"] for call in responses.calls for item in json.loads(call.request.body)]
    assert sent == [f"user{i}@example.com" for i in range(1201)]
    for i, msg in enumerate(messages):
        assert msg.message_id == f"id-user{i}@example.com"
    assert all(c.request.headers["X-Postmark-Server-Token"] == "token" for c in responses.calls)


@responses.activate
def test_failure_in_chunk_one_still_sends_chunks_two_and_three_then_raises() -> None:
    fake_batch_endpoints()
    messages = [message(i) for i in range(1201)]
    messages[7].to = "fail7@example.com"
    batch = PMBatchMail(messages=messages, api_key="token")
    with pytest.raises(postmark.PMMailUnprocessableEntityException) as caught:
        batch.send()
    assert sizes() == [500, 500, 201]
    error = caught.value
    assert isinstance(error, postmark.UnprocessableEntityError)
    assert "1 of 1201 messages failed" in str(error)
    assert error.outcomes is not None and len(error.outcomes) == 1201
    failed = [o for o in error.outcomes if not o.ok]
    assert [o.index for o in failed] == [7]
    assert failed[0].error_code == 300
    assert messages[7].message_id is None
    assert messages[1200].message_id == "id-user1200@example.com"
    assert batch.outcomes is not None and batch.outcomes[7].message.startswith("Invalid 'To'")


@responses.activate
def test_inactive_failures_raise_the_inactive_class_with_every_address() -> None:
    fake_batch_endpoints()
    messages = [message(0), message(1, to="gone1@example.com"), message(2)]
    messages += [message(i) for i in range(3, 600)]
    messages[550].to = "gone550@example.com"
    with pytest.raises(postmark.PMMailInactiveRecipientException) as caught:
        PMBatchMail(messages=messages, api_key="token").send()
    assert caught.value.inactive_recipients == ["gone1@example.com", "gone550@example.com"]
    assert messages[2].message_id == "id-user2@example.com"


@responses.activate
def test_return_json_gives_every_answer_in_input_order() -> None:
    fake_batch_endpoints()
    messages = [message(i) for i in range(3)]
    answers = PMBatchMail(messages=messages, api_key="token").send(return_json=True)
    assert [a["MessageID"] for a in answers] == [f"id-user{i}@example.com" for i in range(3)]


@responses.activate
def test_mixed_batch_routes_template_messages_to_their_endpoint() -> None:
    fake_batch_endpoints()
    plain = message(0)
    templated = message(
        1, subject=None, text_body=None, template_alias="welcome", template_model={"name": "Ada"}
    )
    batch = PMBatchMail(messages=[templated, plain], api_key="token")
    assert batch.template is True
    assert batch.send() is True
    by_path = {c.request.path_url: json.loads(c.request.body) for c in responses.calls}
    assert by_path["/email/batch"] == [plain.to_json_message()]
    assert by_path["/email/batchWithTemplates"] == {"Messages": [templated.to_json_message()]}
    assert templated.message_id == "id-user1@example.com"
    assert plain.message_id == "id-user0@example.com"


def request_tokens() -> dict[str, list[str]]:
    """Recipients of every request, by the token that request carried."""
    tokens: dict[str, list[str]] = {}
    for c in responses.calls:
        token = c.request.headers["X-Postmark-Server-Token"]
        tokens.setdefault(token, []).extend(m["To"] for m in json.loads(c.request.body))
    return tokens


@responses.activate
def test_batch_key_is_the_token_of_every_request_as_in_0_7() -> None:
    # 0.7 sent the batch's key whatever the messages said: a message built
    # with another key (or the settings' key) must not switch servers.
    fake_batch_endpoints()
    own = message(0, api_key="own-token")
    shared = message(1)
    PMBatchMail(messages=[own, shared], api_key="batch-token").send()
    assert request_tokens() == {"batch-token": ["user0@example.com", "user1@example.com"]}


@responses.activate
def test_batch_key_from_the_setter_and_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_batch_endpoints()
    monkeypatch.setenv("POSTMARK_API_KEY", "settings-token")
    PMBatchMail(messages=[message(0, api_key="own-token")]).send()
    batch = PMBatchMail(messages=[message(1, api_key="own-token")])
    batch.api_key = "setter-token"
    batch.send()
    assert request_tokens() == {
        "settings-token": ["user0@example.com"],
        "setter-token": ["user1@example.com"],
    }


@responses.activate
def test_messages_own_keys_are_used_only_when_the_batch_has_none() -> None:
    fake_batch_endpoints()
    batch = PMBatchMail(
        messages=[message(0, api_key="a"), message(1, api_key="b"), message(2, api_key="a")]
    )
    assert batch.send() is True
    assert request_tokens() == {
        "a": ["user0@example.com", "user2@example.com"],
        "b": ["user1@example.com"],
    }
    assert [o.index for o in batch.outcomes or []] == [0, 1, 2]
    assert [m.message_id for m in batch.messages] == [
        "id-user0@example.com",
        "id-user1@example.com",
        "id-user2@example.com",
    ]


@responses.activate
@pytest.mark.parametrize("test_mode", [False, True])
def test_one_incomplete_message_refuses_the_whole_batch_as_in_0_7(
    test_mode: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_batch_endpoints()
    good, bad, also_good = message(0), message(1, subject=None), message(2)
    batch = PMBatchMail(messages=[good, bad, also_good], api_key="token")
    with pytest.raises(postmark.PMMailMissingValueException) as caught:
        batch.send(test=test_mode)
    error = caught.value
    assert type(error) is postmark.MissingValueError
    assert error.parameter == "Cannot send an e-mail without a subject"
    assert error.message_index == 1
    assert str(error) == "Cannot send an e-mail without a subject (message #2 of the batch)"
    assert len(responses.calls) == 0
    assert capsys.readouterr().out == ""
    assert good.message_id is None and also_good.message_id is None


@responses.activate
def test_batch_without_any_token_fails_before_sending() -> None:
    fake_batch_endpoints()
    with pytest.raises(postmark.PMMailMissingValueException) as caught:
        PMBatchMail(messages=[message(0, api_key="a"), message(1)]).send()
    assert caught.value.parameter == "Cannot send an e-mail without a Postmark API Key"
    assert caught.value.message_index == 1
    assert len(responses.calls) == 0


@responses.activate
def test_client_send_batch_keeps_an_outcome_for_an_invalid_message() -> None:
    # The new API never lets one bad message sink the others.
    fake_batch_endpoints()
    client = postmark.ServerClient("token")
    good, bad = message(0).to_json_message(), message(1).to_json_message()
    bad["TrackLinks"] = "Sometimes"
    result = client.email.send_batch([good, bad, message(2)])
    assert sizes() == [2]
    assert [o.ok for o in result] == [True, False, True]
    assert result[1].error is not None and result[1].error.field == "TrackLinks"


@responses.activate
def test_batch_splits_at_50_megabytes() -> None:
    fake_batch_endpoints()
    blob = base64.b64encode(b"\0" * (7 * 1024 * 1024)).decode()  # ~9.3 MB encoded
    messages = [
        message(i, attachments=[("f.dat", blob, "application/octet-stream")]) for i in range(7)
    ]
    PMBatchMail(messages=messages, api_key="token").send()
    assert sizes() == [5, 2]
    assert all(len(c.request.body) <= 50 * 1024 * 1024 for c in responses.calls)
    assert all(m.message_id for m in messages)


@responses.activate
def test_odd_answers_are_failures_not_crashes() -> None:
    responses.post(
        f"{API}/email/batch",
        json=[
            {"ErrorCode": 0, "Message": "OK", "MessageID": "id-0"},
            {"ErrorCode": 0, "Message": "OK"},  # accepted without an id
        ],  # and no entry at all for the third message
    )
    messages = [message(i) for i in range(3)]
    with pytest.raises(postmark.PostmarkError) as caught:
        PMBatchMail(messages=messages, api_key="token").send()
    outcomes = caught.value.outcomes
    assert outcomes is not None
    assert [o.ok for o in outcomes] == [True, False, False]
    assert outcomes[1].error is not None and outcomes[1].error.may_have_been_sent
    assert "no entry" in str(outcomes[2].error)
    assert caught.value.may_have_been_sent


@responses.activate
def test_200_that_is_not_a_list_fails_every_message_of_that_request() -> None:
    responses.post(f"{API}/email/batch", json={"ErrorCode": 0, "Message": "OK"})
    with pytest.raises(postmark.APIError) as caught:
        PMBatchMail(messages=[message(0), message(1)], api_key="token").send()
    assert caught.value.outcomes is not None
    assert not any(o.ok for o in caught.value.outcomes)


@responses.activate
def test_bad_token_stops_after_the_first_request() -> None:
    responses.post(
        f"{API}/email/batch",
        status=401,
        json={"ErrorCode": 10, "Message": "Bad or missing API token"},
    )
    messages = [message(i) for i in range(1100)]
    with pytest.raises(postmark.PMMailUnauthorizedException) as caught:
        PMBatchMail(messages=messages, api_key="wrong").send()
    assert len(responses.calls) == 1
    assert caught.value.outcomes is not None and len(caught.value.outcomes) == 1100


@responses.activate
def test_rate_limited_chunk_is_retried_and_then_sent(no_sleep: list[float]) -> None:
    responses.post(f"{API}/email/batch", status=429, json={"ErrorCode": 429, "Message": "Slow"})
    responses.add_callback(responses.POST, f"{API}/email/batch", callback=batch_answer)
    messages = [message(i) for i in range(2)]
    assert PMBatchMail(messages=messages, api_key="token").send() is True
    assert len(responses.calls) == 2
    assert len(no_sleep) == 1


@responses.activate
def test_timed_out_chunk_is_not_resent_but_the_next_chunk_is() -> None:
    responses.post(f"{API}/email/batch", body=requests.ReadTimeout("read timed out"))
    responses.add_callback(responses.POST, f"{API}/email/batch", callback=batch_answer)
    messages = [message(i) for i in range(700)]
    with pytest.raises(postmark.RequestTimeoutError) as caught:
        PMBatchMail(messages=messages, api_key="token").send()
    assert len(responses.calls) == 2  # chunk 1 once (timed out), chunk 2 once
    outcomes = caught.value.outcomes
    assert outcomes is not None
    assert all(o.error is not None and o.error.may_have_been_sent for o in outcomes[:500])
    assert all(o.ok for o in outcomes[500:])
    assert caught.value.may_have_been_sent


@responses.activate
def test_test_mode_prints_each_chunk_and_returns_true(capsys: pytest.CaptureFixture[str]) -> None:
    messages = [message(i) for i in range(501)]
    assert PMBatchMail(messages=messages, api_key="token").send(test=True) is True
    printed = capsys.readouterr().out.split("JSON message is:\n")[1:]
    assert [len(json.loads(chunk)) for chunk in printed] == [500, 1]
    assert len(responses.calls) == 0


def test_add_and_remove_message() -> None:
    first, second = message(0), message(1)
    batch = PMBatchMail(api_key="token")
    batch.add_message(first)
    batch.add_message(second)
    batch.remove_message(first)
    batch.remove_message(first)  # absent: nothing happens, as before
    assert batch.messages == [second]


@responses.activate
def test_client_send_batch_returns_outcomes_without_raising() -> None:
    fake_batch_endpoints()
    client = postmark.ServerClient("token")
    result = client.email.send_batch(
        [
            {"From": "me@example.com", "To": "a@example.com", "Subject": "s", "TextBody": "t"},
            {"From": "me@example.com", "To": "fail@example.com", "Subject": "s", "TextBody": "t"},
        ]
    )
    assert [o.ok for o in result] == [True, False]
    assert result.message_ids == ["id-a@example.com", None]
    assert len(result.failed) == 1
    with pytest.raises(postmark.UnprocessableEntityError):
        result.raise_for_failures()


# --------------------------------------------------------------------------
# Outcomes made when read: the same outcomes as made at once


@responses.activate
def test_outcomes_made_when_read_are_those_made_at_once() -> None:
    from postmark.outcomes import BatchResult, outcome_from_entry

    fake_batch_endpoints()
    messages = [message(i) for i in range(3)] + [message(3, to="fail@example.com")]
    batch = PMBatchMail(messages=messages, api_key="t")
    with pytest.raises(postmark.PMMailUnprocessableEntityException):
        batch.send()
    assert batch.outcomes is not None
    eager = BatchResult(
        outcome_from_entry(i, entry_for({"To": m.to})) for i, m in enumerate(messages)
    )
    # Errors are compared by their reprs (exceptions compare by identity).
    assert batch.outcomes.succeeded == eager.succeeded
    assert repr(batch.outcomes) == repr(eager) == "<BatchResult 3 sent, 1 failed>"
    assert [repr(o) for o in batch.outcomes] == [repr(o) for o in eager]
    assert batch.outcomes.message_ids == eager.message_ids
    assert batch.outcomes.as_dicts() == [o.as_dict() for o in eager]
    for position, mail in enumerate(messages):
        assert mail.outcome is batch.outcomes[position]  # one object, read twice
        assert mail.message_id == eager[position].message_id


@responses.activate
def test_an_all_accepted_batch_reads_outcomes_lazily_and_alike() -> None:
    fake_batch_endpoints()
    messages = [message(i) for i in range(1200)]
    batch = PMBatchMail(messages=messages, api_key="t")
    answers = batch.send(return_json=True)
    result = batch.outcomes
    assert result is not None and len(result) == 1200
    assert result.failed == []
    assert result.message_ids == [f"id-user{i}@example.com" for i in range(1200)]
    assert answers == [entry_for({"To": f"user{i}@example.com"}) for i in range(1200)]
    last = messages[-1].outcome
    assert last is result[-1] and last is result[1199]
    assert (last.index, last.message_id, last.ok, last.error) == (
        1199,
        "id-user1199@example.com",
        True,
        None,
    )
    assert result[1:3] == [result[1], result[2]]
    assert [o.index for o in result] == list(range(1200))
    assert len(result.succeeded) == 1200


def test_accepted_ids_accepts_exactly_what_outcome_from_entry_accepts() -> None:
    from postmark.outcomes import accepted_ids, outcome_from_entry

    ok = {"ErrorCode": 0, "MessageID": "m1", "Message": "OK"}
    cases: list[Any] = [
        {"MessageID": "m2"},  # no ErrorCode: accepted
        {"ErrorCode": None, "MessageID": "m3"},
        {"ErrorCode": False, "MessageID": "m4"},  # == 0, as `in (0, None)` sees it
        {"ErrorCode": 0, "MessageID": ""},  # no id: not accepted
        {"ErrorCode": 0},
        {"ErrorCode": 406, "MessageID": "m5"},
        {"ErrorCode": "0", "MessageID": "m6"},
        ["not", "a", "dict"],
        None,
    ]
    for entry in cases:
        single = outcome_from_entry(0, entry)
        both = accepted_ids([ok, entry])
        assert (both is not None) == single.ok, entry
        if both is not None:
            assert both == ["m1", single.message_id]
    assert accepted_ids([]) is None
