"""All 402 inputs of the public YAML test suite, as front-matter and as whole files: never a crash or a hang."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from candour.core import rules
from candour.core.casebook import check_file
from candour.core.vocabulary import Vocabulary
from tests.conftest import ROOT

pytestmark = pytest.mark.corpus  # outside data: `make corpora`, not `make test`

SUITE = ROOT.parent / "shared" / "data" / "yaml-test-suite"
FILES = sorted(SUITE.glob("*/*.yaml"))
SECONDS_PER_FILE = 5


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_the_suite_is_here() -> None:
    assert SUITE.is_dir(), f"{SUITE} is missing: `make corpora` needs ../shared next to this checkout"
    assert len(FILES) == 402


@pytest.mark.parametrize("as_whole_file", [False, True], ids=["front-matter", "whole-file"])
def test_every_input_gives_a_clean_result_or_a_located_error(
        tmp_path: Path, vocabulary: Vocabulary, as_whole_file: bool) -> None:
    assert FILES, f"{SUITE} is missing or empty: `make corpora` needs ../shared next to this checkout"
    outcomes = {"valid": 0, "errors": 0}
    for source in FILES:
        data = source.read_bytes()
        text = data if as_whole_file else b"---\n" + data + b"\n---\nThe story.\n"
        case = tmp_path / "yaml-suite-case.md"
        case.write_bytes(text)
        lines = text.count(b"\n") + 1
        with time_limit(SECONDS_PER_FILE):
            entry = check_file(case, vocabulary, rules.Options(), tmp_path)
        for problem in entry.problems:
            assert 1 <= problem.line <= lines, (source.name, problem)
            assert problem.message and problem.file == "yaml-suite-case.md", (source.name, problem)
            assert len(problem.text()) < 1000, (source.name, problem)
        outcomes["valid" if entry.case is not None else "errors"] += 1
        assert entry.case is not None or entry.problems, source.name
    # None of these is a case, so every one must be rejected, each with at least one located reason.
    assert outcomes == {"valid": 0, "errors": len(FILES)}
