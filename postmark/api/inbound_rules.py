"""Inbound rule triggers: ``client.inbound_rules`` (Postmark's Inbound Rules Triggers API).

Each rule blocks inbound mail from one address or one domain.

https://postmarkapp.com/developer/api/inbound-rules-triggers-api
"""

from __future__ import annotations

from postmark.api.base import M, Section, Walk, endpoint, paged
from postmark.api.paging import iterate
from postmark.api.types import Acknowledgement, InboundRule, InboundRuleList
from postmark.protocol import Request, path_segment

_RULES = "/triggers/inboundrules"


def _list(count: int, offset: int) -> Request[InboundRuleList]:
    return Request("GET", _RULES, params={"count": count, "offset": offset})


class InboundRulesAPI(Section[M]):
    """Block inbound senders by address or domain."""

    @endpoint
    def list(self, count: int = 25, offset: int = 0) -> Request[InboundRuleList]:
        """One page of rules: ``{"TotalCount", "InboundRules": [{"ID", "Rule"}]}``.

        ``GET /triggers/inboundrules?count=&offset=``
        """
        return _list(count, offset)

    @paged
    def iter(self) -> Walk[InboundRule]:
        """Every rule, lazily, 500 per request.

        ``GET /triggers/inboundrules``
        """
        return iterate(_list, "InboundRules", window=None)

    @endpoint
    def create(self, *, rule: str) -> Request[InboundRule]:
        """Block an email address (``spam@example.com``) or a domain (``example.com``).

        ``POST /triggers/inboundrules``
        """
        return Request("POST", _RULES, json={"Rule": rule})

    @endpoint
    def delete(self, trigger_id: int | str) -> Request[Acknowledgement]:
        """Remove a rule.

        ``DELETE /triggers/inboundrules/{triggerid}``
        """
        return Request("DELETE", f"{_RULES}/{path_segment(trigger_id)}")
