"""The error answers the sandbox gives, in Postmark's ``{ErrorCode, Message}`` shape.

Wording is Postmark's where it is known (documented text, or text that
Postmark's SDK tests quote from live answers); elsewhere it is the sandbox's
own sentence with the documented ErrorCode. Every error also carries
Postmark's ``X-PM-ApiErrorCode`` response header.
"""

from __future__ import annotations

from typing import Any

AUTH_MISSING = (
    "No Account or Server API tokens were supplied in the HTTP headers. Please add a "
    "header for either X-Postmark-Server-Token or X-Postmark-Account-Token."
)
AUTH_BAD_SERVER = (
    "The Server Token you provided in the X-Postmark-Server-Token request header was "
    "invalid. Please verify that you are using a valid token."
)
AUTH_BAD_ACCOUNT = (
    "The Account Token you provided in the X-Postmark-Account-Token request header was "
    "invalid. Please verify that you are using a valid token."
)
INACTIVE_TAIL = (
    "Inactive recipients are ones that have generated a hard bounce, a spam complaint, "
    "or a manual suppression."
)


class ApiError(Exception):
    """An answer other than success: HTTP status plus Postmark's error body.

    ``error_code`` is ``None`` only where Postmark documents no body at all
    (HTTP 413), so a client is not handed an ErrorCode that means something else.
    """

    def __init__(self, error_code: int | None, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message
        self.status = status

    def body(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        if self.error_code is None:
            return {"Message": self.message}
        return {"ErrorCode": self.error_code, "Message": self.message}


def invalid_json() -> ApiError:
    """422 / 402, Postmark's answer to a body that is not JSON."""
    return ApiError(402, "Invalid JSON. The request payload is not valid JSON.")


def invalid_field(name: str) -> ApiError:
    """422 / 403 naming the unknown or ill-typed field (Postmark since Nov 2023)."""
    return ApiError(403, f"Invalid request field(s): '{name}'.")


def invalid_email(message: str) -> ApiError:
    """422 / 300, the send-validation family."""
    return ApiError(300, message)


def inactive_recipients(addresses: list[str], *, batch_item: bool) -> ApiError:
    """ErrorCode 406 in Postmark's two wordings.

    Single sends use the text Postmark's SDKs quote from live answers; batch
    items use the documented example text, trailing space included. Both keep
    the ``Found inactive addresses: a, b. Inactive`` sentence that the
    official SDKs parse.
    """
    found = ", ".join(addresses)
    if batch_item:
        head = "You tried to send to a recipient that has been marked as inactive."
        return ApiError(406, f"{head} Found inactive addresses: {found}. {INACTIVE_TAIL} ")
    head = "You tried to send to recipient(s) that have been marked as inactive."
    return ApiError(406, f"{head} Found inactive addresses: {found}. {INACTIVE_TAIL}")


def not_found(method: str, path: str, allowed: tuple[str, ...] = ()) -> ApiError:
    """404 for a path (or a method on it) that no route serves.

    Postmark does not document this body; the sandbox answers JSON with
    ErrorCode 404, a number that means nothing else in Postmark's tables.
    A wrong method gets the same 404 (not 405, whose ErrorCode Postmark once
    used for "not allowed to send"), naming the methods the path takes.
    """
    hint = f" This path takes {', '.join(allowed)}." if allowed else ""
    return ApiError(404, f"Not found: no API route for {method} {path}.{hint}", status=404)
