"""Typed settings, read from the environment once (STYLE.md: litestar-fullstack habit)."""

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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)

        def path(name: str) -> Path | None:
            return Path(e[name]) if e.get(name) else None

        interval = e.get("KYC_CHECKPOINT_INTERVAL_S", "60")
        try:
            interval_s = float(interval)
        except ValueError:
            raise ValueError(f"KYC_CHECKPOINT_INTERVAL_S must be a number of seconds, got {interval!r}") from None
        return cls(
            data_dir=path("KYC_DATA_DIR"),
            db_url=e.get("KYC_DB_URL") or None,
            kek_base64=e.get("KYC_KEK") or None,
            kek_file=path("KYC_KEK_FILE"),
            checkpoint_key_file=path("KYC_CHECKPOINT_KEY_FILE"),
            checkpoint_interval_s=interval_s,
            checkpoint_sink_dir=path("KYC_CHECKPOINT_SINK_DIR"),
            postgres_schema=e.get("KYC_POSTGRES_SCHEMA", "public"),
        )
