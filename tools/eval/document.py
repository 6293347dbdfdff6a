"""Evaluation of document reading on ../shared/data: MRZ vectors, PDF417 images, AAMVA
payloads, negative payloads and read latency, as a markdown section of ``kycledger ml evaluate``.

The parts live in ``tools.eval.document_mrz`` (MRZ text and check-digit vectors), ``tools.eval.document_aamva``
(IdParser cases, AAMVA standard examples, negatives) and ``tools.eval.document_reads`` (PDF417 images and
full document reads, with latency); this module assembles the section.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

from tools.eval.document_aamva import evaluate_aamva
from tools.eval.document_mrz import evaluate_mrz_vectors
from tools.eval.document_reads import READ_ROUNDS, evaluate_mrz_images, evaluate_pdf417_images
from tools.eval.document_tally import Tally, percentile


def _figures(times: list[float]) -> str:
    return f"p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 0.95):.0f} ms (n={len(times)})"


def _misses(tally: Tally) -> str:
    return "".join(f"\n  - miss: {m}" for m in tally.misses)


def report_section(data_dir: Path) -> str:
    """Markdown section for ``kycledger ml evaluate``."""
    vectors, digits = evaluate_mrz_vectors(data_dir)
    fields, cases, standard, negatives = evaluate_aamva(data_dir)
    pdf, pdf_times = evaluate_pdf417_images(data_dir)
    load_before = os.getloadavg()[0]
    images, read_times = evaluate_mrz_images(data_dir)
    load = f"1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores"
    return "\n".join([
        "## Documents (MRZ, PDF417, AAMVA)\n",
        f"- MRZ text vectors: {vectors.passed}/{vectors.total} as the source states (fields right on the "
        "valid ones, bad check digits flagged, malformed input rejected; `UTO` accepted as ICAO's specimen "
        f"state){_misses(vectors)}",
        f"- MRZ check-digit vectors: {digits.passed}/{digits.total}{_misses(digits)}",
        f"- MRZ specimen images read end to end (rectify + OCR + MRZ): {images.passed}/{images.total}"
        f"{_misses(images)}",
        f"- zxing-cpp PDF417 images decoded exactly: {pdf.passed}/{pdf.total} (target >= 60){_misses(pdf)}",
        f"- AAMVA IdParser cases fully right: {cases.passed}/{cases.total}; fields {fields.passed}/{fields.total}"
        f" ({fields.unverifiable} expectation not a literal value, not counted){_misses(fields)}",
        f"- AAMVA standard examples (header, designators, every element): {standard.passed}/{standard.total}"
        f"{_misses(standard)}",
        f"- Negative payloads rejected: {negatives.passed}/{negatives.total}{_misses(negatives)}",
        f"- Latency, document read (rectify + OCR + MRZ + portrait + forensics; each specimen {READ_ROUNDS} "
        f"times after a warm-up): {_figures(read_times)} (target p95 <= 700 ms; {load}; wall-clock times on "
        "a shared machine rise with its load, `python -m tools.bench.document` gives more detail)",
        f"- Latency, PDF417 decode per image: {_figures(pdf_times)} (target p95 <= 100 ms)",
        "",
    ])
