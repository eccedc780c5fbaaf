"""How one Postmark API call is described, encoded, retried and decoded.

Nothing here touches the network. The synchronous transport (``requests``)
and the Tornado executor (``AsyncHTTPClient``) both build a :class:`Call`,
ask :class:`RetryPolicy` whether to try again, and turn the answer into a
result or an exception with :func:`decode_response`, so the two never drift
apart.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from postmark import config
from postmark._version import __version__
from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InactiveRecipientError,
    NotFoundError,
    PayloadTooLargeError,
    PostmarkError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    TLSError,
    TransportError,
    UnauthorizedError,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

logger = logging.getLogger("postmark")
E = TypeVar("E", bound=PostmarkError)
T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.postmarkapp.com"
SERVER_TOKEN_HEADER = "X-Postmark-Server-Token"  # noqa: S105 (a header name)
ACCOUNT_TOKEN_HEADER = "X-Postmark-Account-Token"  # noqa: S105
#: Header names whose values are secrets: never logged, never shown in a repr.
SECRET_HEADERS = frozenset(h.lower() for h in (SERVER_TOKEN_HEADER, ACCOUNT_TOKEN_HEADER))

#: Methods that may be replayed after the request possibly reached Postmark.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def user_agent(*extra: str) -> str:
    """``python-postmark/1.0 (Python 3.12.1; Django 5.2)``; Django only when in use.

    ``extra`` adds parts such as ``"Tornado 6.4"`` (the Tornado executor does).
    """
    # sys.version starts with what platform.python_version() returns, without
    # importing platform (import time counts: see benchmarks/).
    parts = [f"Python {sys.version.split()[0]}"]
    django = sys.modules.get("django")
    if django is not None and hasattr(django, "get_version"):
        parts.append(f"Django {django.get_version()}")
    parts.extend(extra)
    return f"python-postmark/{__version__} ({'; '.join(parts)})"


# --------------------------------------------------------------------------
# Encoding


def _json_default(value: Any) -> Any:
    """Serialise what ``json`` does not know, as Django's ``DjangoJSONEncoder`` does.

    Dates and times in ISO 8601 (microseconds cut to milliseconds, UTC as
    ``Z``), durations in ISO 8601, ``Decimal``, ``UUID`` and Django lazy
    strings as strings; sets as sorted lists. Anything else is refused.
    """
    # Imported here: this runs only for values json does not know.
    import datetime
    import decimal
    import uuid

    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return _iso(value)
    if isinstance(value, datetime.timedelta):
        return _iso_duration(value)
    if isinstance(value, decimal.Decimal | uuid.UUID | str):
        return str(value)
    promise = _django_promise_type()
    if promise is not None and isinstance(value, promise):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serialisable; "
        "convert it to str, int, float, bool, list or dict before sending."
    )


def _iso(value: Any) -> str:
    import datetime

    if isinstance(value, datetime.time) and value.utcoffset() is not None:
        raise TypeError("a time of day with a timezone is ambiguous; send a datetime instead")
    text: str = value.isoformat()
    if getattr(value, "microsecond", 0):
        # DjangoJSONEncoder: milliseconds, not microseconds
        cut = 23 if isinstance(value, datetime.datetime) else 12
        text = text[:cut] + text[cut + 3 :]
    if text.endswith("+00:00"):
        text = text.removesuffix("+00:00") + "Z"
    return text


def _iso_duration(value: Any) -> str:
    """``P4DT01H02M03.000004S``, as Django's ``duration_iso_string``."""
    sign = "-" if value.days < 0 else ""
    if value.days < 0:
        value = -value
    minutes, seconds = divmod(value.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    micro = f".{value.microseconds:06d}" if value.microseconds else ""
    return f"{sign}P{value.days}DT{hours:02d}H{minutes:02d}M{seconds:02d}{micro}S"


def _django_promise_type() -> type | None:
    # Looked up only when an unknown object appears, and only if Django is
    # already imported: plain scripts never pay for it.
    functional = sys.modules.get("django.utils.functional")
    return getattr(functional, "Promise", None)


# One encoder for every call: json.dumps() with options builds a new encoder
# object each time, a large part of the cost of encoding a small message.
# encode() keeps no state between calls, so sharing it between threads is safe.
_ENCODER = json.JSONEncoder(default=_json_default, ensure_ascii=False, separators=(",", ":"))


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON, the way every request body is sent."""
    return _ENCODER.encode(payload).encode("utf-8")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def build_url(base_url: str, path: str, params: Mapping[str, Any] | None = None) -> str:
    """Join base URL and path and URL-encode the query (``None`` values are left out)."""
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    if params:
        query = urlencode(
            [(k, _query_value(v)) for k, v in params.items() if v is not None],
            quote_via=quote,
        )
        if query:
            url = f"{url}?{query}"
    return url


def path_segment(value: Any) -> str:
    """One URL-encoded path segment (an id, alias or stream name from the caller)."""
    return quote(str(value), safe="")


# --------------------------------------------------------------------------
# The call


class Call:
    """Everything needed to put one request on the wire, for any HTTP client.

    Immutable. A plain class rather than a dataclass: importing
    :mod:`dataclasses` (and :mod:`inspect` with it) costs more than
    everything else this module does at import time.
    """

    __slots__ = ("body", "headers", "method", "path", "url")

    method: str
    path: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None

    def __init__(
        self,
        method: str,
        path: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None = None,
    ) -> None:
        setter = object.__setattr__  # one per field: the class refuses plain assignment
        setter(self, "body", body)
        setter(self, "headers", headers)
        setter(self, "method", method)
        setter(self, "path", path)
        setter(self, "url", url)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Call is immutable; cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Call):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # headers may be a dict

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    @property
    def label(self) -> str:
        """``POST /email``: what logs and error messages show (never the query or token)."""
        return f"{self.method} /{self.path.lstrip('/').split('?', 1)[0]}"

    def __repr__(self) -> str:
        return f"<Call {self.label}>"


class CallOptions(TypedDict, total=False):
    """What a call sends besides its method and path (every field optional)."""

    params: Mapping[str, Any] | None  # the query; None values are left out
    json: Any  # a body to encode as JSON
    body: bytes | None  # a body already encoded


class Request(Generic[T]):
    """One API call as a section describes it, before any executor runs it.

    ``decode`` turns Postmark's JSON into the section's result (the JSON
    itself when None). Sections return these; the sync transport and the
    async one each turn them into a :class:`Call` and run it.
    """

    __slots__ = ("body", "decode", "json", "method", "params", "path")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        decode: Callable[[Any], T] | None = None,
        **options: Unpack[CallOptions],
    ) -> None:
        self.method, self.path, self.decode = method, path, decode
        self.params = options.get("params")
        self.json = options.get("json")
        self.body = options.get("body")

    def to_call(self, base_url: str, headers: Mapping[str, str]) -> Call:
        """The :class:`Call` that puts this request on the wire (JSON encoded here)."""
        return build_call(
            self.method,
            self.path,
            base_url=base_url,
            headers=headers,
            params=self.params,
            json_body=self.json,
            body=self.body,
        )

    def result(self, answer: Any) -> T:
        """The section's result from Postmark's decoded answer."""
        if self.decode is None:
            return answer  # type: ignore[no-any-return]  # T is the JSON itself
        return self.decode(answer)

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"


def wire_headers(call: Call) -> dict[str, str]:
    """The call's headers plus the ``Content-Length`` requests would send."""
    headers = dict(call.headers)
    if call.body is not None:
        headers["Content-Length"] = str(len(call.body))
    elif call.method in ("POST", "PUT", "PATCH"):
        headers["Content-Length"] = "0"
    return headers


def build_call(
    method: str,
    path: str,
    *,
    base_url: str,
    headers: Mapping[str, str],
    params: Mapping[str, Any] | None = None,
    json_body: Any = None,
    body: bytes | None = None,
) -> Call:
    """Describe a call; ``json_body`` is encoded here unless ``body`` is already bytes."""
    method = method.upper()
    if body is None and json_body is not None:
        body = encode_json(json_body)
    return Call(method, path, build_url(base_url, path, params), headers, body)


# --------------------------------------------------------------------------
# Decoding


def _error_class(status: int, error_code: int | None) -> type[APIError]:
    if error_code == 406:
        return InactiveRecipientError
    if status == 401 or error_code == 10:
        return UnauthorizedError
    if status == 404:
        return NotFoundError
    if status == 413:
        return PayloadTooLargeError
    if status == 422:
        return UnprocessableEntityError
    if status == 429:
        return RateLimitError
    if status >= 500:
        return ServerError
    return APIError


def _cut_short(body: bytes, headers: Mapping[str, str]) -> ConnectionError | None:
    """The error for an answer shorter than its ``Content-Length``, or None.

    Some HTTP clients (urllib3 1.x) hand over a body cut off mid-way without
    complaint; the connection broke after the request went out, whatever
    the client noticed. (A compressed body is decoded already: not checked.)
    """
    declared = headers.get("Content-Length") or headers.get("content-length")
    if declared is None:
        return None
    try:
        expected = int(declared)
    except ValueError:
        return None
    # Content-Encoding only matters for a short body: not looked up per answer.
    if len(body) >= expected or headers.get("Content-Encoding") or headers.get("content-encoding"):
        return None
    return ConnectionError(f"answer cut short: {len(body)} of {expected} bytes")


def _parse_body(body: bytes) -> tuple[Any, bool]:
    """(parsed JSON, True) or (None, False) for empty, truncated or non-JSON bodies."""
    if not body:
        return None, False
    try:
        return json.loads(body), True
    except ValueError:
        return None, False


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body[:limit].decode("utf-8", "replace").strip()
    return text + ("..." if len(body) > limit else "")


def decode_response(
    call: Call,
    status: int,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    policy: RetryPolicy | None = None,
) -> Any:
    """Postmark's JSON for a 200, or the matching :class:`APIError` raised.

    The error's ``retryable`` says whether ``policy`` would try the call again;
    ``may_have_been_sent`` is true when Postmark may have acted on the request
    (500, 502, 504, or a 200 whose body cannot be read).
    """
    policy = policy or DEFAULT_RETRY_POLICY
    short = _cut_short(body, headers or {})
    if short is not None:
        raise no_answer_error(call, short, nothing_sent=False, reason="IncompleteRead")
    data, ok = _parse_body(body)
    if status == 200:
        if not ok:
            unreadable = APIError(
                f"{call.label}: Postmark answered HTTP 200 but the body is not JSON "
                f"({_snippet(body) or 'empty'!r}). " + _after_send_hint(call),
                http_status=status,
                may_have_been_sent=True,  # Postmark took the request and answered it
            )
            raise policy.judged(call, unreadable)
        return data
    error_code = data.get("ErrorCode") if ok and isinstance(data, dict) else None
    api_message = data.get("Message") if ok and isinstance(data, dict) else None
    if not isinstance(error_code, int):
        error_code = None
    cls = _error_class(status, error_code)
    error = cls(
        _error_text(call, status, error_code, api_message, body if not ok else b""),
        http_status=status,
        error_code=error_code,
        api_message=api_message if isinstance(api_message, str) else None,
        response=data if ok else _snippet(body),
        retry_after=retry_after_seconds(headers or {}),
        may_have_been_sent=status in MAY_HAVE_SENT_STATUSES,
    )
    raise policy.judged(call, error)


#: Answers after which Postmark may have accepted the request: it failed while
#: or after handling it. 503 (maintenance) and every 4xx are refusals.
MAY_HAVE_SENT_STATUSES = frozenset({500, 502, 504})


_STATUS_ADVICE = {
    401: "Check the token: a server token goes in X-Postmark-Server-Token, "
    "an account token in X-Postmark-Account-Token.",
    404: "The resource or endpoint does not exist (check the id, or the base URL).",
    413: "The request is too large: 10 MB per message, 50 MB per batch, "
    "including base64-encoded attachments.",
    415: "Postmark needs 'Accept: application/json' and 'Content-Type: application/json'.",
    429: "Postmark's rate limit was hit; slow down or lower the concurrency.",
    503: "Postmark is offline for maintenance; try again later.",
}


def _error_text(
    call: Call, status: int, error_code: int | None, api_message: Any, raw: bytes
) -> str:
    text = f"{call.label} failed with HTTP {status}"
    if error_code is not None:
        text += f", ErrorCode {error_code}"
    if isinstance(api_message, str) and api_message.strip():
        text += f": {api_message}"
    elif raw:
        text += f": {_snippet(raw)!r}"
    advice = _STATUS_ADVICE.get(status)
    if advice is None and status >= 500:
        advice = "Postmark had an internal error. " + _after_send_hint(call)
    if not advice:
        return text
    # Postmark's own message usually ends with a period already.
    text = text.rstrip()
    return f"{text} {advice}" if text.endswith(".") else f"{text}. {advice}"


def _after_send_hint(call: Call) -> str:
    if call.idempotent:
        return "It is safe to repeat this request."
    return (
        "The request may have been processed, so it was not repeated: "
        "check Postmark's activity log before sending again."
    )


# --------------------------------------------------------------------------
# Retrying


class RetryPolicy:
    """When and how long to wait before trying a call again.

    A POST is replayed only when Postmark provably took nothing: the
    connection failed before the request was written, or Postmark answered
    429 (rate limit) or 503 (maintenance). Read timeouts, dropped connections
    and 5xx answers are retried only for GET, PUT and DELETE.

    Immutable, compared by value (a plain class, like :class:`Call`).
    """

    __slots__ = (
        "backoff",
        "deadline",
        "max_backoff",
        "max_retry_after",
        "retries",
        "retry_statuses_any_method",
        "retry_statuses_idempotent",
    )

    retries: int
    backoff: float
    max_backoff: float
    deadline: float
    max_retry_after: float
    retry_statuses_any_method: frozenset[int]
    retry_statuses_idempotent: frozenset[int]

    def __init__(
        self,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        deadline: float = 180.0,
        max_retry_after: float = 60.0,
        retry_statuses_any_method: frozenset[int] = frozenset({429, 503}),
        retry_statuses_idempotent: frozenset[int] = frozenset({500, 502, 504}),
    ) -> None:
        values = {
            "retries": retries,
            "backoff": backoff,
            "max_backoff": max_backoff,
            "deadline": deadline,
            "max_retry_after": max_retry_after,
            "retry_statuses_any_method": retry_statuses_any_method,
            "retry_statuses_idempotent": retry_statuses_idempotent,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"RetryPolicy is immutable; cannot set {name!r}")

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RetryPolicy):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"RetryPolicy({shown})"

    @classmethod
    def configured(cls, retries: int | None = None, deadline: float | None = None) -> RetryPolicy:
        """The default policy with a client's ``retries=`` and ``deadline=`` applied."""
        from postmark.config import parse_float

        default = cls()
        return cls(
            retries=default.retries if retries is None else max(0, int(retries)),
            deadline=default.deadline
            if deadline is None
            else parse_float(deadline, name="deadline"),
        )

    def retryable(self, call: Call, error: PostmarkError) -> bool:
        """The one rule: may ``call`` be tried again after ``error``, budget aside?

        An HTTP answer is retried when its status says Postmark took nothing
        (429, 503) or, for idempotent methods, after a server error. A call
        without an answer is retried when nothing was sent, or when the method
        is idempotent; never after a TLS failure (it would fail the same way).
        """
        status = error.http_status
        if status is not None:
            if status in self.retry_statuses_any_method:
                return True
            return call.idempotent and status in self.retry_statuses_idempotent
        if isinstance(error, TLSError) or not isinstance(error, TransportError):
            return False
        return call.idempotent or not error.may_have_been_sent

    def slows_everyone(self, error: PostmarkError) -> bool:
        """Whether ``error`` asks every request to wait, not only this one (429, 503).

        Chunks sent side by side (:mod:`postmark.parallel`) share the wait.
        """
        return error.http_status in self.retry_statuses_any_method

    def judged(self, call: Call, error: E) -> E:
        """``error`` with its ``retryable`` flag set by :meth:`retryable`."""
        error.retryable = self.retryable(call, error)
        return error

    def decide(
        self, call: Call, error: PostmarkError, attempt: int, elapsed: float
    ) -> float | None:
        """Seconds to wait before trying ``call`` again after ``error``, or None to give up.

        The single retry decision of both executors. ``attempt`` counts the
        attempts made so far (1 after the first) and ``elapsed`` the seconds
        since the first began: the rule of :meth:`retryable`, then the
        attempt budget, then the overall deadline.
        """
        if attempt > self.retries or not self.retryable(call, error):
            return None
        wait = self.delay(attempt, error.retry_after)
        if elapsed + wait >= self.deadline:
            return None
        return wait

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (exponential, jittered, capped)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_retry_after)
        # The exponent is bounded so a very long retry run cannot overflow a float.
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** min(attempt - 1, 64))
        return random.uniform(ceiling / 2, ceiling)


