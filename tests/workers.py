"""How many pytest-xdist worker processes a run gets (pyproject: ``-n auto --dist loadfile``).

The suite spends much of its time waiting on the servers, browsers and subprocesses it starts, so two
processes take about a quarter less wall time than one on two cores (README "Two commands"). Each
worker starts its own PostgreSQL and NATS and loads the models it uses, which costs seconds that a run
of a few files does not win back: a command naming only test files or test ids runs in this process.
At most two workers: the configuration measured and kept green (more would also multiply the servers
and models held in memory). ``-n N`` on the command line overrides all of this.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

MAX_WORKERS = 2


def worker_count(args: Sequence[str], cores: int, invocation_dir: Path) -> int:
    """0 (no worker: tests run in this process) or the number of worker processes to start."""
    if cores < 2 or (args and all(_names_files_only(arg, invocation_dir) for arg in args)):
        return 0
    return min(cores, MAX_WORKERS)


def _names_files_only(arg: str, invocation_dir: Path) -> bool:
    """A test id (``path::name``) or a file; a folder (or anything else) may hold many files."""
    path = Path(arg.split("::", 1)[0])
    return "::" in arg or (invocation_dir / path).is_file()
