"""A ``kycledger`` call builds only its own command group's parser (``ops.cli.COMMAND_GROUPS``), and
that parser is the one the full CLI has: the same commands, the same help, the same errors."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from ops.cli import COMMAND_GROUPS, GROUPS, build_parser, leaf_parsers, main

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


def _registered_by(module_name: str) -> list[str]:
    parser = argparse.ArgumentParser(prog="kycledger")
    sub = parser.add_subparsers(dest="command", required=True)
    importlib.import_module(module_name).register(sub)
    return list(sub.choices)


def test_the_table_names_each_command_word_with_the_group_that_registers_it() -> None:
    registered = {word: module for module in GROUPS for word in _registered_by(module)}
    assert registered == COMMAND_GROUPS


def _help(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(argv)
    return out.getvalue()


def test_every_command_has_the_same_help_and_json_option_built_alone_as_in_the_full_cli() -> None:
    full = leaf_parsers(build_parser())
    for path, parser in full.items():
        alone = leaf_parsers(build_parser((COMMAND_GROUPS[path[0]],)))[path]
        assert alone.format_help() == parser.format_help(), path
        assert _help([*path, "--help"]) == parser.format_help(), path


def test_a_bad_argument_is_refused_with_the_commands_own_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["keys", "rotate", "--no-such-option"])
    assert refused.value.code == 2
    assert capsys.readouterr().err.startswith("usage: kycledger keys rotate ")
    with pytest.raises(SystemExit):
        main(["no-such-command"])  # not a command word: the full CLI answers, listing every command
    assert "invalid choice: 'no-such-command'" in capsys.readouterr().err


def test_tenants_create_does_not_import_the_api_server_or_opencv(tmp_path: Path) -> None:
    probe = ("import sys; from ops.cli import main; code = main(['tenants', 'create', '--name', 'Acme', "
             f"'--data-dir', {str(tmp_path / 'd')!r}, '--json']); "
             "print(code, sorted(m for m in ('litestar', 'uvicorn', 'cv2', 'ops.api_wiring') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    assert done.stdout.splitlines()[-1] == "0 []"
