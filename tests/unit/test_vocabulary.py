"""The vocabulary file: each kind's terms with labels readers can tell apart, wherever labels are shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from candour.core.vocabulary import VocabularyError, load_vocabulary

KINDS = "regions:\n  london: London\nservices:\n  housing: Housing\npartners:\n  nhs: NHS\n"


def problems(tmp_path: Path, themes: str) -> list[str]:
    path = tmp_path / "vocabulary.yml"
    path.write_text(KINDS + "themes:\n" + themes, encoding="utf-8")
    try:
        load_vocabulary(path, "cases/vocabulary.yml")
    except VocabularyError as exc:
        return [p.text() for p in exc.problems]
    return []


@pytest.mark.parametrize(("first", "second"), [
    ("Funding", "Funding"),  # the same label twice
    ("Rent & arrears", "Rent and arrears"),  # the same once search's filters have them
    ("Cost < 5", "Cost > 5"),
    ("Data: sharing", "Data, sharing"),
    ("Early  help", "Early help"),
])
def test_two_labels_that_read_the_same_in_search_filters_are_refused(tmp_path: Path, first: str,
                                                                     second: str) -> None:
    found = problems(tmp_path, f"  one: {first!r}\n  two: {second!r}\n")
    assert len(found) == 1, found
    assert found[0].startswith("cases/vocabulary.yml:") and "C902 themes.two:" in found[0], found[0]
    assert "is the same as the label of 'one'" in found[0] and "give each term a label of its own" in found[0]


def test_labels_that_differ_are_kept(tmp_path: Path) -> None:
    assert problems(tmp_path, "  one: Funding\n  two: Funding and grants\n  three: Rent arrears\n") == []
