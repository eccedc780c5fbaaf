"""Servers API (account token): list, get, create, edit, delete, iter."""

from __future__ import annotations

import pytest
import responses

import postmark

from .wire import API, Case, check, ids, sent

SERVER = {"ID": 7, "Name": "Staging", "Color": "Blue", "DeliveryType": "Sandbox"}

CASES = [
    Case(
        "list",
        lambda c: c.servers.list(10, 20, name="Stag"),
        "GET",
        "/servers",
        query={"count": "10", "offset": "20", "name": "Stag"},
        answer={"TotalCount": 1, "Servers": [SERVER]},
    ),
    Case("get", lambda c: c.servers.get(7), "GET", "/servers/7", answer=SERVER),
    Case(
        "create-with-delivery-type",
        lambda c: c.servers.create(name="Staging", color="Blue", delivery_type="Sandbox"),
        "POST",
        "/servers",
        body={"Name": "Staging", "Color": "Blue", "DeliveryType": "Sandbox"},
        answer=SERVER,
    ),
    Case(
        "edit",
        lambda c: c.servers.edit(7, name="Renamed", track_opens=True),
        "PUT",
        "/servers/7",
        body={"Name": "Renamed", "TrackOpens": True},
        answer={**SERVER, "Name": "Renamed"},
    ),
    Case(
        "delete",
        lambda c: c.servers.delete(7),
        "DELETE",
        "/servers/7",
        answer={"ErrorCode": 0, "Message": "Server Staging removed."},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, account: postmark.AccountClient) -> None:
    check(case, account, "account")


def test_iter_keeps_the_name_filter_on_every_page(account: postmark.AccountClient) -> None:
    responses.get(f"{API}/servers", json={"TotalCount": 501, "Servers": [SERVER] * 500})
    responses.get(f"{API}/servers", json={"TotalCount": 501, "Servers": [SERVER]})
    assert len(list(account.servers.iter(name="Stag"))) == 501
    assert [sent(i).query for i in range(2)] == [
        {"count": "500", "offset": "0", "name": "Stag"},
        {"count": "500", "offset": "500", "name": "Stag"},
    ]
