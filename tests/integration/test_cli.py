"""The `candour` command as CI runs it: exit codes, the three formats, the summary line."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, good, write_case

CANDOUR = [sys.executable, "-m", "candour.adapters.cli"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the site's config and vocabulary with an empty cases folder."""
    (tmp_path / "cases").mkdir()
    shutil.copy(ROOT / "cases" / "vocabulary.yml", tmp_path / "cases" / "vocabulary.yml")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in `cwd`; the environment is the test's own, less any CI step summary, plus `env`."""
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    env = {**base, "PYTHONPATH": str(ROOT / "plugins"), **(env or {})}
    return subprocess.run([*CANDOUR, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60)


def test_the_example_cases_are_valid() -> None:
    cases = len(list((ROOT / "cases").glob("*.md")))
    result = run(ROOT, "validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith(f"candour: {cases} files checked: {cases} published, "
                                                             "0 drafts, 0 with errors")


def test_invalid_case_exits_1_with_located_messages(site: Path) -> None:
    write_case(site / "cases", "good-one.md")
    write_case(site / "cases", "no-setbacks.md", good(setbacks=None))
    write_case(site / "cases", "no-lessons.md", good(do_differently=None))
    result = run(site, "validate")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        "cases/no-lessons.md:1: C010 do_differently: the required field 'do_differently' is missing (add "
        "'do_differently:' with at least one '- ...' item saying what the team would change)",
        "cases/no-setbacks.md:1: C010 setbacks: the required field 'setbacks' is missing (add 'setbacks:' with at "
        "least one '- what: ...' item saying what went wrong)",
        "candour: 3 files checked: 1 published, 0 drafts, 2 with errors (2 errors, 0 warnings)",
    ]


def test_github_format_annotates_each_problem(site: Path) -> None:
    write_case(site / "cases", "no-setbacks.md", good(setbacks=None, place="Harrowfield, Essex: 100%"))
    result = run(site, "validate", "--format", "github")
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=cases/no-setbacks.md,line=1,title=Candour C010%3A setbacks::setbacks: "
                            "the required field 'setbacks' is missing")


def test_json_format_is_machine_readable(site: Path) -> None:
    write_case(site / "cases", "no-setbacks.md", good(setbacks=None))
    write_case(site / "cases", "draft-one.md", good(draft=True))
    result = run(site, "validate", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 2
    assert report["summary"]["drafts"] == 1
    assert report["summary"]["files_with_errors"] == 1
    [problem] = report["problems"]
    assert problem == {
        "file": "cases/no-setbacks.md", "line": 1, "path": ["setbacks"], "field": "setbacks",
        "message": "the required field 'setbacks' is missing",
        "hint": "add 'setbacks:' with at least one '- what: ...' item saying what went wrong", "severity": "error",
        "code": "C010",
    }


def test_paths_can_be_files_or_folders(site: Path) -> None:
    good_file = write_case(site / "cases", "good-one.md")
    write_case(site / "cases", "bad-one.md", good(setbacks=None))
    assert run(site, "validate", str(good_file)).returncode == 0
    assert run(site, "validate", "cases/bad-one.md").returncode == 1
    assert run(site, "validate", "cases").returncode == 1


@pytest.mark.parametrize(("args", "says"), [
    (["validate", "no/such/file.md"], "candour: no such file or folder: no/such/file.md"),
    (["validate", "--format", "xml"], "candour validate: error: argument --format: invalid choice: 'xml'"),
    (["frobnicate"], "candour: error: argument COMMAND: invalid choice: 'frobnicate'"),
    ([], "candour: error: the following arguments are required: COMMAND"),
])
def test_usage_errors_exit_2_with_a_message(site: Path, args: list[str], says: str) -> None:
    result = run(site, *args)
    assert result.returncode == 2, result
    assert says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""  # a message, not a crash or a report


def test_broken_vocabulary_is_reported_located(site: Path) -> None:
    (site / "cases" / "vocabulary.yml").write_text("regions:\n  London: London\nservices: []\n")
    result = run(site, "validate")
    assert result.returncode == 1
    assert "cases/vocabulary.yml:2: C902 regions.London: 'London' is not a valid term" in result.stdout
    assert "cases/vocabulary.yml:1: C902 themes: the 'themes' vocabulary is missing" in result.stdout


def test_schema_command_prints_json_schema(site: Path) -> None:
    result = run(site, "schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "setbacks" in schema["required"]


def test_output_cut_short_by_the_reader_is_not_a_crash(site: Path) -> None:
    for i in range(150):  # enough output to fill the pipe before the reader stops
        write_case(site / "cases", f"broken-{i:03d}.md", good(setbacks=None, do_differently=None))
    command = " ".join(shlex.quote(part) for part in CANDOUR) + " validate --format json | head -c 100"
    env = {**{k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run(["bash", "-c", "set -o pipefail; " + command], cwd=site, capture_output=True, text=True,
                            env=env, timeout=120)
    # The reader got the first 100 characters of the report; the CLI stopped quietly, with the exit code of
    # invalid cases and nothing on stderr (a broken pipe left unhandled prints a traceback there).
    assert result.stdout.startswith("{") and len(result.stdout) == 100, result.stdout
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr == "", result.stderr
