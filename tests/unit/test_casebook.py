"""The casebook accounts for every file in the cases folder: published, draft, or error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from candour.core import casebook
from candour.core.vocabulary import Vocabulary
from tests.conftest import ROOT, good, write_case


def load(folder: Path, vocabulary: Vocabulary) -> casebook.Casebook:
    return casebook.load(folder, vocabulary, root=folder.parent, vocabulary_file=folder / "vocabulary.yml")


def test_every_file_is_published_draft_or_error(tmp_path: Path, vocabulary: Vocabulary) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(ROOT / "cases" / "vocabulary.yml", cases)
    write_case(cases, "published-one.md", good(published="2024-01-01"))
    write_case(cases, "published-two.md", good(published="2025-01-01"))
    write_case(cases, "a-draft.md", good(draft=True))
    write_case(cases, "bad-draft.md", good(draft=True, setbacks=None))
    write_case(cases, "Case.MD")
    write_case(cases, "x.markdown")
    write_case(cases, "Upper-Case.md")
    write_case(cases, "upper-case.md")
    (cases / "notes.txt").write_text("stray")
    (cases / "README.md").write_text("# About this folder\n")
    (cases / "sub").mkdir()
    write_case(cases / "sub", "nested.md")
    book = load(cases, vocabulary)

    assert sorted(e.slug for e in book.cases) == ["published-one", "published-two"]
    assert [e.slug for e in book.cases] == ["published-two", "published-one"]  # newest first
    assert [e.slug for e in book.drafts] == ["a-draft"]
    errors = {p.file: p.message for p in book.errors}
    assert set(errors) == {"cases/bad-draft.md", "cases/Case.MD", "cases/x.markdown", "cases/Upper-Case.md",
                           "cases/upper-case.md", "cases/notes.txt", "cases/sub/nested.md"}
    assert "only '.md' files are cases" in errors["cases/Case.MD"]
    assert "directly in the cases folder" in errors["cases/sub/nested.md"]
    assert "differ only by capital letters" in errors["cases/upper-case.md"]
    # Nothing lost: every file except the vocabulary and the README is counted exactly once.
    published, drafts = {e.file for e in book.cases}, {e.file for e in book.drafts}
    all_files = {p.relative_to(tmp_path).as_posix() for p in cases.rglob("*") if p.is_file()}
    accounted = published | drafts | set(errors)
    assert published.isdisjoint(drafts) and published.isdisjoint(errors) and drafts.isdisjoint(errors)
    assert all_files - accounted == {"cases/vocabulary.yml", "cases/README.md"}
    assert book.checked == len(accounted)
    assert book.summary()["line"] == ("10 files checked: 2 published, 1 draft, 7 with errors "
                                      f"({len(book.errors)} errors, 0 warnings)")


def test_the_core_never_imports_mkdocs() -> None:
    code = ("import sys, candour.core.casebook, candour.adapters.cli, candour.site.present, candour.core.settings; "
            "sys.exit(any(m == 'mkdocs' or m.startswith('mkdocs.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_settings_read_the_plugin_options_in_either_form(tmp_path: Path) -> None:
    from candour.core.settings import load_settings

    for text in ("plugins:\n  - search\n  - candour:\n      cases_dir: stories\n      min_words: 5\n",
                 "plugins:\n  candour:\n    cases_dir: stories\n    min_words: 5\n",
                 "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:x.y\n"
                 "plugins:\n  - candour:\n      cases_dir: stories\n      min_words: 5\nfoo: !ENV X\n"):
        (tmp_path / "mkdocs.yml").write_text(text)
        settings = load_settings(tmp_path / "mkdocs.yml")
        assert settings.cases_dir == (tmp_path / "stories").resolve()
        assert settings.options.min_words == 5
