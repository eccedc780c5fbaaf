"""The sync executor: Postmark calls over ``requests`` (with :mod:`postmark.direct`).

One :class:`Transport` per client: a keep-alive ``requests.Session``, the
token header, timeouts, the retry policy and the mapping of every answer to
a result or a typed exception (:mod:`postmark.protocol`).

Speed: ``requests.Session.request`` re-reads the environment (proxies,
netrc, CA bundle), merges settings and runs hooks on every call. A client
talks to one host with fixed settings, so that work is done once in
``__init__`` and each call goes straight to the connection pool's adapter.
Proxies and CA settings from the environment are still honoured.

When that adapter is requests' own ``HTTPAdapter``, unpatched, its
per-call work is skipped too (:mod:`postmark.direct`). Any other adapter (a
mounted one, a mocking library's) is used through its ``send()``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import select_proxy
from urllib3.util import Retry

from postmark.direct import DirectPath
from postmark.exceptions import ConfigurationError, PostmarkError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from postmark.parallel import Gate
from postmark.protocol import (  # noqa: F401  (resolve_*, DEFAULT_*, Timeout: their old home)
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    Attempts,
    Call,
    CallOptions,
    ConnectionOptions,
    Request,
    Timeout,
    client_settings,
    decode_response,
    log_attempt,
    no_answer_error,
    resolve_base_url,
    resolve_ca_bundle,
    resolve_timeout,
    wire_headers,
)


def _may_replay_posts(retry: Any) -> bool:
    """Whether an adapter's ``max_retries`` would make urllib3 repeat a POST."""
    if not isinstance(retry, Retry):
        return False  # requests turns an int into Retry(n), which excludes POST
    methods = retry.allowed_methods
    if methods and "POST" not in methods:
        return False
    return retry.total is None or (retry.total is not False and retry.total > 0)


def _ca_bundle(ca_bundle: str | None, session: requests.Session) -> str | bool:
    """What to verify TLS against; never ``False``.

    ``requests`` lets ``REQUESTS_CA_BUNDLE`` silently override a bundle set
    on the session. Here an explicit ``ca_bundle`` argument (or a bundle
    path set on a caller's session) wins, then the environment, then the
    default certifi bundle.
    """
    if session.verify is False:
        raise ConfigurationError(
            "TLS verification cannot be turned off. To trust a private CA, pass "
            "ca_bundle='/path/to/ca.pem' (or set REQUESTS_CA_BUNDLE)."
        )
    explicit = ca_bundle or (session.verify if isinstance(session.verify, str) else None)
    return resolve_ca_bundle(explicit, trust_env=session.trust_env) or True


def _forget_request(error: requests.RequestException) -> None:
    """Drop the prepared request (its headers hold the token) from a requests error.

    The error is kept as ``inner_exception``; without this, pickling it (for
    multiprocessing, Celery, an error tracker) would carry the token along.
    """
    error.request = None
    error.response = None


