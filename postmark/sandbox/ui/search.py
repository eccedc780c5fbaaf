"""The list's search box: ``from:``, ``to:``, ``subject:``, ``tag:``, ``stream:`` and free text.

``from:billing@ subject:"your invoice" tag:receipt hello`` finds messages
from an address containing ``billing@`` whose subject contains ``your
invoice``, tagged ``receipt``, with ``hello`` in the subject, an address,
the tag or the MessageID. Values with spaces go in double quotes; every
part must match; case is ignored. A word with another ``name:`` prefix is
free text (``re:`` or ``10:30`` stay searchable as typed).
"""

from __future__ import annotations

import re

from ..store.inbox_state import InboxQuery

#: (prefix, what it matches), shown on the list page.
SYNTAX = (
    ("from:", "sender address or name contains"),
    ("to:", "a To, Cc or Bcc address contains"),
    ("subject:", "subject contains"),
    ("tag:", "tag is (whole tag)"),
    ("stream:", "message stream ID is (e.g. outbound, broadcast)"),
    ("free text", "subject, addresses, tag or MessageID contains"),
)
_FIELDS = {"from": "from_", "to": "to", "subject": "subject", "tag": "tag", "stream": "stream"}
_TERM = re.compile(r'(?:(\w+):)?(?:"([^"]*)"?|(\S+))')


def parse(text: str, status: str | None = None) -> InboxQuery:
    """The query ``text`` asks for (with the status filter, if one is chosen)."""
    query = InboxQuery(status=status or None)
    for match in _TERM.finditer(text):
        name, quoted, bare = match.group(1), match.group(2), match.group(3)
        value = quoted if quoted is not None else bare or ""
        target = _FIELDS.get((name or "").lower())
        if target is None:
            value = f"{name}:{value}" if name else value
            target = "words"
        if value:
            getattr(query, target).append(value)
    return query
