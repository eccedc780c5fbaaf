"""Sender signatures of the account: ``account_client.sender_signatures``.

Postmark's Sender Signatures API: single From addresses confirmed by email.

https://postmarkapp.com/developer/api/signatures-api
"""

from __future__ import annotations

from postmark.api.base import M, Section, Walk, compact, endpoint, paged
from postmark.api.paging import iterate
from postmark.api.types import (
    Acknowledgement,
    SenderSignature,
    SenderSignatureList,
    SenderSignatureSummary,
)
from postmark.protocol import Request, path_segment


def _path(signature_id: int | str, suffix: str = "") -> str:
    return f"/senders/{path_segment(signature_id)}{suffix}"


def _list(count: int, offset: int) -> Request[SenderSignatureList]:
    return Request("GET", "/senders", params={"count": count, "offset": offset})


class SenderSignaturesAPI(Section[M]):
    """Sender signatures: list, create, change, delete, and confirmation mail."""

    @endpoint
    def list(self, count: int = 25, offset: int = 0) -> Request[SenderSignatureList]:
        """One page of signatures: ``{"TotalCount", "SenderSignatures": [...]}``.

        ``GET /senders?count=&offset=``
        """
        return _list(count, offset)

    @paged
    def iter(self) -> Walk[SenderSignatureSummary]:
        """Every signature, lazily, 500 per request.

        ``GET /senders``
        """
        return iterate(_list, "SenderSignatures", window=None)

    @endpoint
    def get(self, signature_id: int | str) -> Request[SenderSignature]:
        """One signature with its DNS records.

        ``GET /senders/{signatureid}``
        """
        return Request("GET", _path(signature_id))

    @endpoint
    def create(
        self,
        *,
        from_email: str,
        name: str,
        reply_to_email: str | None = None,
        return_path_domain: str | None = None,
        confirmation_personal_note: str | None = None,
    ) -> Request[SenderSignature]:
        """Add a signature; Postmark mails ``from_email`` a confirmation link.

        ``POST /senders``

        Args:
            confirmation_personal_note: up to 400 characters added to the
                confirmation email.
        """
        body = {
            "FromEmail": from_email,
            "Name": name,
            "ReplyToEmail": reply_to_email,
            "ReturnPathDomain": return_path_domain,
            "ConfirmationPersonalNote": confirmation_personal_note,
        }
        return Request("POST", "/senders", json=compact(body))

    @endpoint
    def edit(
        self,
        signature_id: int | str,
        *,
        name: str,
        reply_to_email: str | None = None,
        return_path_domain: str | None = None,
        confirmation_personal_note: str | None = None,
    ) -> Request[SenderSignature]:
        """Change a signature (Postmark requires ``name`` on every edit).

        ``PUT /senders/{signatureid}``
        """
        body = {
            "Name": name,
            "ReplyToEmail": reply_to_email,
            "ReturnPathDomain": return_path_domain,
            "ConfirmationPersonalNote": confirmation_personal_note,
        }
        return Request("PUT", _path(signature_id), json=compact(body))

    @endpoint
    def delete(self, signature_id: int | str) -> Request[Acknowledgement]:
        """Delete a signature.

        ``DELETE /senders/{signatureid}``
        """
        return Request("DELETE", _path(signature_id))

    @endpoint
    def resend_confirmation(self, signature_id: int | str) -> Request[Acknowledgement]:
        """Send the confirmation email again.

        ``POST /senders/{signatureid}/resend``
        """
        return Request("POST", _path(signature_id, "/resend"))

    @endpoint
    def verify_spf(self, signature_id: int | str) -> Request[SenderSignature]:
        """Check the signature domain's SPF record (deprecated by Postmark).

        ``POST /senders/{signatureid}/verifyspf``
        """
        return Request("POST", _path(signature_id, "/verifyspf"))

    @endpoint
    def request_new_dkim(self, signature_id: int | str) -> Request[Acknowledgement]:
        """Ask for a new DKIM key (deprecated: use ``domains.rotate_dkim``).

        ``POST /senders/{signatureid}/requestnewdkim``
        """
        return Request("POST", _path(signature_id, "/requestnewdkim"))
