"""Wake the log's followers when the ledger commits, instead of letting them poll.

The relay and the read models follow the notification log (docs/architecture.md §1). Polling it
every 20 ms put a decision on NATS 18 ms after its commit at the median; a signal puts it there as
soon as the relay can read it (docs/targets.md §5). Two sources ring the same ``CommitSignal``:

- the recorder itself, after every save it committed (in process: the embedded default, where the
  API, the workers and the followers share one ledger);
- on PostgreSQL, a ``LISTEN`` on the channel every save already ``NOTIFY``s in its transaction, so a
  follower in another process (``worker`` beside ``serve``) wakes on commits it did not make.

A follower reads the ``count`` before it reads the log and waits for it to change, so a commit
made while it was reading is never slept through; its poll interval stays as the upper bound of a
wait (a missed signal, a follower of a SQLite ledger written by another process).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, cast

import psycopg
from psycopg import sql

log = logging.getLogger("kycledger.commit_signal")

RECONNECT_PAUSE_S = 1.0


class CommitSignal:
    """A counter of commits that waiters can block on."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0

    @property
    def count(self) -> int:
        return self._count

    def notify(self) -> None:
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    def wait_after(self, seen: int, timeout: float, until: threading.Event | None = None) -> int:
        """Block until a commit after ``seen`` (the ``count`` read before the caller last read the
        log), ``until`` is set (the caller stops: see ``wake``) or ``timeout`` seconds; returns the
        count now."""
        with self._changed:
            self._changed.wait_for(lambda: self._count != seen or (until is not None and until.is_set()), timeout)
            return self._count

    def wake(self) -> None:
        """Let waiters look at their ``until`` event, without counting a commit."""
        with self._changed:
            self._changed.notify_all()


class PostgresCommitListener:
    """A thread that ``LISTEN``s on the recorder's channel and rings ``signal`` on each notification."""

    def __init__(self, dsn: str, channel: str, signal: CommitSignal) -> None:
        self.dsn = dsn
        self.channel = channel
        self.signal = signal
        self.listening = threading.Event()  # set once LISTEN is in place: no later commit is missed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-commit-listener", daemon=True)

    def start(self, wait_s: float = 2.0) -> PostgresCommitListener:
        self._thread.start()
        self.listening.wait(wait_s)  # a server that is down: the followers poll until it is back
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as error:  # the server restarted: followers poll meanwhile
                log.warning("ledger commit listener lost its connection (%s); reconnecting", type(error).__name__)
                self.signal.notify()  # commits may have been missed: let the followers look
                self._stop.wait(RECONNECT_PAUSE_S)

    def _listen(self) -> None:
        conn: psycopg.Connection[Any] = psycopg.connect(self.dsn, autocommit=True)
        with conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self.listening.set()
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=1.0):
                    self.signal.notify()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class SignalledRecorder:
    """Mixin for the chained recorders: ``commits`` rings after each save committed here, and
    ``follow_commits()`` is what a follower waits on (``start_listening`` adds other processes)."""

    _commits: CommitSignal | None = None

    @property
    def commits(self) -> CommitSignal:
        signal = self.__dict__.get("_commits")
        if signal is None:
            signal = self.__dict__.setdefault("_commits", CommitSignal())  # one per recorder, even if racing
        return cast(CommitSignal, signal)

    def follow_commits(self) -> CommitSignal:
        self.start_listening()
        return self.commits

    def start_listening(self) -> None:
        """Nothing to add for a ledger only this process writes (SQLite, the embedded default)."""

    def stop_following(self) -> None:
        """Stop what ``start_listening`` started."""


def commit_signal_of(app: Any) -> CommitSignal | None:
    """The signal to wait on for ``app``'s ledger, or None when its recorder has none (poll then)."""
    follow = getattr(getattr(app, "recorder", None), "follow_commits", None)
    signal = follow() if callable(follow) else None
    return signal if isinstance(signal, CommitSignal) else None
