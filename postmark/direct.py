"""The direct path: a call straight to a urllib3 pool, without requests' per-call work.

Two ways to the same pool settings:

* **The session's pool.** When the session's adapter for Postmark's URL is
  requests' own ``HTTPAdapter``, unpatched, and no proxy or client
  certificate applies, its per-call work (finding the pool and TLS
  settings, checking the CA bundle on disk, building a ``Response`` with
  cookies) is done once: the call goes to the adapter's urllib3 pool with
  the arguments ``HTTPAdapter.send`` would pass. Needs requests 2.32.2 or
  later (``get_connection_with_tls_context``).
* **A pool of its own**, for a transport that has no session yet (see
  :class:`postmark.transport.Transport`): the ``PoolManager`` an
  ``HTTPAdapter`` would make (10 pools of 10 connections) and the TLS
  settings it would give the pool (``CERT_REQUIRED``, certifi's bundle or
  the configured one), so ``requests`` is not even imported. Needs urllib3 2.

Either way urllib3's errors become the ``requests`` errors ``HTTPAdapter.send``
raises (``requests`` is imported then, on the first failure), so a failure
reads the same whichever way the call went. Any other adapter (a mounted
one, a mocking library's) is used through its ``send()`` by the transport.
CI runs the transport tests on the lowest and the highest requests the
package allows.
"""

from __future__ import annotations

import os
import sys
from typing import Any
from urllib.parse import urlsplit

import urllib3
import urllib3.connection
import urllib3.exceptions
from urllib3._version import __version__ as _urllib3_version
from urllib3.util import Retry, make_headers
from urllib3.util import Timeout as PoolTimeout

from postmark.protocol import Call, wire_headers

#: The library's own calls are never replayed by urllib3: whether a call may
#: be repeated is the retry policy's decision alone (a replayed POST is a
#: second email). Connect failures still fail at once and are retried above.
NO_URLLIB3_RETRIES = Retry(0, read=False, redirect=False)

#: What an ``HTTPAdapter`` gives its ``PoolManager`` (requests' DEFAULT_POOLSIZE).
ADAPTER_POOLS = 10
ADAPTER_POOL_SIZE = 10

_URLLIB3_2 = int(_urllib3_version.split(".", 1)[0]) >= 2


def _is_stock_send(send: Any) -> bool:
    """Whether ``send`` is ``HTTPAdapter.send`` as requests defines it (not a mock's)."""
    return (
        getattr(send, "__module__", None) == "requests.adapters"
        and getattr(send, "__qualname__", None) == "HTTPAdapter.send"
        and not hasattr(send, "__wrapped__")
    )


class _Stock:
    """requests' own ``HTTPAdapter.send``, remembered the first time it is seen unpatched."""

    send: Any = None

    @classmethod
    def adapter_send(cls) -> Any:
        """``HTTPAdapter.send`` as it is now (requests imported here if needed)."""
        from requests.adapters import HTTPAdapter

        send = HTTPAdapter.__dict__.get("send")
        if cls.send is None and _is_stock_send(send):
            cls.send = send
        return send

    @classmethod
    def unpatched(cls) -> bool:
        """True unless requests is loaded and its ``HTTPAdapter.send`` was replaced (a mock)."""
        if "requests.adapters" not in sys.modules:
            return True  # nothing can have patched it
        send = cls.adapter_send()
        return send is not None and send is cls.send


def _as_requests_error(error: Exception) -> Exception:
    """The exception ``HTTPAdapter.send`` (or reading its response) raises for ``error``.

    Mirrors requests 2.32's mapping, so the direct path fails exactly like
    the adapter (see ``postmark.transport._describe_failure``).
    """
    import requests  # only now: a transport with its own pool may never need it

    u3 = urllib3.exceptions
    if isinstance(error, (u3.ProtocolError, OSError, u3.ClosedPoolError)):
        return requests.ConnectionError(error)
    if isinstance(error, u3.MaxRetryError):
        reason = error.reason
        if isinstance(reason, u3.ConnectTimeoutError) and not isinstance(
            reason, u3.NewConnectionError
        ):
            return requests.ConnectTimeout(error)
        if isinstance(reason, u3.ResponseError):
            return requests.exceptions.RetryError(error)
        if isinstance(reason, u3.ProxyError):
            return requests.exceptions.ProxyError(error)
        if isinstance(reason, u3.SSLError):
            return requests.exceptions.SSLError(error)
        return requests.ConnectionError(error)
    if isinstance(error, u3.ProxyError):
        return requests.exceptions.ProxyError(error)
    if isinstance(error, u3.SSLError):
        return requests.exceptions.SSLError(error)
    if isinstance(error, u3.ReadTimeoutError):
        return requests.ReadTimeout(error)
    if isinstance(error, u3.InvalidHeader):
        return requests.exceptions.InvalidHeader(error)
    if isinstance(error, u3.DecodeError):
        return requests.exceptions.ContentDecodingError(error)
    return error


