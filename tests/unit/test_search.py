"""The search index: pages handed to Pagefind's service as they are written, what of a page it is sent, and its
failures in plain words."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from candour.site import search

PAGE = ('<!doctype html><html lang="cy" class="no-js"><head><title>Page {n}</title><script>var x = 1;</script></head>'
        '<body><nav>Menu of every page</nav><div data-pagefind-body><h1>Page {n}</h1><h2 id="what">What went wrong'
        '</h2><p>setback number {n}</p><span data-pagefind-filter="theme:Funding">Funding</span></div>'
        '<!-- candour:search-body-end --><aside>Related: another case</aside></body></html>')


def test_only_the_searchable_region_is_sent_in_the_pages_own_html_tag() -> None:
    page = PAGE.format(n=1)
    sent = search.searchable(page)
    assert sent is not None and sent.startswith('<!doctype html><html lang="cy" class="no-js">')
    assert "<h1>Page 1</h1>" in sent and 'data-pagefind-filter="theme:Funding"' in sent
    assert "Menu of every page" not in sent and "Related" not in sent and "<script>" not in sent
    assert search.searchable("<html><body><p>No search here</p></body></html>") is None
    unmarked = page.replace(search.SEARCH_BODY_END, "")  # a casebook's own template: the whole page is sent
    assert search.searchable(unmarked) == unmarked


def test_the_service_indexes_what_pagefind_itself_indexes_from_the_whole_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for n in range(3):
        (site / f"p{n}").mkdir(parents=True)
        (site / f"p{n}" / "index.html").write_text(PAGE.format(n=n), encoding="utf-8")
    (site / "other.html").write_text("<html><body>not searchable</body></html>", encoding="utf-8")
    indexer = search.Indexer()
    for page in sorted(site.rglob("*.html")):
        url = "/" + page.parent.relative_to(site).as_posix() + "/" if page.name == "index.html" else "/other.html"
        indexer.add(page.read_text(encoding="utf-8"), url)
    summary = indexer.write(tmp_path / "ours")
    assert re.fullmatch(r"search: Pagefind indexed 3 pages, 27 words in all(, at most [1-9]\d* MB of memory)?",
                        summary), summary
    assert "MB of memory" in summary or not Path("/proc/self/status").exists()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(tmp_path / "cli")],
                   check=True, capture_output=True)
    # Each page's record (its text, title, anchors, filters) is a file named by its content's hash.
    ours = sorted(p.name for p in (tmp_path / "ours" / "pagefind" / "fragment").iterdir())
    assert len(ours) == 3 and ours == sorted(p.name for p in (tmp_path / "cli" / "fragment").iterdir())
    assert (tmp_path / "ours" / "pagefind" / "pagefind.js").is_file()


def fake_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    program = tmp_path / "pagefind"
    program.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search, "get_executable", lambda: program)


def test_a_missing_pagefind_is_an_error_that_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "get_executable", lambda: None)
    with pytest.raises(search.SearchIndexError, match=r"binary is not installed \(pip install 'pagefind\[bin\]'\)"):
        search.Indexer()


def test_a_pagefind_that_exits_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pagefind(tmp_path, monkeypatch, "exit 3")
    with pytest.raises(search.SearchIndexError, match="Pagefind did not start: Pagefind stopped"):
        search.Indexer()


def test_a_pagefind_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pagefind(tmp_path, monkeypatch, "exec sleep 600")
    monkeypatch.setattr(search, "TIMEOUT_SECONDS", 0.5)
    with pytest.raises(search.SearchIndexError, match="Pagefind did not start: Pagefind did not answer in time"):
        search.Indexer()


def test_an_error_from_pagefind_stops_the_index_with_its_message(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    indexer = search.Indexer()
    indexer.add(PAGE.format(n=1), "/p1/")
    with pytest.raises(search.SearchIndexError, match="Pagefind failed"):
        indexer.write(tmp_path / "a-file" / "below-a-file")
    assert indexer._service.poll() is not None  # the service has been stopped
