"""The sync executor: Postmark calls over ``requests`` (with :mod:`postmark.direct`).

One :class:`Transport` per client: a keep-alive ``requests.Session``, the
token header, timeouts, the retry policy and the mapping of every answer to
a result or a typed exception (:mod:`postmark.protocol`).

Import time: when ``requests`` is not loaded yet, no session was passed and
no proxy is configured, the transport starts without a session and sends
through a urllib3 pool of its own, set up as requests' adapter would set it
up (:mod:`postmark.direct`), so ``from postmark import PMMail`` costs less
than ``import requests``. The session is made the moment anything needs
it: someone reads ``transport.session`` (to mount an adapter, say), or a
mocking library has patched requests' adapter since.

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

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import urllib3.exceptions
from urllib3.util import Retry

from postmark.direct import DirectPath, session_headers
from postmark.exceptions import ConfigurationError, PostmarkError

if TYPE_CHECKING:
    import requests
    from requests.adapters import HTTPAdapter
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


def _ca_bundle(ca_bundle: str | None, session: requests.Session | None) -> str | bool:
    """What to verify TLS against; never ``False``.

    ``requests`` lets ``REQUESTS_CA_BUNDLE`` silently override a bundle set
    on the session. Here an explicit ``ca_bundle`` argument (or a bundle
    path set on a caller's session) wins, then the environment, then the
    default certifi bundle. (No session: a new one's settings, verify and trust_env on.)
    """
    if session is None:
        return resolve_ca_bundle(ca_bundle, trust_env=True) or True
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


def _requests_loaded() -> bool:
    """Whether the process uses requests already (then a session costs nothing to import)."""
    return "requests" in sys.modules


def _requests_error(error: Exception) -> bool:
    """Whether ``error`` is a ``requests`` exception (requests is loaded if one was raised)."""
    loaded = sys.modules.get("requests")
    return loaded is not None and isinstance(error, loaded.RequestException)


def _nothing_sent(error: requests.RequestException) -> bool:
    """True when the request provably never left this machine (safe to replay)."""
    import requests

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
    import requests

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
        self._session = session
        if session is None and (_requests_loaded() or not DirectPath.own_pool_available()):
            self._session = self._new_session()
        if self._session is None:
            # No session yet (see the module docstring): what a new one would give.
            self._verify = _ca_bundle(options.get("ca_bundle"), None)
            self._proxies: dict[str, str] = {}
            self._headers = session_headers()
            self._direct: DirectPath | None = DirectPath(self.base_url, self._verify)
        else:
            self._refuse_replaying_adapter()
            self._verify = _ca_bundle(options.get("ca_bundle"), self._session)
            self._proxies = self._environment_proxies()
            # The session's own headers first: ours (token, JSON, User-Agent) win.
            self._headers = {k: v for k, v in self._session.headers.items() if isinstance(v, str)}
            self._direct = self._direct_for_session()
        self._headers.update(settings.headers)

    _making_session = threading.Lock()

    @staticmethod
    def _new_session() -> requests.Session:
        import requests

        return requests.Session()

    @property
    def session(self) -> requests.Session:
        """The ``requests.Session`` calls go through; made on first use when none was passed.

        From then on every call goes through it (its adapters, mounted ones
        included), as in a transport that had a session from the start.
        """
        if self._session is None:
            with Transport._making_session:  # once, even when threads ask together
                if self._session is None:
                    session = self._new_session()
                    # The own pool is not closed: other threads may be sending
                    # through it. Once they are done nothing refers to it, and
                    # its connections close with it.
                    self._direct = self._direct_for_session()
                    self._session = session
        return self._session

    @session.setter
    def session(self, session: requests.Session) -> None:
        # Assigning a session (an attribute in earlier versions) still works.
        with Transport._making_session:
            self._direct = self._direct_for_session()
            self._session = session

    def _direct_for_session(self) -> DirectPath | None:
        """The direct path through the session's adapter: no proxy, requests 2.32.2+."""
        from requests.utils import select_proxy

        no_proxy = select_proxy(self.base_url, self._proxies) is None
        usable = no_proxy and DirectPath.available()
        return DirectPath(self.base_url, self._verify) if usable else None

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
        import requests.utils

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
        started = time.monotonic()
        try:
            status, body, headers = self._round_trip(call, timeout)
        except Exception as error:
            if not _requests_error(error):
                raise
            failed = cast("requests.RequestException", error)
            _forget_request(failed)
            failure = _describe_failure(call, failed)
            log_attempt(call, "failed", started, attempt)
            raise failure from error
        log_attempt(call, status, started, attempt)
        return decode_response(call, status, body, headers, self.retry_policy)

    def _round_trip(self, call: Call, timeout: tuple[float, float]) -> tuple[int, bytes, Any]:
        """(status, body, headers) of one attempt: a direct path, or the adapter's ``send()``."""
        direct = self._direct
        if self._session is None and direct is not None and direct.owns_the_call(call):
            return direct.send(None, call, timeout)
        session = self.session  # made now when a mock patched requests since
        adapter = session.get_adapter(call.url)
        direct = self._direct
        if direct is not None and session.cert is None and direct.applies(adapter, call):
            return direct.send(adapter, call, timeout)
        response = adapter.send(
            self._prepare(call),
            timeout=timeout,
            verify=self._verify,
            proxies=self._proxies,
            cert=session.cert,
        )
        return response.status_code, response.content, response.headers

    # -- the adapter path --------------------------------------------------------

    def _prepare(self, call: Call) -> requests.PreparedRequest:
        import requests
        from requests.structures import CaseInsensitiveDict

        request = requests.PreparedRequest()
        request.method = call.method
        request.url = call.url
        request.headers = CaseInsensitiveDict(wire_headers(call))
        request.body = call.body
        return request

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        """Close pooled connections (only when the session is our own)."""
        if self._direct is not None and self._session is None:
            self._direct.close()
        elif self._own_session and self._session is not None:
            self._session.close()

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
        from requests.adapters import HTTPAdapter  # a session's adapter: requests is needed

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
