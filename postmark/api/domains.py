"""Sending domains of the account: ``account_client.domains`` (Postmark's Domains API).

https://postmarkapp.com/developer/api/domains-api
"""

from __future__ import annotations

from postmark.api.base import M, Section, Walk, compact, endpoint, paged
from postmark.api.paging import iterate
from postmark.api.types import (
    Acknowledgement,
    Domain,
    DomainList,
    DomainSummary,
    SPFVerification,
)
from postmark.protocol import Request, path_segment


def _path(domain_id: int | str, suffix: str = "") -> str:
    return f"/domains/{path_segment(domain_id)}{suffix}"


def _list(count: int, offset: int) -> Request[DomainList]:
    return Request("GET", "/domains", params={"count": count, "offset": offset})


class DomainsAPI(Section[M]):
    """Domains, their DNS records (DKIM, return path, SPF) and their checks."""

    @endpoint
    def list(self, count: int = 25, offset: int = 0) -> Request[DomainList]:
        """One page of domains: ``{"TotalCount", "Domains": [...]}``.

        ``GET /domains?count=&offset=``
        """
        return _list(count, offset)

    @paged
    def iter(self) -> Walk[DomainSummary]:
        """Every domain, lazily, 500 per request.

        ``GET /domains``
        """
        return iterate(_list, "Domains", window=None)

    @endpoint
    def get(self, domain_id: int | str) -> Request[Domain]:
        """One domain with its DNS records and their verification state.

        ``GET /domains/{domainid}``
        """
        return Request("GET", _path(domain_id))

    @endpoint
    def create(self, *, name: str, return_path_domain: str | None = None) -> Request[Domain]:
        """Add a domain.

        ``POST /domains``

        Args:
            return_path_domain: a subdomain of ``name`` with a CNAME to
                ``pm.mtasv.net``, used as the bounce (Return-Path) address.
        """
        body = {"Name": name, "ReturnPathDomain": return_path_domain}
        return Request("POST", "/domains", json=compact(body))

    @endpoint
    def edit(self, domain_id: int | str, *, return_path_domain: str) -> Request[Domain]:
        """Change a domain's return-path domain.

        ``PUT /domains/{domainid}``
        """
        body = {"ReturnPathDomain": return_path_domain}
        return Request("PUT", _path(domain_id), json=body)

    @endpoint
    def delete(self, domain_id: int | str) -> Request[Acknowledgement]:
        """Delete a domain.

        ``DELETE /domains/{domainid}``
        """
        return Request("DELETE", _path(domain_id))

    @endpoint
    def verify_dkim(self, domain_id: int | str) -> Request[Domain]:
        """Ask Postmark to check the domain's DKIM DNS record now.

        ``PUT /domains/{domainid}/verifyDkim``
        """
        return Request("PUT", _path(domain_id, "/verifyDkim"))

    @endpoint
    def verify_return_path(self, domain_id: int | str) -> Request[Domain]:
        """Ask Postmark to check the return-path CNAME record now.

        ``PUT /domains/{domainid}/verifyReturnPath``
        """
        return Request("PUT", _path(domain_id, "/verifyReturnPath"))

    @endpoint
    def verify_spf(self, domain_id: int | str) -> Request[SPFVerification]:
        """Check the domain's SPF record (deprecated by Postmark: SPF is no longer required).

        ``POST /domains/{domainid}/verifyspf``
        """
        return Request("POST", _path(domain_id, "/verifyspf"))

    @endpoint
    def rotate_dkim(self, domain_id: int | str) -> Request[Domain]:
        """Start replacing the domain's DKIM key; publish ``DKIMPendingTextValue``.

        ``POST /domains/{domainid}/rotatedkim``
        """
        return Request("POST", _path(domain_id, "/rotatedkim"))
