"""One message through ``PMMail.send()``: checked once, sent as ``client.email.send`` sends it.

``PMMail.send`` posts the payload its own build has just checked, without
the section's second check and copy (docs/performance.md), so the build must
refuse everything the section would refuse, and the bytes must not differ.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest
import responses

from postmark import PMMail, ServerClient
from postmark.exceptions import TransportError
from postmark.protocol import Call, decode_response

API = "https://api.postmarkapp.com"
ANSWER = {"To": "b@example.com", "MessageID": "m-1", "ErrorCode": 0, "Message": "OK"}


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(f"{API}/email", json=ANSWER)
        yield mock


FIELDS: dict[str, Any] = {
    "sender": "Me <me@bücher.example>",
    "to": ["a@example.com", "B <b@exämple.com>"],
    "cc": "c@example.com, d@example.com",
    "subject": "Hello",
    "text_body": "Hi",
    "html_body": "<p>Hi</p>",
    "custom_headers": {"X-Campaign": "spring"},
    "metadata": {"order": 7},
    "track_opens": True,
}


def test_pmmail_posts_the_bytes_the_section_posts(rsps: responses.RequestsMock) -> None:
    PMMail(api_key="t", **FIELDS).send()
    section_fields = dict(FIELDS, headers=FIELDS["custom_headers"])
    del section_fields["custom_headers"]
    with ServerClient("t") as client:
        client.email.send(**section_fields)
    first, second = (call.request.body for call in rsps.calls)
    assert first == second
    assert json.loads(first)["From"] == "Me <me@xn--bcher-kva.example>"  # checked: IDNA


def test_a_compressed_answer_shorter_once_decoded_is_not_cut_short() -> None:
    # Content-Length counts the gzip bytes; a tiny JSON body decodes shorter.
    raw = b'{"ErrorCode":0}'
    compressed = gzip.compress(raw)
    assert len(compressed) > len(raw)
    call = Call("POST", "/email", f"{API}/email", {}, b"{}")
    headers = {"Content-Length": str(len(compressed)), "Content-Encoding": "gzip"}
    assert decode_response(call, 200, raw, headers) == {"ErrorCode": 0}
    with pytest.raises(TransportError, match="IncompleteRead"):
        decode_response(call, 200, raw, {"Content-Length": str(len(compressed))})
