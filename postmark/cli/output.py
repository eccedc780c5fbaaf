"""What the commands print: tables for people, JSON for programs, never a token.

In a terminal, list and get commands print a table (or ``Key  value``
lines); piped, or with ``--json``, they print Postmark's JSON unchanged
except for tokens, which are redacted everywhere (at most their last four
characters are shown).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Shown instead of a token; the last 4 characters follow when the token is long enough.
MASK = "****"
_CELL_WIDTH = 40
_VALUE_WIDTH = 100


@dataclass(frozen=True)
class Table:
    """How to show a list answer: which key holds the rows, and which columns to show.

    ``rows`` is None when the answer is itself the list of rows.
    """

    columns: tuple[str, ...]
    rows: str | None = None


# --------------------------------------------------------------------------
# Tokens


def mask(token: str) -> str:
    """``"****abcd"``: the last 4 characters of a long token, nothing of a short one."""
    return MASK + token[-4:] if len(token) >= 12 else MASK


def redact(data: Any, secrets: Iterable[str] = ()) -> Any:
    """``data`` with every token masked: values of keys naming a token, and known secrets.

    Postmark returns tokens in answers (``ApiTokens`` of ``GET /server`` and
    ``/servers``); the CLI's own tokens are masked wherever they appear.
    """
    known = [s for s in secrets if s]
    return _redact(data, known, under_token_key=False)


def _redact(data: Any, secrets: list[str], *, under_token_key: bool) -> Any:
    if isinstance(data, dict):
        return {
            key: _redact(value, secrets, under_token_key="token" in str(key).lower())
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_redact(item, secrets, under_token_key=under_token_key) for item in data]
    if isinstance(data, str):
        if under_token_key and data:
            return mask(data)
        for secret in secrets:
            data = data.replace(secret, mask(secret))
    return data


def secrets_of(args: argparse.Namespace) -> list[str]:
    """The tokens the command was given (never to be printed)."""
    return [t for t in (getattr(args, "token", None), getattr(args, "account_token", None)) if t]


# --------------------------------------------------------------------------
# Printing


def wants_json(args: argparse.Namespace) -> bool:
    """JSON with ``--json`` or when stdout is not a terminal (a pipe, a file)."""
    return bool(getattr(args, "json_output", False)) or not sys.stdout.isatty()


def emit(data: Any, args: argparse.Namespace, table: Table | None = None) -> None:
    """Print an answer: JSON for programs, a table or key/value lines for people."""
    data = redact(data, secrets_of(args))
    if wants_json(args):
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif table is not None:
        print(render_list(data, table))
    else:
        print(render_record(data))


def render_list(data: Any, table: Table) -> str:
    """A list answer as a table, with a count line (``3 of 120 shown``)."""
    rows = data.get(table.rows, []) if table.rows and isinstance(data, dict) else data
    if not isinstance(rows, list):
        return render_record(data)
    lines = render_table(rows, table.columns) if rows else ["(none)"]
    total = data.get("TotalCount") if isinstance(data, dict) else None
    if isinstance(total, int) and total > len(rows):
        lines.append(f"{len(rows)} of {total} shown; use --count and --offset for more")
    return "\n".join(lines)


def render_table(rows: Sequence[Any], columns: Sequence[str]) -> list[str]:
    """Aligned columns, one line per row; long cells are cut with an ellipsis."""
    cells = [[_cell(row.get(c) if isinstance(row, dict) else row) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return lines


def render_record(data: Any) -> str:
    """One object as ``Key  value`` lines (nested values as compact JSON)."""
    if not isinstance(data, dict):
        return _shorten(_text(data), _VALUE_WIDTH * 4)
    if not data:
        return "(empty)"
    width = max(len(str(key)) for key in data)
    return "\n".join(
        f"{str(key).ljust(width)}  {_shorten(_text(value), _VALUE_WIDTH)}".rstrip()
        for key, value in data.items()
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _cell(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)  # recipients, triggers ...
    return _shorten(_text(value).replace("\n", " "), _CELL_WIDTH)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
