"""Offline verification of a ledger: signatures first, then chain and roots (docs/architecture.md §4).

This module needs only the standard library, the pure ``domain.integrity`` code and a signature
verifier (``domain.integrity.signatures``; ops/ passes the Ed25519 one), so an auditor can run it on
an export with no database and no kycledger services.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.errors import DomainError
from domain.integrity.checkpoint import Checkpoint, parse_signed_checkpoint
from domain.integrity.checkpoint_sources import HeldNote
from domain.integrity.signatures import SignatureVerifier, verify_signed_checkpoint
from domain.integrity.verifier import (
    ChainEntry,
    EventRow,
    LedgerRow,
    VerificationReport,
    paired_rows,
    verify_ledger,
)

EXPORT_FORMAT = "kycledger-export"
EXPORT_VERSION = 1


class ExportFormatError(DomainError):
    code = "export_malformed"


def checked_checkpoints(notes: Sequence[bytes], public_key: bytes,
                        signatures: SignatureVerifier) -> tuple[list[Checkpoint], str | None]:
    """The checkpoints whose signature by ``public_key`` verifies; or the first failure's reason."""
    good: list[Checkpoint] = []
    for number, note in enumerate(notes, start=1):
        try:
            good.append(verify_signed_checkpoint(signatures, public_key, note))
        except DomainError as e:
            return good, f"checkpoint #{number} is not validly signed by the ledger key: {e.message}"
    return good, None


def _claimed_size(note: bytes) -> int:
    try:
        return parse_signed_checkpoint(note).checkpoint.size
    except DomainError:
        return 0


@dataclass(frozen=True)
class HolderSummary:
    """What one holder outside the database contributed: how many notes, the largest signed size."""

    holder: str
    checkpoints: int
    newest_size: int | None


def checked_held_notes(held: Sequence[HeldNote], public_key: bytes,
                       signatures: SignatureVerifier) -> tuple[dict[Checkpoint, str], str | None, int]:
    """The held checkpoints validly signed by ``public_key``, each with its holder; or the first
    failure's reason and the size that note claims. A note signed by another key is a failure, never
    skipped: either the sink holds something it should not, or the ledger's key changed unannounced."""
    good: dict[Checkpoint, str] = {}
    for item in held:
        try:
            checkpoint = verify_signed_checkpoint(signatures, public_key, item.note)
        except DomainError as e:
            return good, (f"{item.holder} holds {item.reference}, which is not a checkpoint validly signed by "
                          f"the ledger key: {e.message}"), _claimed_size(item.note)
        good.setdefault(checkpoint, f"{item.holder} ({item.reference})")
    return good, None, 0


def summarize_holders(held: Sequence[HeldNote], holders: Sequence[str]) -> list[HolderSummary]:
    """Per holder (including those that hold nothing): note count and the largest claimed size."""
    sizes: dict[str, list[int]] = {name: [] for name in holders}
    for item in held:
        sizes.setdefault(item.holder, []).append(_claimed_size(item.note))
    return [HolderSummary(name, len(found), max(found) if found else None) for name, found in sizes.items()]


def verify_streams(
    events: Iterator[EventRow], chain: Iterator[ChainEntry], notes: Sequence[bytes], public_key: bytes,
    signatures: SignatureVerifier, held: Sequence[HeldNote] = (),
) -> VerificationReport:
    """``verify_ledger_rows`` over two separate streams (an export), paired in lockstep."""
    return verify_ledger_rows(paired_rows(events, chain), notes, public_key, signatures, held)


