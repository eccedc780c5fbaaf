"""Domains, sender signatures and data removals (account token), with simulated DNS checks."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_helpers import Api, Result, assert_error

ACCOUNT = {"X-Postmark-Account-Token": "account-token"}


def call(api: Api, method: str, path: str, body: Any = None) -> Result:
    if body is None:
        return api.request(method, path, token=None, headers=ACCOUNT)
    return api.request(method, path, body, token=None, headers=ACCOUNT)


def ok(result: Result) -> Any:
    assert result.status == 200, result.body[:300]
    return result.json


# --- domains ---------------------------------------------------------------------------


def test_a_new_domain_has_pending_dkim_and_nothing_verified(api: Api) -> None:
    domain = ok(
        call(
            api,
            "POST",
            "/domains",
            {"Name": "Example.com", "ReturnPathDomain": "pm-bounces.example.com"},
        )
    )
    assert domain["Name"] == "example.com"
    assert domain["DKIMVerified"] is False and domain["ReturnPathDomainVerified"] is False
    assert domain["DKIMPendingHost"].endswith("pm._domainkey.example.com")
    assert domain["DKIMPendingTextValue"].startswith("k=rsa;p=")
    assert domain["DKIMHost"] == "" and domain["DKIMUpdateStatus"] == "Pending"
    assert domain["ReturnPathDomainCNAMEValue"] == "pm.mtasv.net"
    assert ok(call(api, "GET", f"/domains/{domain['ID']}")) == domain


def test_verification_rotation_and_revocation(api: Api) -> None:
    domain = ok(call(api, "POST", "/domains", {"Name": "example.com"}))
    path = f"/domains/{domain['ID']}"
    pending = domain["DKIMPendingHost"]
    verified = ok(call(api, "PUT", f"{path}/verifyDkim"))
    assert verified["DKIMVerified"] is True and verified["DKIMHost"] == pending
    assert verified["DKIMPendingHost"] == "" and verified["DKIMUpdateStatus"] == "Verified"

    rotated = ok(call(api, "POST", f"{path}/rotatedkim"))
    assert set(rotated) >= {"DKIMPendingHost", "DKIMRevokedHost", "DKIMUpdateStatus"}
    assert rotated["DKIMUpdateStatus"] == "Pending" and rotated["DKIMHost"] == pending
    assert rotated["DKIMPendingTextValue"] != verified["DKIMTextValue"]
    assert_error(call(api, "POST", f"{path}/rotateDKIM"), 422, 505)

    swapped = ok(call(api, "PUT", f"{path}/verifydkim"))  # any case of the segment
    assert swapped["DKIMRevokedHost"] == pending
    assert swapped["DKIMHost"] == rotated["DKIMPendingHost"]
    assert swapped["SafeToRemoveRevokedKeyFromDNS"] is True

    assert ok(call(api, "PUT", f"{path}/verifyReturnPath"))["ReturnPathDomainVerified"] is False
    ok(call(api, "PUT", path, {"ReturnPathDomain": "pm.example.com"}))
    assert ok(call(api, "PUT", f"{path}/verifyReturnPath"))["ReturnPathDomainVerified"] is True
    spf = ok(call(api, "POST", f"{path}/verifyspf"))
    assert spf == {
        "SPFHost": "example.com",
        "SPFVerified": True,
        "SPFTextValue": spf["SPFTextValue"],
    }


def test_invalid_tld_never_verifies(api: Api) -> None:
    domain = ok(call(api, "POST", "/domains", {"Name": "broken.invalid"}))
    after = ok(call(api, "PUT", f"/domains/{domain['ID']}/verifyDkim"))
    assert after["DKIMVerified"] is False and after["DKIMPendingHost"] == domain["DKIMPendingHost"]


def test_domain_list_and_delete(api: Api) -> None:
    ids = [ok(call(api, "POST", "/domains", {"Name": f"d{i}.example.com"}))["ID"] for i in range(3)]
    page = ok(call(api, "GET", "/domains?count=2&offset=1"))
    assert page["TotalCount"] == 3
    assert [d["ID"] for d in page["Domains"]] == ids[1:]
    assert set(page["Domains"][0]) == {
        "ID",
        "Name",
        "SPFVerified",
        "DKIMVerified",
        "WeakDKIM",
        "ReturnPathDomainVerified",
    }
    assert ok(call(api, "DELETE", f"/domains/{ids[0]}")) == {
        "ErrorCode": 0,
        "Message": "Domain d0.example.com removed.",
    }
    assert_error(call(api, "GET", f"/domains/{ids[0]}"), 422, 510)


@pytest.mark.parametrize(
    ("method", "path", "body", "code"),
    [
        ("POST", "/domains", {}, 511),
        ("POST", "/domains", {"ReturnPathDomain": "x.example.com"}, 514),
        ("POST", "/domains", {"Name": "a" * 256}, 515),
        ("POST", "/domains", {"Name": "not a domain"}, 516),
        ("POST", "/domains", {"Name": "gmail.com"}, 503),
        ("POST", "/domains", {"Name": "example.org", "ReturnPathDomain": "x.other.org"}, 522),
        ("POST", "/domains", {"Name": "example.org", "Bogus": True}, 403),
        ("GET", "/domains/404", None, 510),
        ("GET", "/domains/%C2%B2", None, 510),
        ("PUT", "/domains/99999999999999999999999/verifyDkim", None, 510),
        ("GET", "/domains?count=0&offset=0", None, 500),
    ],
)
def test_domain_errors(api: Api, method: str, path: str, body: Any, code: int) -> None:
    assert_error(call(api, method, path, body), 422, code)


def test_a_domain_name_is_added_once(api: Api) -> None:
    ok(call(api, "POST", "/domains", {"Name": "example.com"}))
    assert_error(call(api, "POST", "/domains", {"Name": "EXAMPLE.com"}), 422, 512)


# --- sender signatures -------------------------------------------------------------


def _signature(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"FromEmail": "support@example.com", "Name": "Support", **fields}
    return dict(ok(call(api, "POST", "/senders", body)))


def test_signature_confirmation_by_resend(api: Api) -> None:
    signature = _signature(api, ReplyToEmail="help@example.com", ConfirmationPersonalNote="Hi")
    assert signature["Confirmed"] is False
    assert (signature["Domain"], signature["EmailAddress"]) == (
        "example.com",
        "support@example.com",
    )
    assert signature["ReplyToEmailAddress"] == "help@example.com"
    assert signature["DKIMPendingHost"].endswith("._domainkey.example.com")
    path = f"/senders/{signature['ID']}"
    resent = ok(call(api, "POST", f"{path}/resend"))
    assert resent["ErrorCode"] == 0 and "support@example.com" in resent["Message"]
    assert ok(call(api, "GET", path))["Confirmed"] is True
    assert_error(call(api, "POST", f"{path}/resend"), 422, 506)


def test_signature_uses_its_domains_records(api: Api) -> None:
    domain = ok(call(api, "POST", "/domains", {"Name": "example.com"}))
    ok(call(api, "PUT", f"/domains/{domain['ID']}/verifyDkim"))
    signature = _signature(api)
    assert signature["DKIMVerified"] is True
    assert signature["DKIMHost"] == domain["DKIMPendingHost"]


def test_signature_list_edit_delete(api: Api) -> None:
    first = _signature(api)
    _signature(api, FromEmail="billing@example.com", Name="Billing")
    page = ok(call(api, "GET", "/senders?count=10&offset=0"))
    assert page["TotalCount"] == 2
    assert page["SenderSignatures"][0] == {
        "ID": first["ID"],
        "Domain": "example.com",
        "EmailAddress": "support@example.com",
        "ReplyToEmailAddress": "",
        "Name": "Support",
        "Confirmed": False,
    }
    edited = ok(call(api, "PUT", f"/senders/{first['ID']}", {"Name": "Help desk"}))
    assert edited["Name"] == "Help desk" and edited["EmailAddress"] == "support@example.com"
    # no DKIM verify call for signatures: requesting a key counts the pending one as found
    pending = ok(call(api, "GET", f"/senders/{first['ID']}"))["DKIMPendingHost"]
    assert ok(call(api, "POST", f"/senders/{first['ID']}/requestnewdkim"))["ErrorCode"] == 0
    renewed = ok(call(api, "GET", f"/senders/{first['ID']}"))
    assert renewed["DKIMHost"] == pending and renewed["DKIMPendingHost"] not in ("", pending)
    unfound = _signature(api, FromEmail="ops@nowhere.invalid", Name="Ops")
    assert_error(call(api, "POST", f"/senders/{unfound['ID']}/requestnewdkim"), 422, 505)
    assert ok(call(api, "POST", f"/senders/{first['ID']}/verifyspf"))["SPFVerified"] is True
    assert ok(call(api, "DELETE", f"/senders/{first['ID']}"))["ErrorCode"] == 0
    assert_error(call(api, "GET", f"/senders/{first['ID']}"), 422, 501)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (None, 502),
        ({"Name": "x"}, 520),
        ({"FromEmail": "a@example.com"}, 520),
        ({"FromEmail": "not-an-address", "Name": "x"}, 522),
        ({"FromEmail": "me@gmail.com", "Name": "x"}, 503),
        ({"FromEmail": "a@example.com", "Name": "x", "ConfirmationPersonalNote": "n" * 401}, 521),
        ({"FromEmail": "a@example.com", "Name": "x", "ConfirmationPersonalNote": "  "}, 522),
        ({"FromEmail": "a@example.com", "Name": "x", "ReplyToEmail": "nope"}, 522),
    ],
)
def test_signature_errors(api: Api, body: Any, code: int) -> None:
    assert_error(call(api, "POST", "/senders", body), 422, code)


def test_a_signature_address_is_added_once(api: Api) -> None:
    _signature(api)
    duplicate = call(api, "POST", "/senders", {"FromEmail": "SUPPORT@example.com", "Name": "x"})
    assert_error(duplicate, 422, 504)


# --- data removals ------------------------------------------------------------------


def test_data_removal_erases_the_address_everywhere(api: Api) -> None:
    staging = ok(call(api, "POST", "/servers", {"Name": "Staging"}))["ApiTokens"][0]
    for token in (None, staging):
        kw = {} if token is None else {"token": token}
        assert api.send(To="gone@example.com", Subject="bye", **kw).status == 200
        assert api.send(To="kept@example.com", Subject="stays", **kw).status == 200
    removal = ok(
        call(
            api,
            "POST",
            "/data-removals",
            {
                "RequestedBy": "dpo@example.com",
                "RequestedFor": "Gone@example.com",
                "NotifyWhenCompleted": False,
            },
        )
    )
    assert removal["Status"] == "Pending" and isinstance(removal["ID"], int)
    assert ok(call(api, "GET", f"/data-removals/{removal['ID']}")) == {
        "ID": removal["ID"],
        "Status": "Done",
    }
    for token in (None, staging):
        kw = {} if token is None else {"token": token}
        left = api.get("/messages/outbound?count=10&offset=0", **kw).json["Messages"]
        assert [m["Subject"] for m in left] == ["stays"]


@pytest.mark.parametrize(
    "body",
    [
        None,
        {"RequestedBy": "a@example.com"},
        {"RequestedBy": "a@example.com", "RequestedFor": "not an address"},
        {"RequestedBy": "a@example.com", "RequestedFor": "b@example.com", "Extra": 1},
        {"RequestedBy": "a@example.com", "RequestedFor": "b@example.com", "NotifyWhenCompleted": 1},
    ],
)
def test_data_removal_errors(api: Api, body: Any) -> None:
    assert_error(call(api, "POST", "/data-removals", body), 422, 1300)


def test_unknown_data_removal(api: Api) -> None:
    assert_error(call(api, "GET", "/data-removals/12"), 422, 1301)
    assert_error(call(api, "GET", "/data-removals/99999999999999999999999"), 422, 1301)