DEFAULT_RETRY_POLICY = RetryPolicy()


class Attempts:
    """The attempts of one call: counter, clock and the policy's verdicts.

    Both executors run the same loop around it (the sync one sleeps, the
    async one awaits a timer)::

        attempts = Attempts(policy, call)
        while True:
            try:
                return send(call, attempts.begin())
            except PostmarkError as error:
                sleep(attempts.wait_after(error))
    """

    __slots__ = ("attempt", "call", "policy", "started")

    def __init__(self, policy: RetryPolicy, call: Call) -> None:
        self.policy, self.call = policy, call
        self.started = time.monotonic()
        self.attempt = 0

    def begin(self) -> float:
        """Count one more attempt; the seconds left before the deadline."""
        self.attempt += 1
        return self.policy.deadline - (time.monotonic() - self.started)

    def wait_after(self, error: PostmarkError) -> float:
        """How long to wait before the next attempt; re-raises ``error`` to give up."""
        wait = self.policy.decide(self.call, error, self.attempt, time.monotonic() - self.started)
        if wait is None:
            raise error
        logger.debug("retrying %s in %.2fs after: %s", self.call.label, wait, error)
        return wait


def log_attempt(call: Call, status: int | str, started: float, attempt: int) -> None:
    """The one DEBUG line per attempt: method, path, status, milliseconds."""
    if logger.isEnabledFor(logging.DEBUG):
        ms = (time.monotonic() - started) * 1000
        logger.debug("%s -> %s in %.1f ms (attempt %d)", call.label, status, ms, attempt)


