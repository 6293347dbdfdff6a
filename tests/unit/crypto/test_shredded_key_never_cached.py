"""A subject's data key destroyed while another thread is reading it is gone for this process at once.

The vault caches unwrapped keys for ``CACHE_SECONDS`` (other processes may keep a destroyed key that
long: README, erasure). Before, a read that loaded the key's row just before a destroy deleted it put
the key into the cache just after the destroy emptied it, so this very process kept serving the
shredded key for 30 s (the background sweeper test saw it under load). The race is forced here: the
reader is held between loading the row and caching the key while the destroy runs.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from adapters.crypto.kek import KeyEncryptionKey
from adapters.crypto.subject_keys import SQLiteSubjectKeyVault

SUBJECT = "ten_a:session:5b1f0f7e-6a0e-4c8e-9d7e-0f3f6f1d2c11"


def _vault(tmp_path: Path) -> SQLiteSubjectKeyVault:
    return SQLiteSubjectKeyVault(KeyEncryptionKey(os.urandom(32)), tmp_path / "keys.db")


def test_a_key_read_while_it_is_destroyed_is_not_served_afterwards(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    created = vault.data_key(SUBJECT, create=True)
    assert created is not None
    vault._cache.clear()  # the reader below must load the row, as another thread's first read does
    loaded, destroyed = threading.Event(), threading.Event()
    real_load = vault._load

    def load_then_wait(subject_id: str) -> Any:
        row = real_load(subject_id)
        if threading.current_thread().name == "reader":
            loaded.set()
            assert destroyed.wait(10)  # the destroy runs between this load and the caching
        return row

    vault._load = load_then_wait  # type: ignore[method-assign]
    seen: list[Any] = []
    reader = threading.Thread(target=lambda: seen.append(vault.data_key(SUBJECT, create=False)), name="reader")
    reader.start()
    assert loaded.wait(10)
    vault.destroy(SUBJECT)
    destroyed.set()
    reader.join(10)
    assert seen == [created]  # the read began before the destroy: it may return the key it loaded
    assert vault.data_key(SUBJECT, create=False) is None  # but nobody gets it from the cache afterwards


def test_a_key_read_after_a_destroy_is_none_and_one_read_before_stays_cached(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    created = vault.data_key(SUBJECT, create=True)
    assert vault.data_key(SUBJECT, create=False) == created  # cached as before
    other = "ten_a:session:0c3f7a52-1d43-4f0e-8a4e-7c9b2f6d1e20"
    kept = vault.data_key(other, create=True)
    vault.destroy(SUBJECT)
    assert vault.data_key(SUBJECT, create=False) is None
    assert vault.data_key(other, create=False) == kept  # another subject's key is untouched
