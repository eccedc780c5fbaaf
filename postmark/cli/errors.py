"""Every expected failure as one line for a person at a shell, and its exit code.

The library's messages are written for Python callers (they name arguments
such as ``ServerClient(...)`` and HTTP headers); here they are said again in
the CLI's terms: the flag or environment variable to fix, the URL that could
not be reached.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InvalidMessageError,
    PostmarkError,
    RequestTimeoutError,
    TLSError,
    TransportError,
    UnauthorizedError,
)

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_CONFIG, EXIT_NETWORK = 0, 1, 2, 3, 4
#: ``postmark batch``: messages an earlier request may have sent were left unsent.
EXIT_UNCERTAIN = 5

#: ErrorCode -> what to do about it with the CLI.
_CODE_HINTS = {
    406: "the recipient is inactive (a hard bounce or a suppression): "
    "see 'postmark bounces list --email ADDRESS'",
    1101: "check the template's alias or id ('postmark templates list')",
    1226: "check --stream ('postmark streams list' shows the server's streams)",
    1351: "inbound mail is posted to the server's inbound hook instead: "
    'postmark server edit --set \'{"InboundHookUrl": "https://..."}\'',
    1354: "pass --url an absolute http:// or https:// URL",
}


class CommandError(Exception):
    """An expected failure of a command: printed as one line, without a traceback."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """Where a command sends its requests, and with which kind of token."""

    url: str
    account: bool = False

    @property
    def token_options(self) -> str:
        if self.account:
            return "--account-token or POSTMARK_ACCOUNT_TOKEN"
        return "--token or POSTMARK_SERVER_TOKEN"


def describe(error: BaseException, target: Target | None) -> tuple[str, int]:
    """``(one line, exit code)`` for an error a command can expect."""
    if isinstance(error, CommandError):
        return str(error), error.code
    if isinstance(error, PostmarkError):
        return _postmark_error(error, target)
    if isinstance(error, sqlite3.Error):
        return f"the sandbox database cannot be used: {error}", EXIT_USAGE
    if isinstance(error, UnicodeDecodeError):
        return f"a file is not {error.encoding} text ({error.reason}); pass --encoding", EXIT_USAGE
    if isinstance(error, OSError):
        return _os_error(error), EXIT_USAGE
    raise error  # not expected: the caller decides


def _postmark_error(error: PostmarkError, target: Target | None) -> tuple[str, int]:
    url = target.url if target else "Postmark"
    if is_token_refusal(error):
        options = target.token_options if target else "--token"
        detail = f": {error.api_message}" if error.api_message else ""
        return (
            f"{url} refused the token (HTTP {error.http_status}{detail}); check {options}",
            EXIT_API,
        )
    if isinstance(error, TLSError):
        return (
            f"TLS with {url} failed ({_tls_reason(error)}); check the URL's scheme "
            "(a local sandbox is http://) or, for a private CA, set REQUESTS_CA_BUNDLE",
            EXIT_NETWORK,
        )
    if isinstance(error, RequestTimeoutError):
        return (
            f"{url} did not answer in time{_maybe_sent(error)}; retry later or raise --timeout",
            EXIT_NETWORK,
        )
    if isinstance(error, TransportError):
        return (
            f"cannot reach {url} ({_connection_reason(error)}){_maybe_sent(error)}; "
            "check --base-url / POSTMARK_API_URL and the network",
            EXIT_NETWORK,
        )
    if isinstance(error, APIError):
        return _api_error(error), EXIT_API
    if isinstance(error, ConfigurationError):
        return str(error), EXIT_CONFIG
    if isinstance(error, InvalidMessageError):
        return str(error), EXIT_USAGE
    return str(error), EXIT_API


def is_token_refusal(error: BaseException) -> bool:
    """A 401 or 403: every further request with this token would fail the same way."""
    return isinstance(error, UnauthorizedError) or (
        isinstance(error, APIError) and error.http_status == 403
    )


def is_whole_run_failure(error: BaseException) -> bool:
    """An error that no later request of the same run could escape (token, network, TLS)."""
    return is_token_refusal(error) or isinstance(error, TransportError)


def _api_error(error: APIError) -> str:
    parts = [f"HTTP {error.http_status}"]
    if error.error_code is not None:
        parts.append(f"ErrorCode {error.error_code}")
    text = f"Postmark refused the request ({', '.join(parts)})"
    if error.api_message:
        text += f": {error.api_message.strip()}"
    hint = _CODE_HINTS.get(error.error_code or -1)
    if hint is None and error.http_status == 404:
        hint = "check the id"
    elif hint is None and error.http_status == 429:
        hint = "Postmark's rate limit was hit; wait and run the command again"
    elif hint is None and (error.http_status or 0) >= 500:
        hint = "Postmark had a problem; try again later" + _maybe_sent(error)
    return f"{text.rstrip('.')}; {hint}" if hint else text


def _maybe_sent(error: PostmarkError) -> str:
    if not error.may_have_been_sent or "may have reached Postmark" not in str(error):
        return ""
    return " (the request may have reached it: check before sending again)"


def _connection_reason(error: TransportError) -> str:
    text = _chain_text(error)
    for needle, reason in (
        ("refused", "connection refused"),
        ("Name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("Temporary failure in name resolution", "DNS lookup failed"),
        ("No route to host", "no route to host"),
        ("Network is unreachable", "network unreachable"),
        ("reset by peer", "connection reset"),
        ("RemoteDisconnected", "the server closed the connection"),
    ):
        if needle.lower() in text.lower():
            return reason
    match = re.search(r"\((\w+)\)", str(error))
    return match.group(1) if match else "no answer"


def _tls_reason(error: TLSError) -> str:
    text = _chain_text(error).lower()
    if "wrong version number" in text or "record layer failure" in text or "http_request" in text:
        return "the server does not speak TLS"
    if "certificate verify failed" in text:
        return "certificate verification failed"
    if "hostname mismatch" in text or "doesn't match" in text:
        return "the certificate is for another host"
    return "handshake failed"


def _chain_text(error: BaseException) -> str:
    """The messages of an error and everything that caused it."""
    seen: list[str] = []
    current: BaseException | None = error
    for _ in range(10):
        if current is None:
            break
        seen.append(f"{type(current).__name__}: {current}")
        inner = getattr(current, "inner_exception", None)
        current = inner or current.__cause__ or current.__context__
    return " | ".join(seen)


def _os_error(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    if error.filename:
        return f"cannot use {error.filename}: {reason}"
    return str(error) or reason