def session_headers() -> dict[str, str]:
    """The headers of a new ``requests.Session``, in its order, without importing requests.

    ``requests.utils.default_headers()``, but for the User-Agent, which every
    transport replaces with its own (as it replaces ``Accept``): a transport
    without a session puts the same headers on the wire as one with a new
    session (a test compares the two).
    """
    encodings = make_headers(accept_encoding=True)["accept-encoding"]
    return {
        "User-Agent": "python-postmark",
        "Accept-Encoding": ", ".join(part.strip() for part in encodings.split(",")),
        "Accept": "*/*",
        "Connection": "keep-alive",
    }


#: The largest body sent in one write with its headers (bigger ones go as they are).
ONE_WRITE_MAX = 256 * 1024


class _OneWrite:
    """A connection whose request headers leave with the body, in one write.

    urllib3 (as http.client) writes the header block, then the body: two TLS
    records and, with urllib3's TCP_NODELAY, two TCP segments, each waking
    the server. Postmark's bodies are bytes of known length, so the header
    block is held back and written with the body. Only for this path's own
    pool: a session's pools are left as requests makes them.
    """

    _held: bytes | None = None  # None: not holding; b"": holding, nothing yet

    def request(self, method: str, url: str, body: Any = None, *args: Any, **kwargs: Any) -> None:
        small = isinstance(body, bytes) and 0 < len(body) <= ONE_WRITE_MAX
        self._held = b"" if small else None
        try:
            super().request(method, url, body, *args, **kwargs)  # type: ignore[misc]
        finally:
            self._held = None

    def send(self, data: Any) -> None:
        held = self._held
        if held is not None and isinstance(data, bytes):
            if not held:
                self._held = data  # the header block: wait for the body
                return
            self._held = None
            data = held + data
        super().send(data)  # type: ignore[misc]


# Named as urllib3 names them: the name shows in urllib3's error messages
# (``HTTPSConnection(host=..., port=443): Failed to resolve ...``).


class HTTPConnection(_OneWrite, urllib3.connection.HTTPConnection):
    """urllib3's ``HTTPConnection``, writing each request at once (see :class:`_OneWrite`)."""


class HTTPSConnection(_OneWrite, urllib3.connection.HTTPSConnection):
    """urllib3's ``HTTPSConnection``, writing each request at once (see :class:`_OneWrite`)."""


