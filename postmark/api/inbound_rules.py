"""Inbound rule triggers: ``client.inbound_rules`` (Postmark's Inbound Rules Triggers API).

Each rule blocks inbound mail from one address or one domain.

https://postmarkapp.com/developer/api/inbound-rules-triggers-api
"""

from __future__ import annotations

from collections.abc import Iterator

from postmark.api.base import Section
from postmark.api.paging import iterate
from postmark.api.types import Acknowledgement, InboundRule, InboundRuleList
from postmark.protocol import path_segment

_RULES = "/triggers/inboundrules"


class InboundRulesAPI(Section):
    """Block inbound senders by address or domain."""

    def list(self, count: int = 25, offset: int = 0) -> InboundRuleList:
        """One page of rules: ``{"TotalCount", "InboundRules": [{"ID", "Rule"}]}``.

        ``GET /triggers/inboundrules?count=&offset=``
        """
        params = {"count": count, "offset": offset}
        result: InboundRuleList = self._call("GET", _RULES, params=params)
        return result

    def iter(self) -> Iterator[InboundRule]:
        """Every rule, lazily, 500 per request.

        ``GET /triggers/inboundrules``
        """
        return iterate(self.list, "InboundRules", window=None)

    def create(self, *, rule: str) -> InboundRule:
        """Block an email address (``spam@example.com``) or a domain (``example.com``).

        ``POST /triggers/inboundrules``
        """
        result: InboundRule = self._call("POST", _RULES, json={"Rule": rule})
        return result

    def delete(self, trigger_id: int | str) -> Acknowledgement:
        """Remove a rule.

        ``DELETE /triggers/inboundrules/{triggerid}``
        """
        result: Acknowledgement = self._call("DELETE", f"{_RULES}/{path_segment(trigger_id)}")
        return result