def verify_ledger_rows(
    rows: Iterable[LedgerRow], notes: Sequence[bytes], public_key: bytes, signatures: SignatureVerifier,
    held: Sequence[HeldNote] = (),
) -> VerificationReport:
    """Verify the rows against the database's checkpoint ``notes`` and the ``held`` notes of holders
    outside it (the sink, witnesses): every one of them must be signed by ``public_key``, and the
    ledger must be at least as long as each and have its root at its size."""
    checkpoints, failure = checked_checkpoints(notes, public_key, signatures)
    outside, held_failure, held_claimed = checked_held_notes(held, public_key, signatures)
    holders = {checkpoint: "the database" for checkpoint in checkpoints}
    for checkpoint, holder in outside.items():
        holders.setdefault(checkpoint, holder)  # the same note in the database and the sink is checked once
    report = verify_ledger(rows, list(holders), holders if outside else None)
    if failure is not None and report.ok:
        bad_note = notes[len(checkpoints)]
        report.first_bad_position = _claimed_size(bad_note)
        report.reason = failure
    elif held_failure is not None and report.ok:
        report.first_bad_position = held_claimed
        report.reason = held_failure
    return report


# --- the export file ---------------------------------------------------------------------------
# JSON Lines: a header, one line per chained event, one line per signed checkpoint, a footer that
# carries the counts (so a cut-off file is caught).


def export_header(origin: str, public_key: bytes, exported_at: str) -> dict[str, Any]:
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "origin": origin,
            "public_key": base64.b64encode(public_key).decode(), "exported_at": exported_at}


def export_event_line(event: EventRow, link: ChainEntry) -> dict[str, Any]:
    return {"p": link.position, "n": event.notification_id, "o": str(event.originator_id),
            "v": event.originator_version, "t": event.topic, "s": base64.b64encode(event.state).decode(),
            "h": link.entry_hash.hex()}


class ExportFile:
    """Reads an export; event and chain streams come from the same lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header: dict[str, Any] = {}
        self.notes: list[bytes] = []
        self.event_lines = 0
        self._scan()

    def _lines(self) -> Iterator[dict[str, Any]]:
        with self.path.open("r", encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    raise ExportFormatError("export line is not JSON", line=number) from None
                if not isinstance(value, dict):
                    raise ExportFormatError("export line is not an object", line=number)
                yield value

    def _scan(self) -> None:
        footer: dict[str, Any] | None = None
        for number, value in enumerate(self._lines(), start=1):
            if number == 1:
                if value.get("format") != EXPORT_FORMAT or value.get("version") != EXPORT_VERSION:
                    raise ExportFormatError("not a kycledger export (version 1)")
                self.header = value
            elif "p" in value:
                self.event_lines += 1
            elif "checkpoint" in value:
                self.notes.append(base64.b64decode(value["checkpoint"]))
            elif "end" in value:
                footer = value
        if footer is None:
            raise ExportFormatError("export has no footer: the file is cut off")
        if footer.get("events") != self.event_lines or footer.get("checkpoints") != len(self.notes):
            raise ExportFormatError("export footer counts differ from its content",
                                    events=self.event_lines, checkpoints=len(self.notes))

    @property
    def public_key(self) -> bytes:
        return base64.b64decode(self.header["public_key"])

    def rows(self) -> Iterator[tuple[EventRow, ChainEntry]]:
        for value in self._lines():
            if "p" not in value:
                continue
            try:
                yield (
                    EventRow(int(value["n"]), UUID(value["o"]), int(value["v"]), str(value["t"]),
                             base64.b64decode(value["s"], validate=True)),
                    ChainEntry(int(value["p"]), int(value["n"]), bytes.fromhex(value["h"])),
                )
            except (KeyError, ValueError, TypeError) as e:
                raise ExportFormatError("malformed event line in export", error=str(e)) from None


def verify_export(path: Path, signatures: SignatureVerifier, trusted_public_key: bytes | None = None,
                  held: Sequence[HeldNote] = ()) -> tuple[VerificationReport, bytes]:
    """Verify an export offline, also against ``held`` checkpoints (e.g. a copy of the sink);
    returns the report and the public key that was used."""
    export = ExportFile(path)
    key = trusted_public_key or export.public_key
    # Two independent passes over the file keep memory flat for exports of any size.
    events = (event for event, _ in export.rows())
    chain = (link for _, link in export.rows())
    return verify_streams(events, chain, export.notes, key, signatures, held), key
