"""The list entries behind screening hits, for the review evidence (``api.review_evidence``).

The screener that produced a live session's hits is the one loaded from the watchlist folder
(``KYC_WATCHLIST_DIR``); ``RapidfuzzSanctionsScreener.for_folder`` keeps one per folder and
process, so this lookup shares it with the pipeline and loads no other model. Sandbox sessions
were screened against the sandbox's magic names, which no list holds.
"""

from __future__ import annotations

from pathlib import Path

from domain.ports.screening import WatchlistEntry
from ops.ml_services import watchlist_dir_from_env


class WatchlistFolderEntries:
    """``api.review_evidence.WatchlistEntries`` over the configured list folder."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def entry(self, list_name: str, entry_id: str, sandbox: bool) -> WatchlistEntry | None:
        folder = self.folder or watchlist_dir_from_env()
        if sandbox or folder is None or not folder.is_dir():
            return None
        from ml.screening.screener import RapidfuzzSanctionsScreener  # the ML extras load on first use only

        return RapidfuzzSanctionsScreener.for_folder(folder).entry(list_name, entry_id)
