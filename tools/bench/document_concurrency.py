"""Benchmark: documents read per second under concurrent requests, one OCR engine against several.

    .venv/bin/python -m tools.bench.document_concurrency [--workers 4] [--reads 40] [--data ../shared/data]

``--workers`` threads read the MRZ specimen passports of ``../shared/data/mrz`` (the full
``DocumentReader.read``) until ``--reads`` reads are done, in three set-ups, one after the other in
one run (docs/targets.md §2):

- one engine with two onnxruntime threads behind a process-wide lock: the pipeline before
  ``RapidOcrEnginePool`` (one read at a time);
- the same engine without that lock: the rest of a read overlaps, the OCR calls queue;
- one engine per core with one thread each (``KYC_OCR_ENGINES``, the default now).

Prints reads/s, p50/p95 latency of a read, CPU seconds per read and the load average. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from ml.document.ocr_pool import RapidOcrEnginePool
from ml.document.reader import OpenCvRapidOcrDocumentReader

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SPECIMEN_DAY = date(2010, 1, 1)


def _load(data: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted((data / "mrz" / "images" / "passporteye").glob("passport-*"))]


def run(read: Callable[[bytes], object], images: list[bytes], workers: int, reads: int) -> dict[str, float]:
    for image in images:  # warm every code path once
        read(image)
    latencies: list[float] = []

    def one(n: int) -> None:
        started = time.perf_counter()
        read(images[n % len(images)])
        latencies.append(time.perf_counter() - started)

    cpu, started = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(reads)))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    latencies.sort()
    return {
        "rate": reads / wall,
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, round(0.95 * len(latencies)))],
        "cpu": cpu / reads,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools.bench.document_concurrency", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reads", type=int, default=40)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    images = _load(args.data)
    cores = os.cpu_count() or 1
    print(f"{args.workers} concurrent readers, {args.reads} reads, {cores} cores, load {os.getloadavg()[0]:.1f}")
    print("| set-up | reads/s | p50 s | p95 s | CPU s/read |\n|---|---|---|---|---|")
    one_engine = OpenCvRapidOcrDocumentReader(today=lambda: SPECIMEN_DAY, ocr=RapidOcrEnginePool(1, 2))
    engines = max(1, min(4, cores))
    per_core = OpenCvRapidOcrDocumentReader(today=lambda: SPECIMEN_DAY, ocr=RapidOcrEnginePool(engines, 1))
    lock = threading.Lock()

    def serialised(image: bytes) -> object:
        with lock:
            return one_engine.read(image, subject_id="bench")

    setups: list[tuple[str, Callable[[bytes], object]]] = [
        ("1 engine x 2 threads, reads one at a time (before)", serialised),
        ("1 engine x 2 threads, no process-wide lock", lambda image: one_engine.read(image, subject_id="bench")),
        (f"{engines} engines x 1 thread (now)", lambda image: per_core.read(image, subject_id="bench")),
    ]
    for label, read in setups:
        f = run(read, images, args.workers, args.reads)
        print(f"| {label} | {f['rate']:.2f} | {f['p50']:.3f} | {f['p95']:.3f} | {f['cpu']:.3f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
