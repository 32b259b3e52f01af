"""`mkdocs serve` (#14): a save renders again only the pages it changed, and the preview it then serves is
exactly what a fresh preview of the same files would be. MkDocs' own serve loop, run in this process."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from candour.adapters.mkdocs.plugin import CandourPlugin
from tests.conftest import copy_site

pytestmark = pytest.mark.slow

SERVE_URL = "http://127.0.0.1:8000/"
PLANNED = re.compile(r"preview: (\d+) planned pages made, (\d+) unchanged since the last build")


class Preview:
    """One `mkdocs serve` session: the first build, then a rebuild per save, as MkDocs' serve loop runs them
    (the configuration read again for each, the plugin kept)."""

    def __init__(self, folder: Path, site_dir: Path) -> None:
        self.folder, self.site_dir = folder, site_dir
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["candour"]
        assert isinstance(plugin, CandourPlugin) and plugin.preview is not None
        self.plugin, self.nonce = plugin, plugin.preview.nonce
        build(config, serve_url=SERVE_URL)

    def _config(self) -> MkDocsConfig:
        config = load_config(str(self.folder / "mkdocs.yml"), site_dir=str(self.site_dir))
        config.site_url = SERVE_URL
        return config

    def rebuild(self, caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
        """Build again; return how many planned pages were made and how many were the last build's."""
        caplog.clear()
        build(self._config(), serve_url=SERVE_URL)
        made, unchanged = PLANNED.findall(caplog.text)[-1]
        return int(made), int(unchanged)

    def pages(self) -> dict[str, str]:
        """Every page served, its nonce (new for every session) made the same."""
        return {p.relative_to(self.site_dir).as_posix(): p.read_text(encoding="utf-8").replace(self.nonce, "NONCE")
                for p in self.site_dir.rglob("*.html")}

    def stop(self) -> None:
        config = self._config()
        config.plugins.on_shutdown()
        config.plugins.on_startup(command="build", dirty=False)  # the plugin instance outlives the session


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The example casebook without a search index (it is the first build's in a preview, and slow to make),
    with a theme folder of its own whose footer a test can edit."""
    folder = copy_site(tmp_path / "book")
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("      min_words: 8\n", "      min_words: 8\n      search: false\n", 1)
    config = config.replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    (folder / "overrides" / "partials").mkdir(parents=True)
    (folder / "overrides" / "partials" / "copyright.html").write_text("<p>Footer one</p>\n", encoding="utf-8")
    return folder


@pytest.fixture
def preview(book: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[Preview]:
    caplog.set_level(logging.INFO)
    session = Preview(book, tmp_path / "served")
    try:
        yield session
    finally:
        session.stop()


def fresh(book: Path, tmp_path: Path, name: str) -> dict[str, str]:
    """What a new `mkdocs serve` of the same files serves. It ends the session under test: MkDocs keeps one
    instance of the plugin in a process."""
    session = Preview(book, tmp_path / name)
    try:
        return session.pages()
    finally:
        session.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_renders_only_what_it_changes_and_serves_what_a_fresh_preview_serves(
        book: Path, preview: Preview, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    case = book / "cases" / "housing-first-pilot.md"
    edit(case, "\ntitle: ", "\ntitle: Edited in the preview, ")
    made, unchanged = preview.rebuild(caplog)
    assert 0 < made < made + unchanged and unchanged > made  # its page, the lists it is on, its related cases
    served = preview.pages()
    assert "Edited in the preview" in served["cases/housing-first-pilot/index.html"]
    assert "Edited in the preview" in served["cases/index.html"]
    # Saved again with nothing changed: nothing is made again, and nothing differs.
    assert preview.rebuild(caplog) == (0, made + unchanged)
    assert preview.pages() == served
    assert served == fresh(book, tmp_path, "fresh")  # last: MkDocs keeps one plugin for every session in a process


def test_a_template_or_configuration_edit_renders_every_page_again(
        book: Path, preview: Preview, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (book / "overrides" / "partials" / "copyright.html").write_text("<p>Footer two</p>\n", encoding="utf-8")
    assert preview.rebuild(caplog)[1] == 0
    served = preview.pages()
    assert all("Footer two" in page and "Footer one" not in page for name, page in served.items()
               if name != "404.html"), [n for n, p in served.items() if "Footer two" not in p]
    # The same length and the same time stamp: still seen (templates are read, not only looked at).
    footer = book / "overrides" / "partials" / "copyright.html"
    times = footer.stat()
    footer.write_text("<p>Footer tw0</p>\n", encoding="utf-8")
    os.utime(footer, ns=(times.st_atime_ns, times.st_mtime_ns))
    preview.rebuild(caplog)
    assert [name for name, page in preview.pages().items() if "Footer tw0" not in page and name != "404.html"] == []
    edit(book / "mkdocs.yml", "site_name: ", "site_name: Renamed ")
    assert preview.rebuild(caplog)[1] == 0
    assert preview.pages() == fresh(book, tmp_path, "fresh")


def test_a_page_that_names_itself_in_the_navigation_renames_it_on_every_page(
        book: Path, preview: Preview, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # The Contribute page is the package's; a casebook's own replaces it, and its heading names it in the tabs.
    (book / "docs" / "contribute.md").write_text("# Share what happened\n\nHow to share a case.\n", encoding="utf-8")
    assert preview.rebuild(caplog)[1] == 0
    served = preview.pages()
    assert all("Share what happened" in page for name, page in served.items() if name != "404.html")
    assert served == fresh(book, tmp_path, "fresh")


def test_a_case_that_breaks_is_reported_on_every_page_and_mending_it_clears_every_page(
        book: Path, preview: Preview, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = preview.pages()
    case = book / "cases" / "housing-first-pilot.md"
    text = case.read_text(encoding="utf-8")
    edit(case, "do_differently:", "do_differently:\n  - TBC")
    preview.rebuild(caplog)
    served = preview.pages()
    assert "cases/housing-first-pilot/index.html" not in served
    unmarked = [name for name, page in served.items() if "C101" not in page and name != "404.html"]
    assert unmarked == []  # the pages kept from the last build carry the banner too
    case.write_text(text, encoding="utf-8")
    preview.rebuild(caplog)
    assert preview.pages() == before


def test_a_build_after_a_preview_in_the_same_process_keeps_nothing_of_it(
        book: Path, preview: Preview, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    preview.stop()
    assert preview.plugin.preview is None
    caplog.clear()
    config = load_config(str(book / "mkdocs.yml"), site_dir=str(tmp_path / "built"))
    build(config)
    assert "preview:" not in caplog.text
    assert not any(preview.nonce in p.read_text(encoding="utf-8") for p in (tmp_path / "built").rglob("*.html"))


def test_a_broken_vocabulary_keeps_the_preview_up_and_says_so_on_every_page(
        book: Path, preview: Preview, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = preview.pages()
    vocabulary = book / "cases" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("\nthemes:", "\n  themes:", 1), encoding="utf-8")  # indented wrongly
    preview.rebuild(caplog)
    served = preview.pages()
    assert not any(name.startswith("cases/") and name != "cases/index.html" for name in served)
    assert [name for name, page in served.items() if name != "404.html" and
            "(no case is shown until the vocabulary file is fixed)" not in page] == []
    vocabulary.write_text(text, encoding="utf-8")
    preview.rebuild(caplog)
    assert preview.pages() == before


def test_a_changed_snapshot_shows_and_an_unchanged_one_is_not_checked_again(
        book: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """An index's preview: the peers' entries are checked once, and again only when a snapshot changes."""
    from candour.adapters.mkdocs import plugin as plugin_module
    from candour.core import network
    from tests.conftest import good as good_case

    config = (book / "mkdocs.yml").read_text(encoding="utf-8")
    (book / "mkdocs.yml").write_text(config.replace(
        "      search: false\n", "      search: false\n      peers:\n        - name: North\n"
        "          url: https://north.example/\n", 1), encoding="utf-8")
    good = {"slug": "north-case", "url": "https://north.example/cases/north-case/",
            **good_case(title="The north pilot of a shared referral form")}
    snapshot = book / "network" / "north.json"
    network.write_snapshot(snapshot, {"candour_snapshot": 1, "fetched": "2026-01-01T00:00:00Z", "error": None,
                                      "cases": [good], "chained": []})
    loads: list[int] = []
    real = plugin_module.load_network
    monkeypatch.setattr(plugin_module, "load_network", lambda *a: loads.append(1) or real(*a))
    caplog.set_level(logging.INFO)
    session = Preview(book, tmp_path / "served")
    try:
        assert "The north pilot" in session.pages()["network/index.html"]
        session.rebuild(caplog)
        assert len(loads) == 1
        network.write_snapshot(snapshot, {"candour_snapshot": 1, "fetched": "2026-01-02T00:00:00Z", "error": None,
                                          "cases": [{**good, "title": "The north pilot, fetched again"}],
                                          "chained": []})
        session.rebuild(caplog)
        assert len(loads) == 2
        assert "The north pilot, fetched again" in session.pages()["network/index.html"]
    finally:
        session.stop()
