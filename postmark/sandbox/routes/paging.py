"""Query-string reading shared by the list routes."""

from __future__ import annotations

from ..http.errors import ApiError
from ..http.router import Context
from ..rules.clock import parse_query_date
from ..store.connection import MAX_ROW_ID, row_id

MAX_COUNT = 500
MAX_WINDOW = 10_000  # count + offset, for bounces and messages


def paging(
    ctx: Context,
    code: int,
    *,
    window: int | None = MAX_WINDOW,
    required: bool = True,
) -> tuple[int | None, int]:
    """``count`` (1-500) and ``offset`` (>= 0), with ErrorCode ``code`` when wrong.

    ``window`` caps ``count + offset`` (Postmark: 10,000 for bounces and
    messages). With ``required=False`` a missing count means "all".
    """
    count_text, offset_text = ctx.arg("count"), ctx.arg("offset")
    if count_text is None and not required:
        return None, _integer(offset_text or "0", "offset", code)
    if count_text is None or offset_text is None:
        missing = "count" if count_text is None else "offset"
        raise ApiError(code, f"The '{missing}' query parameter is required.")
    count = _integer(count_text, "count", code)
    offset = _integer(offset_text, "offset", code)
    if not 1 <= count <= MAX_COUNT:
        raise ApiError(code, f"The 'count' parameter must be between 1 and {MAX_COUNT}.")
    if window is not None and count + offset > window:
        raise ApiError(
            code,
            f"'count' plus 'offset' may not exceed {window}; narrow the search with "
            "'fromdate' and 'todate' instead.",
        )
    return count, offset


def _integer(text: str, name: str, code: int) -> int:
    """A non-negative integer in ASCII digits (``int()`` also takes ``"١٢"``, ``"1_0"``)."""
    digits = text.strip()
    if digits.startswith("-") and digits[1:].isascii() and digits[1:].isdigit():
        raise ApiError(code, f"The '{name}' parameter must not be negative.")
    value = row_id(digits)
    if value is None:
        raise ApiError(code, f"The '{name}' parameter must be an integer from 0 to {MAX_ROW_ID}.")
    return value


def date_range(ctx: Context, code: int) -> tuple[float | None, float | None]:
    """Inclusive ``fromdate``/``todate`` as epoch seconds (Eastern when no offset)."""
    bounds: list[float | None] = []
    for name, end in (("fromdate", False), ("todate", True)):
        text = ctx.arg(name)
        value = None if text is None else parse_query_date(text, end=end)
        if text is not None and value is None:
            raise ApiError(code, f"The '{name}' parameter must be a date or a date and time.")
        bounds.append(value)
    return bounds[0], bounds[1]


def boolean(ctx: Context, name: str, code: int) -> bool | None:
    """``true``/``false`` (any case); ``None`` when absent."""
    text = ctx.arg(name)
    if text is None or text == "":
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise ApiError(code, f"The '{name}' parameter must be true or false.")