# --------------------------------------------------------------------------
# Calls that got no answer


def no_answer_error(
    call: Call,
    cause: BaseException,
    *,
    nothing_sent: bool,
    kind: str = "connection",
    reason: str | None = None,
) -> TransportError:
    """The exception for a call that got no HTTP answer, whatever the HTTP client.

    Each executor classifies its own client's error: ``kind`` is ``"tls"``,
    ``"timeout"`` or ``"connection"``, and ``nothing_sent`` is True only when
    the request provably never left this machine (connection refused, DNS
    failure, connect timeout). Wording, ``may_have_been_sent`` and
    ``retryable`` are decided here, so both executors fail alike: a POST that
    may have reached Postmark is never retryable.

    Args:
        reason: a short name for the root cause (default: ``cause``'s class).
    """
    sent = not nothing_sent
    after = (
        " The request may have reached Postmark, so it was not repeated: "
        "check Postmark's activity log before sending again."
        if sent and not call.idempotent
        else ""
    )
    if kind == "tls":
        return TLSError(
            f"{call.label}: TLS verification failed ({cause.__class__.__name__}). "
            "Check the system clock, the base URL, and ca_bundle / REQUESTS_CA_BUNDLE.",
            inner_exception=cause,
        )
    if kind == "timeout":
        stage = "connect" if nothing_sent else "answer"
        return DEFAULT_RETRY_POLICY.judged(
            call,
            RequestTimeoutError(
                f"{call.label}: Postmark did not {stage} in time.{after}",
                inner_exception=cause,
                may_have_been_sent=sent,
            ),
        )
    what = "could not connect" if nothing_sent else "the connection broke before an answer"
    return DEFAULT_RETRY_POLICY.judged(
        call,
        TransportError(
            f"{call.label}: {what} ({reason or cause.__class__.__name__}).{after}",
            inner_exception=cause,
            may_have_been_sent=sent,
        ),
    )


