"""The MkDocs adapter: check every case, then publish the valid ones as generated pages.

Everything that decides anything lives in the core; this file maps MkDocs events onto it, so a
move to another site engine touches only this file.
"""

from __future__ import annotations

import os
from pathlib import Path as FsPath
from typing import Any, cast

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from . import casebook, present
from .casebook import Casebook, Entry
from .settings import DEFAULT_CASES_DIR, DEFAULT_VOCABULARY, Settings
from .vocabulary import Vocabulary, VocabularyError, load_vocabulary

log = get_plugin_logger(__name__)

CASES_URI = "cases"
INDEX_URI = f"{CASES_URI}/index.md"


class CandourConfig(Config):
    cases_dir = c.Type(str, default=DEFAULT_CASES_DIR)
    vocabulary = c.Type(str, default=DEFAULT_VOCABULARY)
    min_words = c.Type(int, default=8)


class CandourPlugin(BasePlugin[CandourConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.book = Casebook()
        self.vocabulary = Vocabulary({})
        self.pages: dict[str, tuple[Entry, File]] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = FsPath(config.config_file_path).parent if config.config_file_path else FsPath.cwd()
        self.settings = Settings.from_options(root, self.config.cases_dir, self.config.vocabulary,
                                              self.config.min_words)
        if not self.settings.cases_dir.is_dir():
            raise PluginError(f"candour: the cases folder {self.settings.cases_dir} does not exist "
                              "(set 'cases_dir' under the candour plugin in mkdocs.yml)")
        return config

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        # cases/ is outside docs_dir, so MkDocs would not rebuild when a case is edited.
        assert self.settings is not None
        server.watch(str(self.settings.cases_dir))
        return server

    # Runs after other plugins have added their files, so a clash with a hand-written page is seen.
    @event_priority(-50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.settings is not None
        settings = self.settings
        try:
            self.vocabulary = load_vocabulary(settings.vocabulary,
                                              casebook.display_name(settings.vocabulary, settings.root))
        except VocabularyError as exc:
            for problem in exc.problems:
                log.error(problem.text())
            raise PluginError("candour: the vocabulary file has errors; nothing was built") from None
        self.book = casebook.load(settings.cases_dir, self.vocabulary, settings.options, root=settings.root,
                                  vocabulary_file=settings.vocabulary)
        self._report(self.book)
        self.pages = {}
        if files.get_file_from_path(INDEX_URI) is None:
            files.append(File.generated(config, INDEX_URI, content=""))
        docs_dir = FsPath(config.docs_dir)
        for entry in self.book.cases:
            uri = f"{CASES_URI}/{entry.slug}.md"
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"candour: {entry.file} would be published at {uri}, but docs/{uri} already "
                                  "exists; rename one of them")
            # Not in the nav: listing thousands of pages there is what makes large sites slow.
            file = File.generated(config, uri, content=entry.source.body, inclusion=InclusionLevel.NOT_IN_NAV)
            file.edit_uri = os.path.relpath(entry.path, docs_dir).replace(os.sep, "/")
            files.append(file)
            self.pages[uri] = (entry, file)
        return files

    def _report(self, book: Casebook) -> None:
        for problem in book.warnings:
            log.warning(problem.text())
        if book.errors:
            for problem in book.errors:
                log.error(problem.text())
            raise PluginError(f"candour: {book.summary()['line']}; fix the errors above: nothing was built")
        for entry in book.drafts:
            log.info(f"draft, not published: {entry.file}")
        log.info(str(book.summary()["line"]))

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        published = self.pages.get(page.file.src_uri)
        if published is not None and published[0].case is not None:
            page.meta["template"] = "case.html"
            page.title = published[0].case.title
        elif page.file.src_uri == INDEX_URI:
            page.meta.setdefault("template", "cases.html")
            page.meta.setdefault("title", "Cases")
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        published = self.pages.get(page.file.src_uri)
        if published is not None and published[0].case is not None:
            # The template puts these sections above the story: list them in the table of contents too.
            sections = present.case_sections(published[0].case)
            page.toc = TableOfContents([*(AnchorLink(title, anchor, 2) for anchor, title in sections["before"]),
                                        *page.toc,
                                        *(AnchorLink(title, anchor, 2) for anchor, title in sections["after"])])
        return html

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        data = cast(dict[str, Any], context)  # MkDocs types the context narrowly; templates take any key
        data["vocabulary"] = self.vocabulary
        published = self.pages.get(page.file.src_uri)
        if published is not None:
            data["case"] = present.case_view(published[0].case, self.vocabulary)
        elif page.file.src_uri == INDEX_URI:
            data["cases"] = [present.listing_view(entry.case, file.url, self.vocabulary)
                                for entry, file in self.pages.values()]
        return context
