"""HTML source with syntax colours, made on the server (no script, nothing loaded).

Tags, attribute names, attribute values, comments and the doctype become
``<span class="hl-...">`` around escaped text; everything else is escaped
text. What comes out is always the input, escaped, with spans added: the
highlighter never drops or reorders a character.
"""

from __future__ import annotations

import re

from .format import esc

_TOKEN = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z))"
    r"|(?P<doctype><![^>]*>?)"
    r"|(?P<tag></?[A-Za-z][^\s/>]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)(?P<end>/?>)?",
    re.DOTALL,
)
_ATTR = re.compile(r"""(?P<name>[^\s=/>"']+)(?P<eq>\s*=\s*)?(?P<value>"[^"]*"|'[^']*'|[^\s>]+)?""")


def _span(kind: str, text: str) -> str:
    return f'<span class="hl-{kind}">{esc(text)}</span>' if text else ""


def _attrs(text: str) -> str:
    out, last = [], 0
    for match in _ATTR.finditer(text):
        out.append(esc(text[last : match.start()]))
        out.append(_span("attr", match["name"]))
        out.append(esc(match["eq"] or ""))
        out.append(_span("val", match["value"] or "") if match["eq"] else esc(match["value"] or ""))
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def highlight_html(source: str) -> str:
    """``source`` as escaped HTML with highlight spans (for a ``<pre>``)."""
    out, last = [], 0
    for match in _TOKEN.finditer(source):
        out.append(esc(source[last : match.start()]))
        if match["comment"] is not None:
            out.append(_span("comment", match["comment"]))
        elif match["doctype"] is not None:
            out.append(_span("doctype", match["doctype"]))
        else:
            out.append(_span("tag", match["tag"]))
            out.append(_attrs(match["attrs"] or ""))
            out.append(_span("tag", match["end"] or ""))
        last = match.end()
    out.append(esc(source[last:]))
    return "".join(out)
