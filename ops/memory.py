"""One malloc arena for the process, so the memory a verification touched first stays touched.

docs/targets.md §7: the first verification after ready cost more system CPU than the tenth (about
45,000 more page faults: first touches of the memory its decoded uploads, OCR and face work need),
and warming the models alone did not remove it. glibc gives each new thread its own malloc arena:
the warm-up's thread grows one arena, the threads that serve the first verification (a request
thread and the pipeline's selfie thread) are handed others and touch their memory again. With one
arena every thread allocates from the memory the warm-up (``ops.warmup``) already touched: the
first verification's page faults are those of the tenth (measured with the warm-up's drawn
verification, ``tools.bench.first_verify``). ``MALLOC_ARENA_MAX`` set in the environment wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # glibc's mallopt parameter number


def use_one_malloc_arena() -> bool:
    """Ask glibc for a single malloc arena (threads created later share it); False where the C
    library is not glibc or the environment already says how many arenas to use."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:
        return False
    return bool(mallopt(M_ARENA_MAX, 1))