class DirectPath:
    """The direct path to one base URL (one per transport; see the module docstring)."""

    def __init__(self, base_url: str, verify: str | bool) -> None:
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self._host_params = {"scheme": parts.scheme, "host": parts.hostname, "port": parts.port}
        self.verify = verify
        self._pool: Any = None
        self._pool_adapter: Any = None
        self._manager: Any = None
        self._own: Any = None
        self._timeouts: dict[tuple[float, float], PoolTimeout] = {}

    @staticmethod
    def available() -> bool:
        """Whether this requests has an unpatched ``HTTPAdapter.send`` to stand in for."""
        from requests.adapters import HTTPAdapter

        _Stock.adapter_send()
        return _Stock.send is not None and hasattr(HTTPAdapter, "get_connection_with_tls_context")

    @staticmethod
    def own_pool_available() -> bool:
        """Whether a pool of its own can stand in for a session (urllib3 2, no proxies).

        Only where requests would find no proxy for any URL: no ``*_proxy``
        variable at all (``no_proxy`` included) and not on macOS or Windows,
        whose system proxy settings requests also reads.
        """
        if not _URLLIB3_2 or sys.platform in ("darwin", "win32"):
            return False
        return not any(
            value and name[-6:].lower() == "_proxy" for name, value in os.environ.items()
        )

    def applies(self, adapter: Any, call: Call) -> bool:
        """Whether ``adapter`` (the session's, for ``call``) can be stood in for."""
        from requests.adapters import HTTPAdapter

        stock = _Stock.adapter_send()
        return (
            type(adapter) is HTTPAdapter
            and stock is not None
            and stock is _Stock.send  # no mocking library patched it
            and hasattr(HTTPAdapter, "get_connection_with_tls_context")
            and "send" not in vars(adapter)
            and call.url.startswith(self.origin + "/")
        )

    def owns_the_call(self, call: Call) -> bool:
        """Whether this path's own pool can take ``call`` (for a transport without a session)."""
        return _Stock.unpatched() and call.url.startswith(self.origin + "/")

    def send(
        self, adapter: Any, call: Call, timeout: tuple[float, float]
    ) -> tuple[int, bytes, Any]:
        """(status, body, headers) as ``adapter.send`` would get them.

        ``adapter`` is the session's ``HTTPAdapter`` whose pool to use, or
        None for this path's own pool.
        """
        pool = self._own_pool() if adapter is None else self._pool_of(adapter)
        try:
            response = pool.urlopen(
                method=call.method,
                url=call.url[len(self.origin) :],
                body=call.body,
                headers=wire_headers(call),
                redirect=False,
                assert_same_host=False,
                # The body is read (and the connection handed back) in urlopen;
                # decoding gzip here is what Response.content does.
                preload_content=True,
                decode_content=True,
                retries=NO_URLLIB3_RETRIES,
                timeout=self._timeout(timeout),
                chunked=False,
            )
        except Exception as error:
            mapped = _as_requests_error(error)
            if mapped is error:
                raise
            raise mapped from error
        return response.status, response.data, response.headers

    def _timeout(self, timeout: tuple[float, float]) -> PoolTimeout:
        # One urllib3 Timeout per (connect, read): the pool copies it per call.
        found = self._timeouts.get(timeout)
        if found is None:
            if len(self._timeouts) > 32:  # clipped to a deadline: values vary
                self._timeouts.clear()
            found = self._timeouts[timeout] = PoolTimeout(connect=timeout[0], read=timeout[1])
        return found

    def _pool_of(self, adapter: Any) -> Any:
        """The adapter's urllib3 pool for the base URL, with requests' TLS settings."""
        pool = self._pool
        if pool is None or pool.pool is None or self._pool_adapter is not adapter:
            # pool.pool is None once the pool manager closed it (session.close(),
            # or evicted from its LRU): ask the adapter again, as send() would.
            import requests

            probe = requests.PreparedRequest()
            probe.url = self.origin + "/"
            pool = adapter.get_connection_with_tls_context(probe, self.verify, None, None)
            adapter.cert_verify(pool, probe.url, self.verify, None)
            self._pool, self._pool_adapter = pool, adapter
        return pool

    def _own_pool(self) -> Any:
        """This path's own pool, set up as ``HTTPAdapter`` sets up its pool for the URL."""
        pool = self._own
        if pool is None or pool.pool is None:
            if self._manager is None:
                self._manager = urllib3.PoolManager(
                    num_pools=ADAPTER_POOLS, maxsize=ADAPTER_POOL_SIZE, block=False
                )
            pool = self._manager.connection_from_host(
                **self._host_params, pool_kwargs=self._tls_settings()
            )
            https = self._host_params["scheme"] == "https"
            pool.ConnectionCls = HTTPSConnection if https else HTTPConnection
            self._own = pool
        return pool

    def _tls_settings(self) -> dict[str, Any]:
        """What ``HTTPAdapter.cert_verify`` sets on an https pool: always verified."""
        if self._host_params["scheme"] != "https":
            return {}
        bundle = self.verify
        if bundle is True:
            import certifi  # requests' DEFAULT_CA_BUNDLE_PATH

            bundle = certifi.where()
        assert isinstance(bundle, str)
        key = "ca_cert_dir" if os.path.isdir(bundle) else "ca_certs"
        return {"cert_reqs": "CERT_REQUIRED", key: bundle}

    def close(self) -> None:
        """Close the own pool's connections (a session's pools are the session's)."""
        if self._manager is not None:
            self._manager.clear()
            self._own = None
