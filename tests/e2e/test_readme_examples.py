"""Every example of README.md and api/SIGNING.md runs as written on a fresh embedded stack.

Shell examples run in order in one bash, in an empty folder whose ``.venv`` is this checkout's (port
8000 becomes a free port, so the test never meets another server). The examples it cannot run are
listed in ``NOT_RUN`` with the reason and the test that covers them instead; a new example that is
in neither list fails the test, so none is forgotten.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.auth import string_to_sign
from ops.local_services import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```$", re.S | re.M)

# (file, the example's first line) -> why it is not run here, and what covers it.
NOT_RUN: dict[tuple[str, str], str] = {
    ("README.md", "bash ops/setup.sh && .venv/bin/kycledger dev"): "installs the environment (CI runs it)",
    ("README.md", "bash ops/setup.sh && .venv/bin/python -m pytest -q"): "the whole suite (CI runs it)",
    ("README.md", "import json, nats"): "needs a tenant's NATS credential and an event loop: "
                                        "tests/e2e/nats covers the same subscription",
    ("README.md", ".venv/bin/python -m tools.bench.faults            # about 4-5 minutes on 2 cores: 20 s of load "
                  "between kills"): "minutes of fault injection: tests/e2e/faults runs its short form",
    ("README.md", ".venv/bin/kycledger console enrol --tenant T --member mem_... --login riley@bank.example "
                  "< password.txt"): "a template (a member id and a password file of the reader's): "
                                     "tests/e2e/test_cli_console.py enrols a real member the same way",
    ("api/SIGNING.md", "string_to_sign = timestamp + \"\\n\" + METHOD + \"\\n\" + path + \"\\n\" + hex(sha256(body))"):
        "a formula: the test vectors check it (tests/unit/api/test_signing_vectors.py)",
    ("api/SIGNING.md", '{"timestamp": "1700000000", "method": "GET", "path": "/v1/ledger/inclusion?position=1&size=1", '
                       '"body": "", "nonce": null, "body_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4'
                       '95991b7852b855", "sign": "e233496c6856a95854ff9e41d31f4ef2f469f0ff0f3cf314c5da20c613ef7950"}'):
        "the test vectors: tests/unit/api/test_signing_vectors.py and tests/e2e/routes/test_signing_vectors_served.py",
}


@dataclass(frozen=True)
class Example:
    file: str
    language: str
    text: str

    @property
    def first_line(self) -> str:
        return self.text.splitlines()[0]


def examples(name: str) -> list[Example]:
    return [Example(name, lang, body) for lang, body in FENCE.findall((ROOT / name).read_text())]


ALL = examples("README.md") + examples("api/SIGNING.md")


def test_every_example_is_run_or_listed_with_a_reason() -> None:
    listed = set(NOT_RUN)
    found = {(e.file, e.first_line) for e in ALL}
    assert listed <= found, listed - found  # a listed example that no longer exists
    unlisted = [e for e in ALL if (e.file, e.first_line) not in listed]
    assert {e.language for e in unlisted} <= {"bash", "text", ""}, unlisted


def test_signing_md_string_to_sign_and_shell_check_reproduce_the_second_vector() -> None:
    signing = [e for e in ALL if e.file == "api/SIGNING.md"]
    vectors = [json.loads(line) for e in signing if e.language == "jsonl" for line in e.text.splitlines()]
    second = vectors[1]
    shown = next(e for e in signing if e.language == "" and e.first_line.startswith("1700000000"))
    expected = string_to_sign(second["timestamp"], second["method"], second["path"], second["body"].encode(), None)
    assert shown.first_line.replace("\\n", "\n") == expected
    check = next(e for e in signing if e.language == "bash")
    done = subprocess.run(["bash", "-c", check.text], capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout.strip() == second["sign"]


def test_readme_shell_examples_run_on_a_fresh_embedded_stack(tmp_path: Path) -> None:
    runnable = [e for e in ALL if e.file == "README.md" and e.language == "bash"
                and (e.file, e.first_line) not in NOT_RUN]
    # quickstart; dev and a tenant; one signed call with curl and openssl; the Postman collection
    assert len(runnable) == 4
    port = str(free_port())
    (tmp_path / ".venv").symlink_to(VENV)
    script = "\n".join(["set -euo pipefail", "trap 'kill $(jobs -p) 2> /dev/null; wait' EXIT",
                        *(e.text.replace("8000", port) for e in runnable)])
    # No example verifies with the real models (the quickstart's session is a sandbox one, the curl call
    # only creates a session): dev starts without warming them (KYC_WARM_MODELS=0, README "Configuration").
    env = {**os.environ, "KYC_WARM_MODELS": "0"}
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=240,
                          check=False, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "# decision: accepted (route auto_approve), status verified" in lines  # the quickstart
    created = json.loads(next(line for line in reversed(lines) if line.startswith('{"id"')))  # curl's answer
    assert created["status"] == "pending" and created["challenge"]["actions"] and created["sandbox"] is False
    postman = json.loads((tmp_path / "kycledger.postman_collection.json").read_text())
    assert postman["event"][0]["listen"] == "prerequest" and postman["item"]
    acme = json.loads((tmp_path / "acme.json").read_text())
    assert acme["environment"] == "live" and acme["api_key_id"].startswith("kyck_live_")
