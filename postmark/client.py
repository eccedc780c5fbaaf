"""``ServerClient`` and ``AccountClient``: the whole Postmark API by doc section.

    with postmark.ServerClient("server-token") as client:
        client.email.send(sender="me@example.com", to="you@example.com",
                          subject="Hi", text_body="Hello")

Both are safe to share between threads: each call is independent and the
connection pool is thread-safe.
"""

from __future__ import annotations

from typing import Any

import requests

from postmark import config
from postmark.api.bounces import BouncesAPI
from postmark.api.email import EmailAPI
from postmark.exceptions import ConfigurationError
from postmark.protocol import ACCOUNT_TOKEN_HEADER, SERVER_TOKEN_HEADER
from postmark.transport import Timeout, Transport


class _Client:
    _setting = ""
    _header = ""
    _kind = ""

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | None = None,
        retries: int | None = None,
        deadline: float | None = None,
        ca_bundle: str | None = None,
        session: requests.Session | None = None,
    ) -> None:
        token = config.lookup(self._setting, token)
        if not token:
            raise ConfigurationError(
                f"No Postmark {self._kind} token: pass it to {type(self).__name__}(...) or set "
                f"{self._setting} (Django setting or environment variable)."
            )
        self.transport = Transport(
            str(token),
            token_header=self._header,
            base_url=base_url,
            timeout=timeout,
            retries=retries,
            deadline=deadline,
            ca_bundle=ca_bundle,
            session=session,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Call any endpoint not wrapped yet, e.g. ``client.request("GET", "/server")``."""
        return self.transport.call(method, path, params=params, json=json)

    def close(self) -> None:
        """Close the pooled connections."""
        self.transport.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.transport.base_url}>"


class ServerClient(_Client):
    """Everything a server token can do (sending, bounces, templates, stats ...).

    Args:
        server_token: default ``POSTMARK_SERVER_TOKEN`` (or legacy ``POSTMARK_API_KEY``).
        base_url: default ``POSTMARK_API_URL`` or https://api.postmarkapp.com.
        timeout: seconds or ``(connect, read)``; retries, deadline, ca_bundle,
            session: see :class:`postmark.transport.Transport`.
    """

    _setting = "POSTMARK_SERVER_TOKEN"
    _header = SERVER_TOKEN_HEADER
    _kind = "server"

    def __init__(self, server_token: str | None = None, **options: Any) -> None:
        super().__init__(server_token, **options)
        self.email = EmailAPI(self.transport)
        self.bounces = BouncesAPI(self.transport)


class AccountClient(_Client):
    """Everything an account token can do (servers, domains, sender signatures ...).

    Args:
        account_token: default ``POSTMARK_ACCOUNT_TOKEN``; other options as
            for :class:`ServerClient`.
    """

    _setting = "POSTMARK_ACCOUNT_TOKEN"
    _header = ACCOUNT_TOKEN_HEADER
    _kind = "account"

    def __init__(self, account_token: str | None = None, **options: Any) -> None:
        super().__init__(account_token, **options)
