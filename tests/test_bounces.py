"""PMBounceManager: the legacy methods over HTTPS, with real errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

import postmark
from postmark import PMBounceManager

API = "https://api.postmarkapp.com"
BOUNCE = {"ID": 692560173, "Type": "HardBounce", "Email": "no.such.user@example.com"}


def query() -> dict[str, list[str]]:
    return parse_qs(urlsplit(responses.calls[-1].request.url).query)


def test_api_key_setter_works_now() -> None:
    manager = PMBounceManager(api_key="first")
    manager.api_key = "second"
    assert manager.api_key == "second"


@responses.activate
def test_api_key_set_later_is_the_one_sent() -> None:
    responses.get(f"{API}/deliverystats", json={"InactiveMails": 1, "Bounces": []})
    manager = PMBounceManager()
    manager.api_key = "set-later"
    assert manager.delivery_stats() == {"InactiveMails": 1, "Bounces": []}
    assert responses.calls[0].request.headers["X-Postmark-Server-Token"] == "set-later"


@responses.activate
def test_missing_key_raises_legacy_message() -> None:
    with pytest.raises(postmark.PMMailMissingValueException) as caught:
        PMBounceManager().get_all()
    assert caught.value.parameter == "Cannot check bounces without a Postmark Server API Key"


@responses.activate
def test_get_all_keeps_old_signature_and_encodes_filters() -> None:
    responses.get(f"{API}/bounces", json={"TotalCount": 0, "Bounces": []})
    PMBounceManager(api_key="t").get_all(True, "a+b@example.com", "tag & more", 50, 100)
    assert query() == {
        "count": ["50"],
        "offset": ["100"],
        "inactive": ["true"],
        "emailFilter": ["a+b@example.com"],
        "tag": ["tag & more"],
    }
    assert "a%2Bb%40example.com" in responses.calls[-1].request.url


@responses.activate
def test_get_all_defaults_leave_empty_filters_out_and_accept_new_ones() -> None:
    responses.get(f"{API}/bounces", json={"TotalCount": 0, "Bounces": []})
    manager = PMBounceManager(api_key="t")
    manager.get_all()
    assert query() == {"count": ["25"], "offset": ["0"]}
    manager.get_all(
        inactive="false",
        type="HardBounce",
        message_stream="outbound",
        from_date="2024-01-01",
        to_date="2024-01-31",
        message_id="abc",
    )
    assert query() == {
        "count": ["25"],
        "offset": ["0"],
        "inactive": ["false"],
        "type": ["HardBounce"],
        "messagestream": ["outbound"],
        "fromdate": ["2024-01-01"],
        "todate": ["2024-01-31"],
        "messageID": ["abc"],
    }


@pytest.mark.parametrize(
    ("method", "verb", "path", "answer"),
    [
        ("get_single", "GET", "/bounces/692560173", BOUNCE),
        ("get_dump", "GET", "/bounces/692560173/dump", {"Body": "raw source"}),
        ("activate", "PUT", "/bounces/692560173/activate", {"Message": "OK", "Bounce": BOUNCE}),
    ],
)
@responses.activate
def test_single_bounce_calls(method: str, verb: str, path: str, answer: dict[str, Any]) -> None:
    responses.add(verb, API + path, json=answer)
    assert getattr(PMBounceManager(api_key="t"), method)(692560173) == answer
    request = responses.calls[0].request
    assert request.url == API + path
    assert request.url.startswith("https://")  # activate used plain HTTP before
    assert request.headers["X-Postmark-Server-Token"] == "t"


@responses.activate
def test_ids_are_encoded_into_the_path() -> None:
    responses.get(f"{API}/bounces/1%2F..%2Fserver", json={})
    PMBounceManager(api_key="t").get_single("1/../server")
    assert responses.calls[0].request.path_url == "/bounces/1%2F..%2Fserver"


@responses.activate
def test_errors_are_raised_not_returned() -> None:
    responses.get(
        f"{API}/bounces/1", status=422, json={"ErrorCode": 1001, "Message": "Bounce not found"}
    )
    with pytest.raises(postmark.UnprocessableEntityError) as caught:
        PMBounceManager(api_key="t").get_single(1)
    assert caught.value.error_code == 1001


@responses.activate
def test_get_tags_still_calls_the_old_endpoint() -> None:
    responses.get(f"{API}/bounces/tags", json=["welcome", "receipt"])
    assert PMBounceManager(api_key="t").get_tags() == ["welcome", "receipt"]


@responses.activate
def test_get_tags_404_says_the_endpoint_is_gone() -> None:
    responses.get(f"{API}/bounces/tags", status=404, body="Not Found")
    with pytest.raises(postmark.NotFoundError) as caught:
        PMBounceManager(api_key="t").get_tags()
    assert "no longer serves" in str(caught.value)
    assert caught.value.args == (str(caught.value),)


@responses.activate
def test_base_url_setting_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_API_URL", "http://127.0.0.1:9/")
    responses.get("http://127.0.0.1:9/deliverystats", json={"InactiveMails": 0})
    assert PMBounceManager(api_key="t").delivery_stats() == {"InactiveMails": 0}


@responses.activate
def test_client_iter_walks_every_page() -> None:
    pages = [
        {"TotalCount": 3, "Bounces": [{"ID": 1}, {"ID": 2}]},
        {"TotalCount": 3, "Bounces": [{"ID": 3}]},
    ]
    for page in pages:
        responses.get(f"{API}/bounces", json=page)
    client = postmark.ServerClient("t")
    assert [b["ID"] for b in client.bounces.iter(tag="x")] == [1, 2, 3]
    assert [parse_qs(urlsplit(c.request.url).query)["offset"] for c in responses.calls] == [
        ["0"],
        ["2"],
    ]
