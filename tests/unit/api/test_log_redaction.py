"""Logs are JSON lines with trace ids and without secrets or personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest

from api.logs import REDACTED, JsonLogFormatter, RedactingFilter, redact

pytestmark = pytest.mark.unit


@pytest.fixture
def captured() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test.redaction")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_extra_fields_with_pii_or_secrets_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("session created", extra={
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "api_key_secret": "kycs_abc", "full_name": "Jane Roe",
        "date_of_birth": "1990-01-01", "document_number": "X1234567", "image_live_base64": "aGVsbG8=",
        "payload": {"email": "jane@example.com", "country": "MA"}})
    entry = json.loads(stream.getvalue())
    assert entry["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    for field in ("api_key_secret", "full_name", "date_of_birth", "document_number", "image_live_base64"):
        assert entry[field] == REDACTED
    assert entry["payload"] == {"email": REDACTED, "country": "MA"}
    for leaked in ("kycs_abc", "Jane", "1990-01-01", "X1234567", "jane@example.com"):
        assert leaked not in stream.getvalue()


def test_secrets_inside_messages_and_arguments_are_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    sign = "ab" * 32
    logger.info("key kycs_SuperSecret_123 signed %s with %s", sign, {"password": "hunter2"})
    text = stream.getvalue()
    assert "kycs_SuperSecret_123" not in text and sign not in text and "hunter2" not in text
    assert json.loads(text)["message"].startswith("key [redacted] signed [redacted]")


def test_exceptions_are_logged_without_secret_text(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise RuntimeError("bad secret kycs_oops")
    except RuntimeError:
        logger.exception("failed")
    assert "kycs_oops" not in stream.getvalue()
    assert "RuntimeError" in json.loads(stream.getvalue())["exception"]


def test_redact_keeps_harmless_values() -> None:
    assert redact({"status": "accepted", "score": 91, "checks": ["liveness"]}) == {
        "status": "accepted", "score": 91, "checks": ["liveness"]}
