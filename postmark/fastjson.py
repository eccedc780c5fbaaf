"""Batch bodies through orjson when it is installed, byte for byte what ``json`` writes.

``pip install python-postmark[fast]`` installs `orjson`_; without it (the
default install depends on ``requests`` alone) nothing changes. A batch
body is 500 messages: ``json`` spends about 2 µs per message on it, orjson
a tenth of that.

The bytes must be :func:`postmark.protocol.encode_json`'s exactly, so orjson
is only given what both write alike: dicts with ``str`` keys, lists,
tuples, ``str``, ``int``, ``bool`` and ``None``, of exactly those types
(:func:`plain`). Anything else goes to ``json`` as before: floats (the two
write some exponents differently: ``1e-05`` / ``0.00001``), dates, decimals
and UUIDs (``json``'s default hook converts them), subclasses such as enums,
keys that are not strings. orjson refuses the rest of what it would write
differently: integers beyond 64 bits, lone surrogates, nesting deeper than
254; ``json`` then writes the body, or refuses it, as it always did.
tests/properties/test_fast_json.py compares both over arbitrary payloads.

orjson is imported on the first batch, not with ``postmark``: it imports
``dataclasses``, ``uuid`` and more, which ``from postmark import PMMail``
must not pay for (see docs/performance.md).

.. _orjson: https://pypi.org/project/orjson/
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from postmark.protocol import encode_json

#: The scalar types both encoders write alike.
_SCALARS = frozenset({str, int, bool, type(None)})
_CONTAINERS = frozenset({dict, list, tuple})
_ALLOWED = _SCALARS | _CONTAINERS
_STR = frozenset({str})

_NOT_LOOKED_FOR: Any = object()
_dumps: Callable[[Any], bytes] | None = _NOT_LOOKED_FOR


def plain(value: Any) -> bool:
    """Whether ``value`` holds only types orjson and ``json`` write alike (see the module)."""
    kind = type(value)
    if kind is dict:
        if not set(map(type, value)) <= _STR:
            return False
        items: Any = value.values()
    elif kind is list or kind is tuple:
        items = value
    else:
        return kind in _SCALARS
    # One C-level pass over the types; containers only are looked into.
    kinds = set(map(type, items))
    if kinds <= _SCALARS:
        return True
    return kinds <= _ALLOWED and all(map(plain, items))


def orjson_dumps() -> Callable[[Any], bytes] | None:
    """``orjson.dumps`` if orjson is installed, else None (looked for once)."""
    global _dumps
    if _dumps is _NOT_LOOKED_FOR:
        try:
            import orjson
        except ImportError:
            _dumps = None
        else:
            _dumps = orjson.dumps
    return _dumps


def encode_large(payload: Any) -> bytes:
    """:func:`~postmark.protocol.encode_json`'s bytes, through orjson when it can write them."""
    dumps = orjson_dumps()
    if dumps is not None and _is_plain(payload):
        try:
            return dumps(payload)
        except TypeError:  # orjson.JSONEncodeError: a big int, a lone surrogate, deep nesting
            pass
    return encode_json(payload)


def _is_plain(payload: Any) -> bool:
    try:
        return plain(payload)
    except RecursionError:  # a reference to itself (json says so) or very deep nesting
        return False
