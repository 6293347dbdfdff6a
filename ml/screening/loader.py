"""Find and load every supported list file under a folder, with a provenance fingerprint.

Layout-agnostic: any ``sdn.csv`` folder is OFAC, any ``*.xml`` is the UN consolidated list, any CSV
whose header starts with the CSL ``_id`` column is the US consolidated screening list. The
fingerprint (sha256 over every file's path and sha256) goes into each screening result as the "model"
provenance, so a decision can be traced to the exact list snapshot it was screened against.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from domain.checks import ModelProvenance
from domain.ports.screening import Watchlist, WatchlistEntry, WatchlistFormatError
from ml.screening.ofac import OfacSdnImporter
from ml.screening.un_xml import UnConsolidatedImporter
from ml.screening.us_csl import ConsolidatedScreeningListImporter

PROVENANCE_NAME = "sanctions-watchlists"


def _is_csl(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.readline().lstrip(b"\xef\xbb\xbf").startswith(b"_id,")


def list_files(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(OFAC folders, UN XML files, CSL CSV files) under ``folder``, sorted."""
    ofac = sorted({p.parent for p in folder.rglob("sdn.csv")})
    un = sorted(folder.rglob("*.xml"))
    csl = sorted(p for p in folder.rglob("*.csv") if p.parent not in ofac and _is_csl(p))
    return ofac, un, csl


def fingerprint(folder: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_watchlists(folder: Path) -> Watchlist:
    """Load every list under ``folder``; raise ``WatchlistFormatError`` if there is none."""
    if not folder.is_dir():
        raise WatchlistFormatError("sanctions list folder not found", folder=str(folder))
    ofac, un, csl = list_files(folder)
    entries: list[WatchlistEntry] = []
    files: list[Path] = []
    for ofac_folder in ofac:
        entries += OfacSdnImporter().load(ofac_folder)
        files += [p for p in ofac_folder.iterdir() if p.suffix == ".csv"]
    for path in un:
        entries += UnConsolidatedImporter().load(path)
        files.append(path)
    for path in csl:
        entries += ConsolidatedScreeningListImporter().load(path)
        files.append(path)
    if not entries:
        raise WatchlistFormatError(
            "no OFAC sdn.csv, UN XML or CSL CSV list found", folder=str(folder)
        )
    families = sorted({e.list_name.split(":")[0] for e in entries})
    version = f"{len(files)} files, {len(entries)} entries: {', '.join(families)}"
    return Watchlist(tuple(entries), ModelProvenance(PROVENANCE_NAME, version, fingerprint(folder, files)))