# --------------------------------------------------------------------------
# Tokens and TLS trust


def check_token(token: str) -> str:
    """The token without surrounding whitespace; refused (never echoed) if unusable.

    A token read from a file often ends in a newline, which HTTP clients
    reject with an error that quotes the header value, token included.
    """
    token = str(token).strip()
    if not token or not all("!" <= c <= "~" for c in token):
        raise ConfigurationError(
            "The Postmark token is empty or contains spaces, line breaks or non-ASCII "
            "characters; copy it again from the API Tokens tab of your server or account."
        )
    return token


def resolve_ca_bundle(explicit: str | None = None, *, trust_env: bool = True) -> str | None:
    """The CA bundle path to verify Postmark's certificate against, or None for the default.

    An explicit path wins, then ``REQUESTS_CA_BUNDLE`` and ``CURL_CA_BUNDLE``
    (when ``trust_env``); a path that does not exist is a configuration
    error rather than a silent fall-back. Verification itself is never
    optional.
    """
    chosen = explicit
    if chosen is None and trust_env:
        chosen = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if not chosen:
        return None
    if not os.path.exists(chosen):
        raise ConfigurationError(f"CA bundle {chosen!r} does not exist.")
    return chosen


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The ``Retry-After`` header in seconds, when Postmark sends a numeric one."""
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Client settings: resolved once, handed to either executor

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0

Timeout = float | tuple[float, float]


def resolve_base_url(base_url: str | None, *, allow_http: bool | None = None) -> str:
    """Argument > ``POSTMARK_API_URL`` > https://api.postmarkapp.com, without trailing slash.

    The token travels in a header, so the URL must be ``https://``, except
    for a loopback host (the local sandbox) or with ``allow_http=True`` /
    ``POSTMARK_ALLOW_HTTP`` (logged once at WARNING). Userinfo, backslashes,
    control characters and port 0 are refused: each can send the token to
    another host than the one the URL seems to name.
    """
    url = str(config.lookup("POSTMARK_API_URL", base_url, DEFAULT_BASE_URL)).strip()
    problem = _url_problem(url)
    if problem:
        raise ConfigurationError(
            f"POSTMARK_API_URL / base_url {problem}; use an https:// URL with a host, such as "
            f"https://api.postmarkapp.com (got {url!r})."
        )
    parts = urlsplit(url)
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        if not config.lookup_bool("POSTMARK_ALLOW_HTTP", allow_http):
            raise ConfigurationError(
                f"POSTMARK_API_URL / base_url is plain http:// to {parts.hostname}: the token "
                "would travel unencrypted. Use https://, or pass allow_http=True (or set "
                "POSTMARK_ALLOW_HTTP) for a server you trust on a private network."
            )
        _warn_plain_http(parts.hostname or "")
    return url.rstrip("/")


def _url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as a base URL, or None."""
    if any(c.isspace() or c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return "contains spaces, backslashes or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return "has an invalid port or host"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "is not an http(s) URL with a host"
    if "@" in parts.netloc:
        return "holds a user name or password (the part before '@' would hide the real host)"
    if port == 0:
        return "has port 0"
    if parts.query or parts.fragment:
        return "has a query or fragment"
    return None


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "::1") or host.lower().endswith(".localhost"):
        return True
    parts = host.split(".")
    return (
        len(parts) == 4 and parts[0] == "127" and all(p.isdigit() and int(p) < 256 for p in parts)
    )


