"""The search index: Pagefind run over a built site, its summary, and its failures in plain words."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from candour.site import search


def test_pagefind_indexes_a_folder_of_pages(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"p{n}.html").write_text(f"<html lang=en><body><main data-pagefind-body><h1>Page {n}</h1>"
                                             f"<p>setback number {n}</p></main></body></html>", encoding="utf-8")
    assert search.build_index(tmp_path) == "search: Pagefind indexed 3 pages, 6 words"
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()


def test_a_failing_pagefind_is_an_error_with_its_last_lines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def fail(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], 1, "", "one\ntwo\nError: no pages found")

    monkeypatch.setattr(subprocess, "run", fail)
    with pytest.raises(search.SearchIndexError, match="Pagefind failed: one / two / Error: no pages found"):
        search.build_index(tmp_path)


def test_a_pagefind_that_hangs_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def hang(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
        raise subprocess.TimeoutExpired("pagefind", search.TIMEOUT_SECONDS)

    monkeypatch.setattr(subprocess, "run", hang)
    with pytest.raises(search.SearchIndexError, match="Pagefind did not run"):
        search.build_index(tmp_path)
