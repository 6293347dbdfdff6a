"""Address-proof latency on 2 cores: one A4 bill at 150 dpi read whole by rapidocr, then the domain rules.

Run: .venv/bin/pytest tests/benchmark/test_address_proof_bench.py --benchmark-enable -q
Figures only; no timed assertions. The bills are rendered at test time (tests/integration/address_proof).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.address_proof.names import HolderName
from domain.address_proof.rules import assess_address_proof
from domain.checks import Outcome
from ml.address_proof.reader import RapidOcrAddressProofReader
from tests.integration.address_proof.letters import Letter, render_letter

pytestmark = pytest.mark.benchmark

TODAY = date(2026, 3, 20)
HOLDER = HolderName.of("ERIKSSON", "ANNA MARIA")


@pytest.fixture(scope="module")
def reader() -> RapidOcrAddressProofReader:
    return RapidOcrAddressProofReader()


@pytest.mark.parametrize("scanned", [False, True], ids=["png", "scanned-jpeg"])
def test_address_proof_read_and_judge(benchmark, reader: RapidOcrAddressProofReader, scanned: bool) -> None:
    bill = render_letter(Letter(holder="Anna Maria Eriksson", address=("14 Willow Street", "Manchester", "M1 4BT"),
                                issued=TODAY - timedelta(days=9)), scanned=scanned)

    def read_and_judge() -> Outcome:
        return assess_address_proof(reader.read(bill).lines, HOLDER, TODAY).outcome

    outcome = benchmark.pedantic(read_and_judge, rounds=6, warmup_rounds=1)
    assert outcome is Outcome.PASS
