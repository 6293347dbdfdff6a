"""Private scratch folders for the servers the tests start (PostgreSQL, NATS, ledgers).

Not pytest's ``tmp_path_factory``: pytest prunes old base temp dirs, which removes a running server's
files when several pytest sessions share the machine. ``in_memory=True`` puts the folder in RAM
when the machine has room: a PostgreSQL data directory holds some 300 files per database, and
``initdb``'s flush, the shutdown checkpoint and deleting them from a disk mounted with online discard
cost seconds per server (50-120 s for the session server's few hundred databases), a few
milliseconds in memory. The files are the same; only a power loss would tell them apart.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MEMORY_FS = Path("/dev/shm")  # a private mkdtemp directory is made under it
MEMORY_FS_HEADROOM = 4 * 1024**3  # the session's databases take about 1 GB; leave the machine the rest


def private_dir(prefix: str, in_memory: bool = False) -> Path:
    """A new empty folder only this caller uses; the caller removes it."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=memory_fs() if in_memory else None))


def memory_fs() -> Path | None:
    """The RAM-backed folder when it is writable with room to spare, else None (the default temp dir)."""
    try:
        if os.access(MEMORY_FS, os.W_OK) and shutil.disk_usage(MEMORY_FS).free > MEMORY_FS_HEADROOM:
            return MEMORY_FS
    except OSError:
        pass
    return None
