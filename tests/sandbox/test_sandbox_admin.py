"""``GET /__sandbox/messages`` is paginated (oldest first)."""

from __future__ import annotations

import pytest
from sandbox_helpers import Api, assert_error


def test_messages_come_in_pages(api: Api) -> None:
    for i in range(5):
        assert api.send(Subject=f"m{i}").status == 200
    page = api.get("/__sandbox/messages?count=2&offset=1").json
    assert page["TotalCount"] == 5
    assert [m["Subject"] for m in page["Messages"]] == ["m1", "m2"]
    assert len(api.get("/__sandbox/messages").json["Messages"]) == 5  # default page: 100


def test_default_page_is_100(api: Api) -> None:
    batch = [
        {"From": "a@example.com", "To": "b@example.com", "Subject": f"s{i}", "TextBody": "t"}
        for i in range(120)
    ]
    assert api.post("/email/batch", batch).status == 200
    page = api.get("/__sandbox/messages").json
    assert page["TotalCount"] == 120 and len(page["Messages"]) == 100


@pytest.mark.parametrize(
    "query", ["count=0", "count=501", "offset=-1", "count=x", f"offset={10**30}"]
)
def test_bad_paging_is_400(api: Api, query: str) -> None:
    assert_error(api.get(f"/__sandbox/messages?{query}"), 400, 400)
