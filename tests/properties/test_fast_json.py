"""orjson (the ``fast`` extra) writes batch bodies byte for byte as ``json`` does (hypothesis).

orjson is in the dev extra, so CI runs this with both encoders installed;
the test imports it outright rather than skipping without it.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from postmark import fastjson
from postmark.protocol import encode_json
from postmark.sending import BatchPlan

MANY = settings(max_examples=200, deadline=None)


class Colour(enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    BIG = 2


scalars = st.one_of(
    st.text(st.characters(), max_size=20),  # any character, escapes and lone surrogates
    st.text(st.sampled_from(list('"\\/\x00\x1f\x7f\x80\u2028\u2029\ud800\U0001f600é')), max_size=8),
    st.integers(),  # beyond 64 bits too
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(),  # NaN, infinities, exponents
    st.booleans(),
    st.none(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(datetime.timezone.utc))),
    st.dates(),
    st.decimals(allow_nan=False),
    st.uuids(),
    st.sampled_from([Colour.RED, Size.BIG]),
)
keys = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none())
payloads = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(keys, inner, max_size=4),
    ),
    max_leaves=20,
)


def outcome(encode: Any, payload: Any) -> Any:
    try:
        return ("bytes", encode(payload))
    except (TypeError, ValueError) as error:  # what BatchPlan catches
        return ("refused", type(error))


@MANY
@given(payloads)
# Where the two differ, or refuse: json's choice must win.
@example(float("nan"))
@example([1e-05, 1e16, -0.0])
@example({"big": 2**64, "small": -(2**63) - 1})
@example(["\ud800"])
@example({None: 1, 2: [Colour.RED]})
def test_orjson_writes_json_s_bytes_or_json_decides(payload: Any) -> None:
    assert fastjson.orjson_dumps() is orjson.dumps
    assert outcome(fastjson.encode_large, payload) == outcome(encode_json, payload)


message = st.fixed_dictionaries(
    {"From": st.text(max_size=10), "To": st.text(max_size=10)},
    optional={"TemplateModel": payloads, "Metadata": st.dictionaries(st.text(max_size=5), scalars)},
)


@MANY
@given(st.lists(message, min_size=1, max_size=5))
def test_a_batch_body_is_the_same_whichever_encoder(messages: list[dict[str, Any]]) -> None:
    assert outcome(fastjson.encode_large, messages) == outcome(encode_json, messages)


def test_orjson_is_really_used_for_plain_bodies_and_not_for_the_rest() -> None:
    # Guards the property tests: both paths are taken.
    plain = [{"From": "a@example.com", "Subject": "é\u2028", "N": 2**63}]
    assert fastjson.plain(plain)
    assert fastjson.encode_large(plain) == orjson.dumps(plain) == encode_json(plain)
    assert not fastjson.plain([{"Price": 1e-05}])  # orjson would write 0.00001
    assert fastjson.encode_large([{"Price": 1e-05}]) == b'[{"Price":1e-05}]'
    assert not fastjson.plain({1: "x"})  # json writes the key as "1", orjson refuses it
    assert fastjson.encode_large({1: "x"}) == b'{"1":"x"}'
    assert not fastjson.plain([Size.BIG])
    day = {"When": datetime.date(2024, 5, 1), "Id": uuid.UUID(int=1), "P": decimal.Decimal("1.5")}
    assert fastjson.encode_large(day) == encode_json(day)


def test_a_lone_surrogate_and_a_cycle_are_still_refused_as_json_refuses_them() -> None:
    with pytest.raises(UnicodeEncodeError):
        fastjson.encode_large([{"Subject": "\ud800"}])
    looped: dict[str, Any] = {}
    looped["self"] = looped
    with pytest.raises(ValueError, match="Circular"):
        fastjson.encode_large([looped])


def test_a_batch_still_refuses_only_the_message_json_cannot_carry() -> None:
    plan = BatchPlan()
    plan.add(0, {"From": "a@example.com", "To": "b@example.com", "Subject": "ok"})
    plan.add(1, {"From": "a@example.com", "To": "b@example.com", "TemplateModel": {"x": "\udc00"}})
    plan.add(2, {"From": "a@example.com", "To": "b@example.com", "Subject": "ok too"})
    [chunk] = list(plan.pending())
    assert chunk.indexes == [0, 2]
    assert chunk.body == encode_json(
        [
            {"From": "a@example.com", "To": "b@example.com", "Subject": "ok"},
            {"From": "a@example.com", "To": "b@example.com", "Subject": "ok too"},
        ]
    )
    assert "lone surrogate" in str(plan.outcomes[1].error)
