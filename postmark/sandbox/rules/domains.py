"""Domains and sender signatures: their DNS records and simulated verification.

Nothing is looked up in DNS. A new domain (or the domain of a new sender
signature) gets a pending DKIM key, an SPF record and, with a
``ReturnPathDomain``, the CNAME to point it at; every check then passes at
once, except for names under the reserved ``.invalid`` top-level domain
(RFC 2606), which never verify, so a test can take the failing path too.

DKIM rotation (``POST /domains/{id}/rotatedkim``) puts a new key in the
``DKIMPending*`` fields (``DKIMUpdateStatus: "Pending"``; a second rotation
while one is pending answers 505); ``verifyDkim`` then makes it the active
key and moves the old one to ``DKIMRevoked*``, safe to remove from DNS.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from ..http.errors import ApiError
from . import clock

RETURN_PATH_CNAME = "pm.mtasv.net"
SPF_VALUE = "v=spf1 a mx include:spf.mtasv.net ~all"
MAX_DOMAIN_NAME = 255
# Postmark refuses public mailbox providers as sending domains (503).
FREE_MAIL = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
     "aol.com", "icloud.com", "me.com", "mail.com", "gmx.com", "proton.me", "protonmail.com"}
)  # fmt: skip
_DOMAIN = re.compile(r"^(?=.{1,255}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def check_domain_name(name: str, *, code: int) -> str:
    """A well-formed, non-free-mail domain name in lower case (``code`` when badly formed)."""
    lowered = name.strip().lower().rstrip(".")
    if not _DOMAIN.match(lowered):
        raise ApiError(code, f"'{name}' is not a valid domain name.")
    if lowered in FREE_MAIL:
        raise ApiError(503, f"Public domains such as '{lowered}' cannot be used to send.")
    return lowered


def verifies(name: str) -> bool:
    """Whether the simulated DNS checks pass for this domain."""
    return not name.lower().endswith(".invalid")


def _key(name: str, salt: str) -> str:
    digest = hashlib.sha256(f"{name}:{salt}".encode()).hexdigest()
    return f"k=rsa;p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ{digest}IDAQAB"


def _selector(name: str) -> str:
    """A DKIM host like Postmark's: ``20240514093012pm._domainkey.example.com``."""
    stamp = datetime.fromtimestamp(clock.now(), clock.EASTERN).strftime("%Y%m%d%H%M%S")
    return f"{stamp}pm._domainkey.{name}"


def new_dns(name: str, return_path: str | None) -> dict[str, Any]:
    """The DNS fields of a domain just added: DKIM pending, nothing verified."""
    selector = _selector(name)
    return {
        "SPFVerified": False,
        "SPFHost": name,
        "SPFTextValue": SPF_VALUE,
        "DKIMVerified": False,
        "WeakDKIM": False,
        "DKIMHost": "",
        "DKIMTextValue": "",
        "DKIMPendingHost": selector,
        "DKIMPendingTextValue": _key(name, selector),
        "DKIMRevokedHost": "",
        "DKIMRevokedTextValue": "",
        "SafeToRemoveRevokedKeyFromDNS": False,
        "DKIMUpdateStatus": "Pending",
        "ReturnPathDomain": return_path or "",
        "ReturnPathDomainVerified": False,
        "ReturnPathDomainCNAMEValue": RETURN_PATH_CNAME,
    }


def check_return_path(domain: str, value: str | None) -> str:
    """A return-path domain must be a subdomain of the domain (522 otherwise); ``""`` clears it."""
    if not value:
        return ""
    lowered = value.strip().lower().rstrip(".")
    if not lowered.endswith(f".{domain}") or not _DOMAIN.match(lowered):
        raise ApiError(522, f"The return-path domain must be a subdomain of '{domain}'.")
    return lowered


def verify_dkim(data: dict[str, Any]) -> None:
    """Make a pending key the active one (the old one is revoked), if DNS "has" it."""
    if not verifies(data["Name"]) or not data["DKIMPendingHost"]:
        return
    if data["DKIMHost"]:
        data["DKIMRevokedHost"] = data["DKIMHost"]
        data["DKIMRevokedTextValue"] = data["DKIMTextValue"]
        data["SafeToRemoveRevokedKeyFromDNS"] = True
    data["DKIMHost"], data["DKIMTextValue"] = data["DKIMPendingHost"], data["DKIMPendingTextValue"]
    data["DKIMPendingHost"] = data["DKIMPendingTextValue"] = ""
    data.update(DKIMVerified=True, DKIMUpdateStatus="Verified")


def rotate_dkim(data: dict[str, Any]) -> None:
    """Start a key rotation: a new pending key (505 when one is already pending)."""
    if data["DKIMPendingHost"]:
        raise ApiError(505, "A DKIM renewal is already scheduled for this domain.")
    selector = _selector(data["Name"])
    if selector == data["DKIMHost"]:
        selector = f"r{selector}"
    data.update(
        DKIMPendingHost=selector,
        DKIMPendingTextValue=_key(data["Name"], selector),
        DKIMUpdateStatus="Pending",
    )


def verify_return_path(data: dict[str, Any]) -> None:
    """The return-path CNAME "resolves" when one is set and the domain verifies."""
    data["ReturnPathDomainVerified"] = bool(data["ReturnPathDomain"]) and verifies(data["Name"])


def verify_spf(data: dict[str, Any]) -> None:
    """SPF checks are deprecated at Postmark; here they pass like the others."""
    data["SPFVerified"] = verifies(data["Name"])


DKIM_FIELDS = (
    "DKIMVerified",
    "WeakDKIM",
    "DKIMHost",
    "DKIMTextValue",
    "DKIMPendingHost",
    "DKIMPendingTextValue",
    "DKIMRevokedHost",
    "DKIMRevokedTextValue",
    "SafeToRemoveRevokedKeyFromDNS",
    "DKIMUpdateStatus",
)
