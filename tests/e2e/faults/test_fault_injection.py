"""The fault-injection run in its short form, in the suite
(``python -m tools.bench.faults --short --no-warm-models``).

Two ``kycledger serve`` and two ``kycledger worker`` processes on a real PostgreSQL and nats-server
take a mixed sandbox load while each of the six parts is killed with SIGKILL and started again.
Nothing acknowledged may be lost, no session stranded, nothing recorded twice, NATS must hold every
message once in ledger order, followers must catch up after each restart, no 5xx may fall outside
a kill window, and ``kycledger ledger verify`` must pass. About two to three minutes on two cores.

The load uses sandbox keys only (``tools.bench.faults.load``): no request reaches the real models, so
the processes start without warming them (``KYC_WARM_MODELS=0``, README "Configuration"), which spares
the model loading at each of the eight process starts; the real warm-up has its own tests
(tests/integration/resilience/test_warmup_real_models.py, tests/unit/resilience/test_model_warmup.py).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from tests.scratch import private_dir
from tools.bench.faults.run import ORDER, OUTAGE_ANSWER, SHORT, run

pytestmark = [pytest.mark.e2e, pytest.mark.faults]


def test_killing_each_part_under_load_loses_strands_and_duplicates_nothing(tmp_path: Path) -> None:
    root = private_dir("kyc-faults-test-", in_memory=True)  # PostgreSQL, NATS and logs (tests.scratch)
    try:
        report = run(root, dataclasses.replace(SHORT, warm_models=False))
    finally:
        if (root / "logs").is_dir():  # the processes' logs outlive a failure (tmp_path is kept then)
            shutil.copytree(root / "logs", tmp_path / "logs")
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(report, indent=2, default=str))  # the figures, with -s or on failure
    print(f"logs of serve and worker: {tmp_path / 'logs'}")
    assert [k["target"] for k in report["kills"]] == list(ORDER)
    assert sum(r["acknowledged"] for r in report["requests"].values()) > 100  # the load really ran
    assert report["acknowledged_but_missing"] == []
    assert report["stranded_sessions"] == [] and report["undecided_instant_verifications"] == []
    assert report["ledger"]["duplicate_decisions"] == 0 and report["ledger"]["duplicate_check_results"] == 0
    assert report["ledger"]["decisions"] == report["ledger"]["attempts_requested"] > 0
    for stream, figures in report["nats"].items():
        assert figures["messages"] == figures["expected"] > 0, stream
        assert figures["duplicates"] == figures["missing"] == figures["out_of_order"] == 0, (stream, figures)
    assert all(k["followers_caught_up_s"] is not None for k in report["kills"]), report["kills"]
    assert report["5xx_outside_kill_windows"] == 0, report["5xx_outside_detail"]
    assert set(report["5xx_codes"]) <= {OUTAGE_ANSWER}, report["5xx_codes"]  # never a 500
    assert report["ledger_verify"]["ok"] is True and report["ledger_verify"]["exit_code"] == 0
    assert report["failures"] == []
