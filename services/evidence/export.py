"""Write a portable, self-contained export: events, chain, checkpoints, public key."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from domain.errors import DomainError, InvalidArgumentError
from services.evidence.ports import LedgerEvidence
from services.evidence.verify import export_event_line, export_header, verify_streams


class LedgerIntegrityError(DomainError):
    code = "ledger_integrity_failure"


def write_export(evidence: LedgerEvidence, out: Path) -> tuple[int, int]:
    """Export to ``out`` atomically (temp file + rename); returns (events, checkpoints)."""
    if out.exists():
        raise InvalidArgumentError("export target exists; refusing to overwrite", path=str(out))
    # Refuse to export a ledger the sink already contradicts (truncated below a published checkpoint).
    held = evidence.held_notes()
    notes = evidence.checkpoint_notes()
    with evidence.snapshot() as (events, chain):
        report = verify_streams(events, chain, notes, evidence.public_key(), evidence.signatures, held)
    if not report.ok:
        raise LedgerIntegrityError("the ledger does not verify; export refused",
                                   position=report.first_bad_position, reason=report.reason)
    tmp = out.with_name(out.name + ".partial")
    count = 0
    with tmp.open("w", encoding="utf-8") as f:
        header = export_header(evidence.origin, evidence.public_key(), datetime.now(UTC).isoformat())
        f.write(json.dumps(header) + "\n")
        with evidence.snapshot() as (events, chain):
            for event, link in zip(events, chain, strict=True):
                f.write(json.dumps(export_event_line(event, link), separators=(",", ":")) + "\n")
                count += 1
        for note in notes:
            f.write(json.dumps({"checkpoint": base64.b64encode(note).decode()}) + "\n")
        f.write(json.dumps({"end": True, "events": count, "checkpoints": len(notes)}) + "\n")
        f.flush()
        os.fsync(f.fileno())
    tmp.rename(out)
    return count, len(notes)
