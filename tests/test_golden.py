"""Golden tests: each broken case in tests/golden/ must give exactly the messages in its .expected file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from candour.core import rules
from candour.core.casebook import check_file
from candour.core.vocabulary import Vocabulary

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.md"), key=lambda p: p.name)
CASES = [p for p in CASES if p.name != "README.md"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path, vocabulary: Vocabulary) -> None:
    entry = check_file(path, vocabulary, rules.Options(), ROOT)
    actual = "".join(p.text() + "\n" for p in entry.problems)
    expected_file = path.with_suffix(".expected")
    if os.environ.get("CANDOUR_UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    assert entry.case is None, "a golden case must be invalid"
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_golden_case_has_expected_messages() -> None:
    assert {p.stem for p in CASES} == {p.stem for p in GOLDEN.glob("*.expected")}
