"""Whether a session takes an address-proof capture at all.

A session whose configuration does not set ``require_address_proof`` refuses the capture instead of
storing it unused: an address document is personal data the verification would never read (data
minimisation), and a refusal tells the integrator at once that the session was opened without it.
"""

from __future__ import annotations

from domain.errors import ConflictError

ADDRESS_PROOF_CAPTURE = "address_proof"


class AddressProofNotRequiredError(ConflictError):
    """An address document was uploaded to a session that does not require one."""

    code = "address_proof_not_required"


def ensure_capture_wanted(kind: str, require_address_proof: bool) -> None:
    """Refuse an ``address_proof`` capture unless the session requires address proof."""
    if kind == ADDRESS_PROOF_CAPTURE and not require_address_proof:
        raise AddressProofNotRequiredError(
            "this session does not require address proof: open it with require_address_proof: true",
            capture=kind)
