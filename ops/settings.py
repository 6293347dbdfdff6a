"""Typed settings, read from the environment once (a litestar-fullstack habit)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path(".kycledger")


@dataclass(frozen=True)
class Settings:
    data_dir: Path | None
    db_url: str | None
    kek_base64: str | None
    kek_file: Path | None
    checkpoint_key_file: Path | None
    checkpoint_interval_s: float
    checkpoint_sink_dir: Path | None
    postgres_schema: str
    # The operator's checkpoint public key, for a process that publishes or checks it without the
    # signing key (an API replica): ``KYC_CHECKPOINT_PUBLIC_KEY`` (hex or base64 of the 32 raw
    # bytes) or ``KYC_CHECKPOINT_PUBLIC_KEY_FILE`` (that text, the raw bytes, or a PEM public key).
    checkpoint_public_key: str | None = None
    checkpoint_public_key_file: Path | None = None
    # How long a caller waits for a database connection before the outage is reported (HTTP 503)
    # instead of hanging: the pool's wait and the driver's connect timeout (whole seconds, libpq's unit).
    db_timeout_s: int = 3
    # The ledger as the outbox (README "What is guaranteed"): checks requested and still unprocessed
    # after this long are queued again by the work-recovery follower of ``worker``/``dev``.
    outbox_grace_s: float = 60.0
    # ``POST /v1/identity/verify`` answers 202 (accepted, processing) when its inline run has not
    # finished after this long; kept below the grace so a slow inline run is not queued twice.
    instant_timeout_s: float = 30.0
    # ``KYC_WARM_MODELS=0``: ``serve``, ``worker`` and ``dev`` skip the model warm-up (``ops.warmup``)
    # and load the models at the first verification that needs them, which is then seconds slower
    # (docs/targets.md §5). Only for processes that never verify with the real models: a sandbox-only
    # replica, or the test suite's process tests (they start and kill such processes many times).
    warm_models: bool = True

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)

        def path(name: str) -> Path | None:
            return Path(e[name]) if e.get(name) else None

        def seconds(name: str, default: float) -> float:
            raw = e.get(name) or str(default)
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from None
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {raw!r}")
            return value

        interval_s = seconds("KYC_CHECKPOINT_INTERVAL_S", 60.0)
        db_timeout = seconds("KYC_DB_TIMEOUT_S", 3)
        if db_timeout != int(db_timeout):
            raise ValueError(f"KYC_DB_TIMEOUT_S must be whole seconds, got {e.get('KYC_DB_TIMEOUT_S')!r}")
        grace_s = seconds("KYC_OUTBOX_GRACE_S", 60.0)
        instant_s = seconds("KYC_INSTANT_TIMEOUT_S", min(30.0, grace_s / 2))
        if instant_s >= grace_s:
            raise ValueError("KYC_INSTANT_TIMEOUT_S must be shorter than KYC_OUTBOX_GRACE_S (an instant call still "
                             "running would be queued a second time)")
        warm = e.get("KYC_WARM_MODELS") or "1"
        if warm not in ("0", "1"):
            raise ValueError(f"KYC_WARM_MODELS must be 1 (default) or 0, got {warm!r}")
        return cls(
            data_dir=path("KYC_DATA_DIR"),
            db_url=e.get("KYC_DB_URL") or None,
            kek_base64=e.get("KYC_KEK") or None,
            kek_file=path("KYC_KEK_FILE"),
            checkpoint_key_file=path("KYC_CHECKPOINT_KEY_FILE"),
            checkpoint_interval_s=interval_s,
            checkpoint_sink_dir=path("KYC_CHECKPOINT_SINK_DIR"),
            postgres_schema=e.get("KYC_POSTGRES_SCHEMA", "public"),
            checkpoint_public_key=e.get("KYC_CHECKPOINT_PUBLIC_KEY") or None,
            checkpoint_public_key_file=path("KYC_CHECKPOINT_PUBLIC_KEY_FILE"),
            db_timeout_s=int(db_timeout),
            outbox_grace_s=grace_s,
            instant_timeout_s=instant_s,
            warm_models=warm == "1",
        )
