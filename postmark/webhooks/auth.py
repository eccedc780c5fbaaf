"""Checking a webhook call's credentials: basic auth and a secret header, in constant time.

Postmark does not sign webhook calls. It can send HTTP basic auth
credentials (put them in the webhook URL) and custom headers (a shared
secret).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from postmark.exceptions import ConfigurationError

BASIC_REALM = "Postmark webhooks"


def _lookup_header(headers: Mapping[str, str], name: str) -> str | None:
    """A header from any mapping; exact name first, then any letter case."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class BasicAuth:
    """One username/password pair Postmark sends (``https://user:pass@host/path``)."""

    username: str
    password: str = field(repr=False)

    @classmethod
    def parse(cls, value: str | Sequence[str]) -> BasicAuth:
        """From ``"user:password"`` or ``("user", "password")``."""
        if isinstance(value, str):
            username, colon, password = value.partition(":")
        elif len(value) == 2:
            username, password = value
            colon = ":"
        else:
            colon = ""
            username = password = ""
        if not colon or not username or not password:
            raise ConfigurationError(
                'Webhook basic auth must be "username:password" or (username, password), '
                "both non-empty."
            )
        return cls(str(username), str(password))


@dataclass(frozen=True)
class SecretHeader:
    """A custom header (configured on the Postmark webhook) carrying a shared secret."""

    name: str
    value: str = field(repr=False)

    @classmethod
    def parse(cls, value: str | Sequence[str]) -> SecretHeader:
        """From ``("X-Webhook-Secret", "value")`` or ``"X-Webhook-Secret: value"``."""
        if isinstance(value, str):
            name, _, secret = value.partition(":")
        elif len(value) == 2:
            name, secret = value
        else:
            name = secret = ""
        name, secret = str(name).strip(), str(secret).strip()
        if not name or not secret or any(c in name for c in " \r\n"):
            raise ConfigurationError(
                'The webhook secret header must be ("Header-Name", "secret value") '
                'or "Header-Name: secret value", both non-empty.'
            )
        return cls(name, secret)


def _equal(received: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(received, expected)


def check_basic_auth(authorization: str | None, credentials: Iterable[BasicAuth]) -> bool:
    """Whether an ``Authorization`` header carries one of ``credentials``.

    Both username and password are compared in constant time, and every
    credential is compared (no early exit), so timing reveals neither.
    """
    scheme, _, encoded = (authorization or "").strip().partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    username, colon, password = decoded.partition(b":")
    well_formed = scheme.lower() == "basic" and bool(colon)
    matched = False
    for credential in credentials:
        user_ok = _equal(username, credential.username.encode("utf-8"))
        password_ok = _equal(password, credential.password.encode("utf-8"))
        matched |= user_ok & password_ok
    return well_formed and matched


def check_secret_header(received: str | None, expected: str) -> bool:
    """Whether a header value equals the shared secret (constant time)."""
    return _equal((received or "").encode("utf-8"), expected.encode("utf-8")) and bool(received)


def _is_pair(value: Any) -> bool:
    """``("user", "password")``, as opposed to a list of ``"user:password"`` strings."""
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, str) for v in value)
        and ":" not in value[0]
    )


def _basic_credentials(value: Any) -> tuple[BasicAuth, ...]:
    if not value:
        return ()
    if isinstance(value, str) or _is_pair(value):
        return (BasicAuth.parse(value),)
    if isinstance(value, (list, tuple)):
        # Several pairs: accept old and new credentials while rotating them.
        return tuple(BasicAuth.parse(item) for item in value)
    raise ConfigurationError(
        f'Cannot read webhook basic auth from a {type(value).__name__}; use "username:password".'
    )


@dataclass(frozen=True)
class WebhookAuth:
    """The credentials a webhook endpoint requires; every configured check must pass.

    ``basic``: accepted username/password pairs (several, to rotate them);
    ``header``: a custom header with a shared secret.
    """

    basic: tuple[BasicAuth, ...] = ()
    header: SecretHeader | None = None

    @classmethod
    def from_settings(cls, basic_auth: Any = None, secret_header: Any = None) -> WebhookAuth:
        """From setting values: ``"user:pass"`` (or a list of them) and ``("Name", "secret")``."""
        header = SecretHeader.parse(secret_header) if secret_header else None
        return cls(_basic_credentials(basic_auth), header)

    @property
    def configured(self) -> bool:
        return bool(self.basic) or self.header is not None

    @property
    def challenge(self) -> str | None:
        """The ``WWW-Authenticate`` value for a 401, when basic auth is in use."""
        return f'Basic realm="{BASIC_REALM}", charset="UTF-8"' if self.basic else None

    def check(self, headers: Mapping[str, str]) -> bool:
        """Whether a request with these headers passes every configured check.

        ``headers`` may be any mapping; names are matched in any letter case.
        An unconfigured ``WebhookAuth`` accepts nothing.
        """
        results = []
        if self.basic:
            results.append(check_basic_auth(_lookup_header(headers, "Authorization"), self.basic))
        if self.header is not None:
            received = _lookup_header(headers, self.header.name)
            results.append(check_secret_header(received, self.header.value))
        return bool(results) and all(results)


def basic_auth_header(username: str, password: str) -> str:
    """``Basic <base64>`` for ``username:password``; what Postmark sends (handy in tests)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