def _nothing_sent(error: requests.RequestException) -> bool:
    """True when the request provably never left this machine (safe to replay)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not isinstance(error, requests.ConnectionError):
        return False
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)  # unwrap urllib3's MaxRetryError
    return isinstance(
        reason,
        urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError,
    )


def _describe_failure(call: Call, error: requests.RequestException) -> PostmarkError:
    """The exception raised for a call that got no HTTP answer (see ``no_answer_error``)."""
    if isinstance(error, requests.exceptions.SSLError):
        kind = "tls"
    elif isinstance(error, requests.Timeout):
        kind = "timeout"
    else:
        kind = "connection"
    return no_answer_error(
        call, error, nothing_sent=_nothing_sent(error), kind=kind, reason=_root_cause(error)
    )


def _root_cause(error: BaseException) -> str:
    reason: Any = error.args[0] if error.args else error
    reason = getattr(reason, "reason", reason)
    return reason.__class__.__name__ if isinstance(reason, BaseException) else str(reason)


class Transport:
    """A keep-alive HTTP connection to Postmark for one token.

    Args:
        token: the server or account token (kept out of reprs, logs and errors).
        token_header: ``X-Postmark-Server-Token`` or ``X-Postmark-Account-Token``.
        session: a ``requests.Session`` to use (its adapters, proxies and headers;
            its ``verify`` bundle is honoured, its urllib3 retries must not replay POSTs).
        sleep: the wait between attempts (default :attr:`default_sleep`,
            ``time.sleep``); tests pass a recorder instead.
        options: ``base_url``, ``timeout``, ``retries``, ``deadline``,
            ``ca_bundle`` (certifi's bundle by default): see
            :class:`~postmark.protocol.ConnectionOptions`.
    """

    #: How every transport built without ``sleep=`` waits between attempts.
    default_sleep: Callable[[float], object] = staticmethod(time.sleep)

    def __init__(
        self,
        token: str,
        *,
        token_header: str,
        session: requests.Session | None = None,
        sleep: Callable[[float], object] | None = None,
        **options: Unpack[ConnectionOptions],
    ) -> None:
        settings = client_settings(token, token_header=token_header, **options)
        self.base_url = settings.base_url
        self.timeout = settings.timeout
        self.retry_policy = settings.retry_policy
        self._sleep = sleep if sleep is not None else type(self).default_sleep
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        self._refuse_replaying_adapter()
        self._verify = _ca_bundle(options.get("ca_bundle"), self.session)
        self._proxies = self._environment_proxies()
        # The session's own headers first: ours (token, JSON, User-Agent) win.
        self._headers = {k: v for k, v in self.session.headers.items() if isinstance(v, str)}
        self._headers.update(settings.headers)
        # The direct path is for the plain case only: no proxy, no client certificate.
        no_proxy = select_proxy(self.base_url, self._proxies) is None
        usable = no_proxy and DirectPath.available()
        self._direct = DirectPath(self.base_url, self._verify) if usable else None

    def _refuse_replaying_adapter(self) -> None:
        adapter = self.session.get_adapter(self.base_url)
        if _may_replay_posts(getattr(adapter, "max_retries", None)):
            raise ConfigurationError(
                "The session's adapter for this URL retries POST requests (urllib3 Retry "
                "with POST allowed), which could send an email twice. Mount an adapter "
                "without retries; this client retries safely on its own (retries=)."
            )

    def __repr__(self) -> str:
        return f"<Transport {self.base_url}>"

    # -- settings computed once ------------------------------------------------

    def _environment_proxies(self) -> dict[str, str]:
        proxies = dict(self.session.proxies)
        if self.session.trust_env:
            found = requests.utils.get_environ_proxies(self.base_url, no_proxy=None)
            for scheme, url in found.items():
                proxies.setdefault(scheme, url)
        return proxies

    # -- calls -------------------------------------------------------------------

    def call(self, method: str, path: str, **options: Unpack[CallOptions]) -> Any:
        """Send one API call (``params``, ``json`` or ``body``); Postmark's decoded JSON.

        Raises:
            APIError: Postmark answered with an error (a subclass per status/ErrorCode).
            TransportError: no usable answer (connection, TLS, timeout).
        """
        return self.perform(Request(method, path, **options))

    def perform(self, request: Request[Any], gate: Gate | None = None) -> Any:
        """Run one :class:`~postmark.protocol.Request` (of an API section); its result.

        ``gate``: the run this call is part of when chunks go out side by side
        (:mod:`postmark.parallel`).
        """
        return request.result(self.execute(request.to_call(self.base_url, self._headers), gate))

    def execute(self, call: Call, gate: Gate | None = None) -> Any:
        """Run a prepared :class:`Call` with the retry policy; see :meth:`call`."""
        if gate is not None:
            return self._execute_in(gate, call)
        attempts = Attempts(self.retry_policy, call)
        while True:
            try:
                return self._attempt(call, attempts.attempt + 1, attempts.begin())
            except PostmarkError as error:
                self._sleep(attempts.wait_after(error))

    def _attempt(self, call: Call, attempt: int, remaining: float) -> Any:
        connect, read = self.timeout
        timeout = (min(connect, max(remaining, 0.001)), min(read, max(remaining, 0.001)))
        adapter = self.session.get_adapter(call.url)
        started = time.monotonic()
        try:
            direct = self._direct
            if direct is not None and self.session.cert is None and direct.applies(adapter, call):
                status, body, headers = direct.send(cast(HTTPAdapter, adapter), call, timeout)
            else:
                response = adapter.send(
                    self._prepare(call),
                    timeout=timeout,
                    verify=self._verify,
                    proxies=self._proxies,
                    cert=self.session.cert,
                )
                status, body, headers = response.status_code, response.content, response.headers
        except requests.RequestException as error:
            _forget_request(error)
            failure = _describe_failure(call, error)
            log_attempt(call, "failed", started, attempt)
            raise failure from error
        log_attempt(call, status, started, attempt)
        return decode_response(call, status, body, headers, self.retry_policy)

    # -- the adapter path --------------------------------------------------------

    def _prepare(self, call: Call) -> requests.PreparedRequest:
        request = requests.PreparedRequest()
        request.method = call.method
        request.url = call.url
        request.headers = CaseInsensitiveDict(wire_headers(call))
        request.body = call.body
        return request

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        """Close pooled connections (only when the session is our own)."""
        if self._own_session:
            self.session.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- concurrent batches (postmark.parallel) -----------------------------------

    #: Connections kept pooled for the base URL (requests' DEFAULT_POOLSIZE per host)...
    _pooled = 10
    #: ... grown, under this lock (rarely taken), to the concurrency of a batch.
    _growing = threading.Lock()
    _mounted: HTTPAdapter | None = None

    def _execute_in(self, gate: Gate, call: Call) -> Any:
        """:meth:`execute` for one worker of a concurrent run: every attempt passes ``gate``.

        A 429/503 holds every worker of the run (``gate.back_off``); after
        the run stopped, ``gate.wait`` raises ``NotStarted`` instead of an attempt.
        """
        self._pool_connections(gate.width)
        gate.wait(self._sleep)
        attempts = Attempts(self.retry_policy, call)
        while True:
            try:
                return self._attempt(call, attempts.attempt + 1, attempts.begin())
            except PostmarkError as error:
                wait = attempts.wait_after(error)
                gate.back_off(error, wait, self.retry_policy, self._sleep)

    def _pool_connections(self, count: int) -> None:
        """Keep ``count`` keep-alive connections pooled for the base URL (our own session).

        requests pools 10 per host by default; more workers than that would
        open a connection per request and throw it away. A caller's session
        keeps its own adapters (see docs/batches.md).
        """
        if count <= self._pooled:
            return
        with Transport._growing:
            if count <= self._pooled:
                return
            prefix = self.base_url.rstrip("/") + "/"  # what every call's URL starts with
            current = self.session.get_adapter(prefix)
            if (
                not self._own_session
                or type(current) is not HTTPAdapter
                or (self._mounted is not None and current is not self._mounted)
            ):
                self._pooled = count  # somebody else's adapter: leave it alone
                return
            # The adapter replaced is not closed: other threads may be using it. Once
            # they are done, nothing refers to it, and urllib3 closes its connections.
            self._mounted = HTTPAdapter(pool_maxsize=count, max_retries=current.max_retries)
            self._mount(prefix, self._mounted)
            self._pooled = count

    def _mount(self, prefix: str, adapter: HTTPAdapter) -> None:
        """``session.mount`` on a copy, swapped in at once: other threads may be sending.

        ``Session.mount`` reorders the adapters in place, and a concurrent
        ``get_adapter`` could then miss every adapter and fail.
        """
        adapters = OrderedDict(self.session.adapters)
        adapters[prefix] = adapter
        for key in [key for key in adapters if len(key) < len(prefix)]:
            adapters[key] = adapters.pop(key)  # longest prefix first, as mount() keeps them
        self.session.adapters = adapters
