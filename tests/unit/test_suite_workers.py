"""The suite's own process count (tests/workers.py): two workers for a run of folders, none for a
run of named files or test ids, none on one core."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workers import MAX_WORKERS, worker_count

pytestmark = pytest.mark.unit


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_a.py").write_text("")
    (tmp_path / "tests" / "unit" / "test_b.py").write_text("")
    return tmp_path


def test_the_whole_suite_runs_in_two_workers_on_two_cores(tree: Path) -> None:
    assert worker_count(["tests"], cores=2, invocation_dir=tree) == 2
    assert worker_count([], cores=2, invocation_dir=tree) == 2  # no argument: pytest's testpaths


def test_a_folder_runs_in_workers_even_next_to_a_file(tree: Path) -> None:
    assert worker_count(["tests/unit"], cores=2, invocation_dir=tree) == 2
    assert worker_count(["tests/unit/test_a.py", "tests/unit"], cores=2, invocation_dir=tree) == 2


def test_named_files_and_test_ids_run_in_the_calling_process(tree: Path) -> None:
    assert worker_count(["tests/unit/test_a.py"], cores=2, invocation_dir=tree) == 0
    assert worker_count(["tests/unit/test_a.py", "tests/unit/test_b.py"], cores=2, invocation_dir=tree) == 0
    assert worker_count(["tests/unit/test_a.py::test_x[1-2]"], cores=2, invocation_dir=tree) == 0
    assert worker_count([str(tree / "tests" / "unit" / "test_b.py")], cores=2, invocation_dir=Path("/")) == 0


def test_a_path_that_is_no_file_is_not_taken_for_one(tree: Path) -> None:
    # a file name relative to another folder than the one pytest was started in: pytest collects what it can
    assert worker_count(["test_a.py"], cores=2, invocation_dir=tree) == 2


def test_one_core_gets_no_worker_and_many_cores_get_at_most_two(tree: Path) -> None:
    assert worker_count(["tests"], cores=1, invocation_dir=tree) == 0
    assert worker_count(["tests"], cores=16, invocation_dir=tree) == MAX_WORKERS == 2