_warned_http: set[str] = set()


def _warn_plain_http(host: str) -> None:
    if host not in _warned_http:  # once per host, not once per client
        _warned_http.add(host)
        logger.warning("Postmark calls to %s use plain HTTP: the token is not encrypted.", host)


def resolve_timeout(timeout: Timeout | None) -> tuple[float, float]:
    """(connect, read) seconds from an argument or ``POSTMARK_TIMEOUT``."""
    if timeout is None:
        setting = config.lookup("POSTMARK_TIMEOUT")
        if setting is None:
            return DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
        timeout = config.parse_float(setting, name="POSTMARK_TIMEOUT")
    if isinstance(timeout, tuple):
        connect, read = timeout
        return (
            config.parse_float(connect, name="connect timeout"),
            config.parse_float(read, name="read timeout"),
        )
    seconds = config.parse_float(timeout, name="timeout")
    return min(seconds, DEFAULT_CONNECT_TIMEOUT), seconds


class ClientSettings:
    """What every call of one client shares, whichever executor runs it.

    Built by :func:`client_settings` from the client's arguments and the
    configuration; each transport then keeps only its executor.
    """

    __slots__ = ("base_url", "headers", "retry_policy", "timeout")

    def __init__(
        self,
        base_url: str,
        timeout: tuple[float, float],
        retry_policy: RetryPolicy,
        headers: Mapping[str, str],
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.retry_policy = retry_policy
        self.headers = headers

    def __repr__(self) -> str:  # headers hold the token: never shown
        return f"<ClientSettings {self.base_url} timeout={self.timeout}>"


class ConnectionOptions(TypedDict, total=False):
    """The connection options of every client and transport, sync or async.

    Each transport adds its own executor's options (a ``requests.Session``,
    a Tornado ``AsyncHTTPClient``, a ``sleep`` function).
    """

    base_url: str | None  # default POSTMARK_API_URL, then https://api.postmarkapp.com
    allow_http: bool | None  # plain http:// to a host that is not loopback (default False)
    timeout: Timeout | None  # seconds or (connect, read); default POSTMARK_TIMEOUT or (10, 60)
    retries: int | None  # extra attempts for a retryable failure (default 3, 0 disables)
    deadline: float | None  # overall seconds one call may take, retries and waits included
    ca_bundle: str | None  # a CA bundle to trust instead of the default one


def client_settings(
    token: str,
    *,
    token_header: str,
    agent: tuple[str, ...] = (),
    **options: Unpack[ConnectionOptions],
) -> ClientSettings:
    """Resolve a client's token, base URL, timeouts, retry policy and headers once.

    ``agent`` adds parts to the User-Agent (the Tornado executor adds its
    version). ``ca_bundle`` is left to each transport: the sync one also
    honours the bundle of a caller's ``requests.Session``.
    """
    base_url, timeout = options.get("base_url"), options.get("timeout")
    retries, deadline = options.get("retries"), options.get("deadline")
    allow_http = options.get("allow_http")
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "User-Agent": user_agent(*agent),
        token_header: check_token(token),
    }
    return ClientSettings(
        resolve_base_url(base_url, allow_http=allow_http),
        resolve_timeout(timeout),
        RetryPolicy.configured(retries, deadline),
        headers,
    )
