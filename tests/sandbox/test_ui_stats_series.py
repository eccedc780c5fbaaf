"""The stats page's numbers: per day, gaps filled, counted as the Stats API counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox_helpers import Api

from postmark.sandbox import Sandbox
from postmark.sandbox.rules import events
from postmark.sandbox.rules.clock import EASTERN
from postmark.sandbox.rules.stats import StatsFilter, day
from postmark.sandbox.ui import stats_series

BOUNCE_TO = "{}@bounce-testing.postmarkapp.com"


def _ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=EASTERN).timestamp()


def _event(sandbox: Sandbox, kind: str, when: str, **payload: Any) -> None:
    body = {"RecordType": kind, "MessageID": "m-1", "MessageStream": "outbound", **payload}
    events.record(sandbox._running_app(), body, _ts(when), post=False)


def _send(api: Api, **fields: Any) -> None:
    result = api.send(**fields)
    assert result.status == 200, result.body


def test_sends_and_bounces_match_the_stats_api(sandbox: Sandbox, api: Api) -> None:
    for _ in range(3):
        _send(api, Tag="news")
    _send(api, To=BOUNCE_TO.format("HardBounce"), Tag="news")
    _send(api, To=BOUNCE_TO.format("SoftBounce"))
    _send(api, To=BOUNCE_TO.format("SMTPApiError"))  # not a "Bounced" in Postmark's overview
    store = sandbox._running_app().store
    found = stats_series.activity(store, StatsFilter())
    overview = api.get("/stats/outbound").json
    assert found.totals["Sent"] == overview["Sent"] == 6
    assert found.totals["Bounced"] == overview["Bounced"] == 2
    today = day(datetime.now(EASTERN).timestamp())
    assert len(found.days) == stats_series.MIN_DAYS and found.days[-1] == today
    assert found.counts["Sent"] == [0] * 6 + [6] and found.counts["Bounced"] == [0] * 6 + [2]
    tagged = stats_series.activity(store, StatsFilter(tag="NEWS"))
    assert (tagged.totals["Sent"], tagged.totals["Bounced"]) == (4, 1)
    assert stats_series.activity(store, StatsFilter(stream="broadcast")).days == []
    assert stats_series.sent_by_tag(store, StatsFilter()) == [("news", 4), ("(no tag)", 2)]
    assert stats_series.sent_by_stream(store, StatsFilter(tag="news")) == [("outbound", 4)]
    assert stats_series.bounce_types(store, StatsFilter()) == [
        ("HardBounce", 1),
        ("SoftBounce", 1),
        ("SMTPApiError", 1),
    ]


def test_days_without_data_are_filled_with_zeros(sandbox: Sandbox, api: Api) -> None:
    _event(sandbox, "Open", "2024-05-01T09:00:00", Recipient="a@example.com")
    _event(sandbox, "Open", "2024-05-01T10:00:00", Recipient="a@example.com")
    _event(sandbox, "Click", "2024-05-04T10:00:00", Recipient="a@example.com", OriginalLink="x")
    _event(sandbox, "SpamComplaint", "2024-05-03T10:00:00", Email="a@example.com")
    found = stats_series.activity(sandbox._running_app().store, StatsFilter())
    # Seven days up to the last one with data, the gaps (and the days before) filled.
    assert found.days == [f"2024-04-{d}" for d in (28, 29, 30)] + [
        "2024-05-01",
        "2024-05-02",
        "2024-05-03",
        "2024-05-04",
    ]
    assert found.counts["Opens"] == [0, 0, 0, 2, 0, 0, 0]  # every open, not only unique ones
    assert found.counts["Clicks"] == [0, 0, 0, 0, 0, 0, 1]
    assert found.counts["Spam complaints"] == [0, 0, 0, 0, 0, 1, 0]
    assert found.counts["Sent"] == [0] * 7
    assert found.totals == {"Sent": 0, "Bounced": 0, "Spam complaints": 1, "Opens": 2, "Clicks": 1}


def test_filter_choices_list_outbound_streams_and_used_tags(sandbox: Sandbox, api: Api) -> None:
    _send(api, Tag="welcome")
    _send(api, Tag="news")
    _send(api)
    streams, tags = stats_series.filter_choices(sandbox._running_app().store)
    assert tags == ["news", "welcome"]
    assert streams == ["broadcast", "outbound"]
