"""The extracted fields of an attempt beside what the document's machine-readable zones say.

The values a reviewer sees are those the decision rested on: read from the MRZ where the document has
one (check-digit protected, it wins over the barcode) and from the PDF417 barcode otherwise
(requirements/pipeline §4). Each field names its source and, for every comparison the recorded
``data_validation`` check made (MRZ against the barcode, MRZ against the printed text, MRZ check
digits; requirements/platform §3.3), whether the two agree. Only recorded facts are used: the
check's pass/fail per rule and its reason codes, which name the fields that disagreed (never values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MRZ_FIELDS = frozenset({"surname", "given_names", "document_number", "nationality", "sex", "issuing_country",
                        "birth_date", "expiry_date", "personal_number"})
# What each comparison of ``domain.documents.validation`` looks at, and how a reviewer reads it.
COMPARISONS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("mrz_vs_barcode", "barcode", frozenset({"surname", "document_number", "birth_date"})),
    ("mrz_vs_printed", "printed text", frozenset({"surname", "document_number"})),
    ("mrz_checksum", "MRZ check digit", frozenset({"document_number", "birth_date", "expiry_date",
                                                   "personal_number"})),
)


def _named_in_reason(rule: str, reasons: Sequence[str]) -> set[str]:
    """The fields a failed rule's reason code names: ``mrz_vs_barcode:mismatch:surname,birth_date``."""
    named: set[str] = set()
    for reason in reasons:
        if reason.startswith(rule + ":"):
            named.update(reason.rsplit(":", 1)[-1].split(","))
    return named


def _source(name: str, has_mrz: bool, has_barcode: bool) -> str:
    if has_mrz and name in MRZ_FIELDS:
        return "MRZ"
    if has_barcode:
        return "barcode"
    return "document reading"


def field_comparisons(values: Mapping[str, str], has_mrz: bool,
                      checks: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per extracted field: ``field``, ``value``, ``source``, ``comparisons`` (each
    ``against`` and ``agrees``: True, False) and ``agreement`` (``agrees``, ``differs`` or
    ``not compared``). ``values`` are the decrypted fields without the raw MRZ; ``has_mrz`` says
    whether the raw MRZ was recorded; ``checks`` are the attempt's recorded results by check name."""
    validation = checks.get("data_validation") or {}
    rules: Mapping[str, str] = (validation.get("details") or {}).get("checks") or {}
    reasons = [str(r) for r in validation.get("reasons") or ()]
    basis = ((checks.get("ocr") or {}).get("details") or {}).get("basis")
    has_barcode = rules.get("barcode_format") == "pass" or basis == "barcode"
    rows = []
    for name, value in sorted(values.items()):
        source = _source(name, has_mrz, has_barcode)
        compared = []
        for rule, against, covered in COMPARISONS if source == "MRZ" else ():
            status = rules.get(rule)
            if name not in covered or status not in ("pass", "fail"):
                continue
            compared.append({"against": against, "agrees": status == "pass" or name not in
                             _named_in_reason(rule, reasons)})
        agreement = ("not compared" if not compared else
                     "agrees" if all(c["agrees"] for c in compared) else "differs")
        rows.append({"field": name, "value": value, "source": source, "comparisons": compared,
                     "agreement": agreement})
    return rows
