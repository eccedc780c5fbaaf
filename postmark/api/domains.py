"""Sending domains of the account: ``account_client.domains`` (Postmark's Domains API).

https://postmarkapp.com/developer/api/domains-api
"""

from __future__ import annotations

from collections.abc import Iterator

from postmark.api.base import Section, compact
from postmark.api.paging import iterate
from postmark.api.types import (
    Acknowledgement,
    Domain,
    DomainList,
    DomainSummary,
    SPFVerification,
)
from postmark.protocol import path_segment


def _path(domain_id: int | str, suffix: str = "") -> str:
    return f"/domains/{path_segment(domain_id)}{suffix}"


class DomainsAPI(Section):
    """Domains, their DNS records (DKIM, return path, SPF) and their checks."""

    def list(self, count: int = 25, offset: int = 0) -> DomainList:
        """One page of domains: ``{"TotalCount", "Domains": [...]}``.

        ``GET /domains?count=&offset=``
        """
        params = {"count": count, "offset": offset}
        result: DomainList = self._call("GET", "/domains", params=params)
        return result

    def iter(self) -> Iterator[DomainSummary]:
        """Every domain, lazily, 500 per request.

        ``GET /domains``
        """
        return iterate(self.list, "Domains", window=None)

    def get(self, domain_id: int | str) -> Domain:
        """One domain with its DNS records and their verification state.

        ``GET /domains/{domainid}``
        """
        result: Domain = self._call("GET", _path(domain_id))
        return result

    def create(self, *, name: str, return_path_domain: str | None = None) -> Domain:
        """Add a domain.

        ``POST /domains``

        Args:
            return_path_domain: a subdomain of ``name`` with a CNAME to
                ``pm.mtasv.net``, used as the bounce (Return-Path) address.
        """
        body = {"Name": name, "ReturnPathDomain": return_path_domain}
        result: Domain = self._call("POST", "/domains", json=compact(body))
        return result

    def edit(self, domain_id: int | str, *, return_path_domain: str) -> Domain:
        """Change a domain's return-path domain.

        ``PUT /domains/{domainid}``
        """
        body = {"ReturnPathDomain": return_path_domain}
        result: Domain = self._call("PUT", _path(domain_id), json=body)
        return result

    def delete(self, domain_id: int | str) -> Acknowledgement:
        """Delete a domain.

        ``DELETE /domains/{domainid}``
        """
        result: Acknowledgement = self._call("DELETE", _path(domain_id))
        return result

    def verify_dkim(self, domain_id: int | str) -> Domain:
        """Ask Postmark to check the domain's DKIM DNS record now.

        ``PUT /domains/{domainid}/verifyDkim``
        """
        result: Domain = self._call("PUT", _path(domain_id, "/verifyDkim"))
        return result

    def verify_return_path(self, domain_id: int | str) -> Domain:
        """Ask Postmark to check the return-path CNAME record now.

        ``PUT /domains/{domainid}/verifyReturnPath``
        """
        result: Domain = self._call("PUT", _path(domain_id, "/verifyReturnPath"))
        return result

    def verify_spf(self, domain_id: int | str) -> SPFVerification:
        """Check the domain's SPF record (deprecated by Postmark: SPF is no longer required).

        ``POST /domains/{domainid}/verifyspf``
        """
        result: SPFVerification = self._call("POST", _path(domain_id, "/verifyspf"))
        return result

    def rotate_dkim(self, domain_id: int | str) -> Domain:
        """Start replacing the domain's DKIM key; publish ``DKIMPendingTextValue``.

        ``POST /domains/{domainid}/rotatedkim``
        """
        result: Domain = self._call("POST", _path(domain_id, "/rotatedkim"))
        return result
