"""``DocumentValidator`` adapter: hands a reading to the domain's validation rules (it decides nothing)."""

from __future__ import annotations

from datetime import date

from domain.documents.validation import DocumentValidation, validate_document
from domain.ports.document import DocumentReading


class RuleBasedDocumentValidator:
    """Runs :func:`domain.documents.validation.validate_document` over a reading."""

    def validate(self, reading: DocumentReading, *, today: date, min_age: int) -> DocumentValidation:
        return validate_document(reading.mrz, reading.licence, reading.printed_text,
                                 today=today, min_age=min_age)
