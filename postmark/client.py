"""``ServerClient`` and ``AccountClient``: the whole Postmark API by doc section.

    with postmark.ServerClient("server-token") as client:
        client.email.send(sender="me@example.com", to="you@example.com",
                          subject="Hi", text_body="Hello")
        for bounce in client.bounces.iter(type="HardBounce"):
            ...

    with postmark.AccountClient("account-token") as account:
        account.domains.verify_dkim(1234)

Each attribute is one section of Postmark's API reference; the endpoint of
every method is listed in :mod:`postmark.api.inventory`. Both clients are
safe to share between threads: sections hold nothing but the transport,
each call is independent and the connection pool is thread-safe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from postmark import config
from postmark.api.base import Executor, Sync, SyncExecutor
from postmark.api.sections import AccountSections, ServerSections
from postmark.exceptions import ConfigurationError
from postmark.protocol import ACCOUNT_TOKEN_HEADER, SERVER_TOKEN_HEADER, ConnectionOptions
from postmark.transport import Transport

if TYPE_CHECKING:
    import requests
    from typing_extensions import Unpack

_C = TypeVar("_C", bound="_Client")


class ClientOptions(ConnectionOptions, total=False):
    """The options of both sync clients (see :class:`postmark.transport.Transport`)."""

    session: requests.Session | None
    sleep: Callable[[float], object] | None


def client_token(client: type, setting: str, kind: str, token: str | None) -> str:
    """The token passed in, else the setting's; a clear error when there is none."""
    found = config.lookup(setting, token)
    if not found:
        raise ConfigurationError(
            f"No Postmark {kind} token: pass it to {client.__name__}(...) or set "
            f"{setting} (Django setting or environment variable)."
        )
    return str(found)


class _Client:
    _setting = ""
    _header = ""
    _kind = ""

    def __init__(self, token: str | None, options: ClientOptions) -> None:
        token = client_token(type(self), self._setting, self._kind, token)
        self.transport = Transport(token, token_header=self._header, **options)
        self.base_url = self.transport.base_url
        self._executor: Executor = SyncExecutor(self.transport.perform)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Call any endpoint not wrapped yet, e.g. ``client.request("GET", "/server")``.

        Same token, retries and errors as the wrapped methods; returns
        Postmark's decoded JSON.
        """
        return self.transport.call(method, path, params=params, json=json)

    def close(self) -> None:
        """Close the pooled connections."""
        self.transport.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.transport.base_url}>"


class ServerClient(_Client, ServerSections[Sync]):
    """Everything a server token can do.

    Sections: ``email``, ``bounces``, ``templates``, ``server``, ``messages``
    (outbound), ``inbound``, ``message_streams``, ``suppressions``,
    ``webhooks``, ``stats``, ``inbound_rules``.

    Args:
        server_token: default ``POSTMARK_SERVER_TOKEN`` (or legacy ``POSTMARK_API_KEY``).
        base_url: default ``POSTMARK_API_URL`` or https://api.postmarkapp.com.
        timeout: seconds or ``(connect, read)``; retries, deadline, ca_bundle,
            session: see :class:`postmark.transport.Transport`.
    """

    _setting = "POSTMARK_SERVER_TOKEN"
    _header = SERVER_TOKEN_HEADER
    _kind = "server"

    def __init__(self, server_token: str | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(server_token, options)


class AccountClient(_Client, AccountSections[Sync]):
    """Everything an account token can do.

    Sections: ``servers``, ``domains``, ``sender_signatures``, ``templates``
    (``push`` between servers) and ``data_removals``.

    Args:
        account_token: default ``POSTMARK_ACCOUNT_TOKEN``; other options as
            for :class:`ServerClient`.
    """

    _setting = "POSTMARK_ACCOUNT_TOKEN"
    _header = ACCOUNT_TOKEN_HEADER
    _kind = "account"

    def __init__(self, account_token: str | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(account_token, options)
