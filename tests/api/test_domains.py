"""Domains API (account token), including DKIM/return-path/SPF checks and DKIM rotation."""

from __future__ import annotations

import pytest
import responses

import postmark

from .wire import API, Case, check, ids, sent

DOMAIN = {
    "ID": 36735,
    "Name": "example.com",
    "SPFVerified": True,
    "DKIMVerified": False,
    "WeakDKIM": False,
    "DKIMHost": "20240101pm._domainkey.example.com",
    "DKIMTextValue": "k=rsa;p=MIGf...",
    "DKIMPendingHost": "",
    "ReturnPathDomain": "pm-bounces.example.com",
    "ReturnPathDomainVerified": False,
    "ReturnPathDomainCNAMEValue": "pm.mtasv.net",
}

CASES = [
    Case(
        "list",
        lambda c: c.domains.list(50, 0),
        "GET",
        "/domains",
        query={"count": "50", "offset": "0"},
        answer={"TotalCount": 1, "Domains": [{"ID": 36735, "Name": "example.com"}]},
    ),
    Case("get", lambda c: c.domains.get(36735), "GET", "/domains/36735", answer=DOMAIN),
    Case(
        "create",
        lambda c: c.domains.create(name="example.com", return_path_domain="pm-bounces.example.com"),
        "POST",
        "/domains",
        body={"Name": "example.com", "ReturnPathDomain": "pm-bounces.example.com"},
        answer=DOMAIN,
    ),
    Case(
        "create-without-return-path",
        lambda c: c.domains.create(name="example.com"),
        "POST",
        "/domains",
        body={"Name": "example.com"},
        answer=DOMAIN,
    ),
    Case(
        "edit",
        lambda c: c.domains.edit(36735, return_path_domain="bounce.example.com"),
        "PUT",
        "/domains/36735",
        body={"ReturnPathDomain": "bounce.example.com"},
        answer=DOMAIN,
    ),
    Case(
        "delete",
        lambda c: c.domains.delete(36735),
        "DELETE",
        "/domains/36735",
        answer={"ErrorCode": 0, "Message": "Domain example.com removed."},
    ),
    Case(
        "verify-dkim",
        lambda c: c.domains.verify_dkim(36735),
        "PUT",
        "/domains/36735/verifyDkim",
        answer={**DOMAIN, "DKIMVerified": True},
    ),
    Case(
        "verify-return-path",
        lambda c: c.domains.verify_return_path(36735),
        "PUT",
        "/domains/36735/verifyReturnPath",
        answer={**DOMAIN, "ReturnPathDomainVerified": True},
    ),
    Case(
        "verify-spf",
        lambda c: c.domains.verify_spf(36735),
        "POST",
        "/domains/36735/verifyspf",
        answer={"SPFHost": "example.com", "SPFVerified": True, "SPFTextValue": "v=spf1 ..."},
    ),
    Case(
        "rotate-dkim",
        lambda c: c.domains.rotate_dkim(36735),
        "POST",
        "/domains/36735/rotatedkim",
        answer={**DOMAIN, "DKIMPendingHost": "20250101pm._domainkey.example.com"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, account: postmark.AccountClient) -> None:
    check(case, account, "account")


def test_iter(account: postmark.AccountClient) -> None:
    responses.get(f"{API}/domains", json={"TotalCount": 2, "Domains": [{"ID": 1}]})
    responses.get(f"{API}/domains", json={"TotalCount": 2, "Domains": [{"ID": 2}]})
    assert [d["ID"] for d in account.domains.iter()] == [1, 2]
    assert sent().query == {"count": "500", "offset": "1"}
