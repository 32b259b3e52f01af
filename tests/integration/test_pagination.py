"""Listings stay small at any size: pages of 50 for /cases/ and every term, and a compact filter index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import copy_site, good, write_case

N = 120


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = copy_site(tmp_path_factory.mktemp("big"), with_cases=False)
    for i in range(N):
        write_case(folder / "cases", f"case-{i:03d}.md", good(
            title=f"A shared referral form, number {i}", published=f"20{10 + i // 12:02d}-{i % 12 + 1:02d}-01",
            region="wales" if i % 3 == 0 else "london", themes=["funding"] if i % 2 else ["workforce"]))
    build(load_config(str(folder / "mkdocs.yml"), site_dir=str(folder / "site")))
    return folder / "site"


def titles(page: Path) -> list[str]:
    return re.findall(r'class="candour-case-card__title"><a href="[^"]+">([^<]+)</a>', page.read_text("utf-8"))


def test_cases_are_split_into_pages_of_50(big_site: Path) -> None:
    pages = [big_site / "cases" / "index.html", big_site / "cases" / "page" / "2" / "index.html",
             big_site / "cases" / "page" / "3" / "index.html"]
    found = [titles(p) for p in pages]
    assert [len(f) for f in found] == [50, 50, 20]
    assert len({t for f in found for t in f}) == N
    assert found[0][0] == "A shared referral form, number 119"  # newest first
    assert not (big_site / "cases" / "page" / "4").exists()
    first = pages[0].read_text("utf-8")
    assert 'href="page/2/" rel="next"' in first and "Showing 1 to 50 of 120. Page 1 of 3." in first
    second = pages[1].read_text("utf-8")
    assert 'rel="prev"' in second and 'rel="next"' in second


def test_term_and_theme_pages_are_paginated_too(big_site: Path) -> None:
    assert len(titles(big_site / "regions" / "london" / "index.html")) == 50
    assert len(titles(big_site / "regions" / "london" / "page" / "2" / "index.html")) == 30
    theme = (big_site / "themes" / "funding" / "index.html").read_text("utf-8")
    assert "60 lessons and 60 setbacks about Funding, from 60 cases; this page has those of cases 1 to 50." in theme
    assert (big_site / "themes" / "funding" / "page" / "2" / "index.html").is_file()


def test_the_filter_index_has_every_case(big_site: Path) -> None:
    data = json.loads((big_site / "cases" / "filter-index.json").read_text("utf-8"))
    assert len(data["cases"]) == N
    assert data["terms"]["region"][data["cases"][0][4]] in ("wales", "london")
