"""Structured JSON logs with trace ids and no PII or secrets (docs/architecture.md §5).

``RedactingFilter`` runs on every record before any handler formats it: values of fields whose
names are known to carry secrets or personal data are replaced, and secret-looking tokens (API key
secrets, HMAC signatures, base64 blobs) are masked inside free text. ``configure_logging`` installs
it with ``JsonLogFormatter`` on the root logger.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

REDACTED = "[redacted]"

SENSITIVE_FIELDS = frozenset({
    # credentials and request signing
    "secret", "api_key_secret", "previous_secret", "password", "token", "client_token", "authorization",
    "x-api-sign", "x_api_sign", "signature", "kek", "cookie",
    # personal data (requirements/sessions extracted data, requirements/capture §3 IDScanResult, KYA inputs)
    "name", "full_name", "first_name", "last_name", "given_names", "surname", "dob", "date_of_birth",
    "birth_date", "document_number", "personal_number", "email", "phone", "address", "mrz", "mrz_text",
    "mrzdata", "pdf417data", "barcode_payload", "ip", "ip_address", "ocr", "fields", "extracted_data",
    # media
    "image", "selfie", "selfieimage", "rawimage", "image_live_base64", "image_reference_base64",
    "image_front_base64", "image_back_base64", "frames_base64", "document_front", "document_back", "body",
})
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}
_SECRET_PATTERNS = (
    re.compile(r"kycs_[A-Za-z0-9_\-]+"),  # API key secrets (domain/credentials.py)
    re.compile(r"\b[0-9a-fA-F]{64}\b"),  # HMAC signatures and sha256 hexes that could be signatures
    re.compile(r"[A-Za-z0-9+/]{200,}={0,2}"),  # base64 payloads (images)
)


def _sensitive(name: str) -> bool:
    lowered = name.lower()
    return lowered in SENSITIVE_FIELDS or lowered.endswith(("_base64", "_secret", "_password", "_token"))


def redact_text(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def redact(value: Any) -> Any:
    """A copy of ``value`` with sensitive mapping entries and secret-looking text masked."""
    if isinstance(value, Mapping):
        return {k: REDACTED if _sensitive(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


class RedactingFilter(logging.Filter):
    """Masks secrets and PII in a record's message, arguments and extra fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(str(record.msg))
        if isinstance(record.args, Mapping):
            record.args = redact(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(a) for a in record.args)
        for attr in list(vars(record)):
            if attr in _STANDARD_ATTRS:
                continue
            setattr(record, attr, REDACTED if _sensitive(attr) else redact(getattr(record, attr)))
        return True


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extras (trace_id, ...), exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for attr, value in vars(record).items():
            if attr not in _STANDARD_ATTRS and not attr.startswith("_"):
                entry[attr] = value
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Route every log record through the redacting filter to JSON lines on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
