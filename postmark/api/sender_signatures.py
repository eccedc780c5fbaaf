"""Sender signatures of the account: ``account_client.sender_signatures``.

Postmark's Sender Signatures API: single From addresses confirmed by email.

https://postmarkapp.com/developer/api/signatures-api
"""

from __future__ import annotations

from collections.abc import Iterator

from postmark.api.base import Section, compact
from postmark.api.paging import iterate
from postmark.api.types import (
    Acknowledgement,
    SenderSignature,
    SenderSignatureList,
    SenderSignatureSummary,
)
from postmark.protocol import path_segment


def _path(signature_id: int | str, suffix: str = "") -> str:
    return f"/senders/{path_segment(signature_id)}{suffix}"


class SenderSignaturesAPI(Section):
    """Sender signatures: list, create, change, delete, and confirmation mail."""

    def list(self, count: int = 25, offset: int = 0) -> SenderSignatureList:
        """One page of signatures: ``{"TotalCount", "SenderSignatures": [...]}``.

        ``GET /senders?count=&offset=``
        """
        params = {"count": count, "offset": offset}
        result: SenderSignatureList = self._call("GET", "/senders", params=params)
        return result

    def iter(self) -> Iterator[SenderSignatureSummary]:
        """Every signature, lazily, 500 per request.

        ``GET /senders``
        """
        return iterate(self.list, "SenderSignatures", window=None)

    def get(self, signature_id: int | str) -> SenderSignature:
        """One signature with its DNS records.

        ``GET /senders/{signatureid}``
        """
        result: SenderSignature = self._call("GET", _path(signature_id))
        return result

    def create(
        self,
        *,
        from_email: str,
        name: str,
        reply_to_email: str | None = None,
        return_path_domain: str | None = None,
        confirmation_personal_note: str | None = None,
    ) -> SenderSignature:
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
        result: SenderSignature = self._call("POST", "/senders", json=compact(body))
        return result

    def edit(
        self,
        signature_id: int | str,
        *,
        name: str,
        reply_to_email: str | None = None,
        return_path_domain: str | None = None,
        confirmation_personal_note: str | None = None,
    ) -> SenderSignature:
        """Change a signature (Postmark requires ``name`` on every edit).

        ``PUT /senders/{signatureid}``
        """
        body = {
            "Name": name,
            "ReplyToEmail": reply_to_email,
            "ReturnPathDomain": return_path_domain,
            "ConfirmationPersonalNote": confirmation_personal_note,
        }
        result: SenderSignature = self._call("PUT", _path(signature_id), json=compact(body))
        return result

    def delete(self, signature_id: int | str) -> Acknowledgement:
        """Delete a signature.

        ``DELETE /senders/{signatureid}``
        """
        result: Acknowledgement = self._call("DELETE", _path(signature_id))
        return result

    def resend_confirmation(self, signature_id: int | str) -> Acknowledgement:
        """Send the confirmation email again.

        ``POST /senders/{signatureid}/resend``
        """
        result: Acknowledgement = self._call("POST", _path(signature_id, "/resend"))
        return result

    def verify_spf(self, signature_id: int | str) -> SenderSignature:
        """Check the signature domain's SPF record (deprecated by Postmark).

        ``POST /senders/{signatureid}/verifyspf``
        """
        result: SenderSignature = self._call("POST", _path(signature_id, "/verifyspf"))
        return result

    def request_new_dkim(self, signature_id: int | str) -> Acknowledgement:
        """Ask for a new DKIM key (deprecated: use ``domains.rotate_dkim``).

        ``POST /senders/{signatureid}/requestnewdkim``
        """
        result: Acknowledgement = self._call("POST", _path(signature_id, "/requestnewdkim"))
        return result
