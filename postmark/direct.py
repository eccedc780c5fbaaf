"""The direct path: requests' own ``HTTPAdapter``, without its per-call work.

When the session's adapter for Postmark's URL is requests' own
``HTTPAdapter``, unpatched, and no proxy or client certificate applies, its
per-call work (finding the pool and TLS settings, checking the CA bundle on
disk, building a ``Response`` with cookies) is done once: the call goes to
the adapter's urllib3 pool with the arguments ``HTTPAdapter.send`` would
pass, and urllib3's errors become the ``requests`` errors that method
raises. Any other adapter (a mounted one, a mocking library's) is used
through its ``send()`` by :class:`postmark.transport.Transport`.

Needs requests 2.32.2 or later (``get_connection_with_tls_context``); with
an older requests every call takes the adapter path. CI runs the transport
tests on the lowest and the highest requests the package allows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util import Retry
from urllib3.util import Timeout as PoolTimeout

from postmark.protocol import Call, wire_headers

#: The library's own calls are never replayed by urllib3: whether a call may
#: be repeated is the retry policy's decision alone (a replayed POST is a
#: second email). Connect failures still fail at once and are retried above.
NO_URLLIB3_RETRIES = Retry(0, read=False, redirect=False)


def _stock_send() -> Any:
    """``HTTPAdapter.send`` as requests defines it, or None if something replaced it already."""
    send = HTTPAdapter.__dict__.get("send")
    if (
        getattr(send, "__module__", None) == "requests.adapters"
        and getattr(send, "__qualname__", None) == "HTTPAdapter.send"
        and not hasattr(send, "__wrapped__")
    ):
        return send
    return None


_STOCK_SEND = _stock_send()
_HAS_TLS_CONTEXT = hasattr(HTTPAdapter, "get_connection_with_tls_context")  # requests >= 2.32.2


def _as_requests_error(error: Exception) -> Exception:
    """The exception ``HTTPAdapter.send`` (or reading its response) raises for ``error``.

    Mirrors requests 2.32's mapping, so the direct path fails exactly like
    the adapter (see :func:`_describe_failure`).
    """
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


class DirectPath:
    """The direct path to one base URL (one per transport; see the module docstring)."""

    def __init__(self, base_url: str, verify: str | bool) -> None:
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.verify = verify
        self._pool: Any = None
        self._pool_adapter: HTTPAdapter | None = None

    @staticmethod
    def available() -> bool:
        """Whether this requests has an unpatched ``HTTPAdapter.send`` to stand in for."""
        return _STOCK_SEND is not None and _HAS_TLS_CONTEXT

    def applies(self, adapter: Any, call: Call) -> bool:
        return (
            type(adapter) is HTTPAdapter
            and HTTPAdapter.__dict__.get("send") is _STOCK_SEND  # no mocking library patched it
            and _STOCK_SEND is not None
            and _HAS_TLS_CONTEXT
            and "send" not in vars(adapter)
            and call.url.startswith(self.origin + "/")
        )

    def send(
        self, adapter: HTTPAdapter, call: Call, timeout: tuple[float, float]
    ) -> tuple[int, bytes, Any]:
        """(status, body, headers) from the adapter's pool, as ``adapter.send`` would get them."""
        try:
            response = self._pool_of(adapter).urlopen(
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
                timeout=PoolTimeout(connect=timeout[0], read=timeout[1]),
                chunked=False,
            )
        except Exception as error:
            mapped = _as_requests_error(error)
            if mapped is error:
                raise
            raise mapped from error
        return response.status, response.data, response.headers

    def _pool_of(self, adapter: HTTPAdapter) -> Any:
        """The adapter's urllib3 pool for the base URL, with requests' TLS settings."""
        pool = self._pool
        if pool is None or pool.pool is None or self._pool_adapter is not adapter:
            # pool.pool is None once the pool manager closed it (session.close(),
            # or evicted from its LRU): ask the adapter again, as send() would.
            probe = requests.PreparedRequest()
            probe.url = self.origin + "/"
            pool = adapter.get_connection_with_tls_context(probe, self.verify, None, None)
            adapter.cert_verify(pool, probe.url, self.verify, None)  # type: ignore[no-untyped-call]
            self._pool, self._pool_adapter = pool, adapter
        return pool
