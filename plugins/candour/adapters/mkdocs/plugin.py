"""The MkDocs adapter: it connects MkDocs' events to the core and writes what the site plan says.

Every decision (which pages, where, with what data) is the site plan's (`candour.site.plan`); a
move to another site engine rewrites this file and keeps the templates.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path as FsPath
from typing import Any, cast

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from ...core import casebook
from ...core.body import Heading
from ...core.cache import default_folder
from ...core.settings import ConfigError, Settings
from ...core.vocabulary import Vocabulary, VocabularyError
from ...site import search, security
from ...site.plan import Plan, PlanError, plan
from .config import CandourConfig

log = get_plugin_logger(__name__)
#: The package's templates and assets: between a casebook's own (custom_dir) and the theme's.
THEME_DIR = FsPath(security.__file__).parent / "theme"
STYLESHEET = "assets/candour.css"


class CandourPlugin(BasePlugin[CandourConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.vocabulary = Vocabulary({})
        self.plan: Plan | None = None
        self.theme_scripts: list[str] | None = None
        self.serve_nonce: str | None = None  # under `mkdocs serve` only: lets its live-reload script run
        self.serve_index: FsPath | None = None  # under `mkdocs serve` only: the first build's search index
        self.preview_problems: list[str] = []  # under `mkdocs serve` only: the errors, shown on every page
        self.timings = {"checking": 0.0, "planning": 0.0, "Pagefind": 0.0}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serve_nonce = secrets.token_urlsafe(18) if command == "serve" else None

    def on_shutdown(self) -> None:
        if self.serve_index is not None:
            shutil.rmtree(self.serve_index.parent, ignore_errors=True)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = FsPath(config.config_file_path).parent if config.config_file_path else FsPath.cwd()
        try:
            self.settings = Settings.from_options(root, dict(self.config), site_name=config.site_name)
        except ConfigError as exc:
            raise PluginError(f"candour: {exc}") from None
        dirs = config.theme.dirs
        if str(THEME_DIR) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        # The theme keeps a reader's preferences under `extra.scope` and writes it into its inline scripts:
        # one value on every page lets the policy allow them by hash, and keeps sites on one domain apart.
        scope = security.scope_of(config.site_url)
        if config.extra.setdefault("scope", scope) != scope:
            log.warning(f"extra.scope is {config.extra['scope']!r} but the site is served under {scope!r} "
                        "(site_url): remove extra.scope, and Candour sets it")
        if "search" in config.plugins or "material/search" in config.plugins:
            log.warning("the 'search' plugin builds a lunr index that is loaded whole on every search; "
                        "remove it from mkdocs.yml: candour indexes the site with Pagefind")
        if not config.site_url:
            log.warning("set 'site_url' in mkdocs.yml: the feed and open data need absolute links")
        return config

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        assert self.settings is not None
        server.watch(str(self.settings.cases_dir))  # outside docs_dir, so MkDocs would not watch it
        if nonce := self.serve_nonce:
            # MkDocs 1.6 adds its live-reload script to each page as it serves it: it carries the nonce.
            inject = server._inject_js_into_html
            server._inject_js_into_html = lambda html, epoch: security.with_nonce(inject(html, epoch), nonce)  # type: ignore[method-assign]
        return server

    # After other plugins have added their files, so a clash with any of them is seen.
    @event_priority(-50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.settings is not None
        self.timings = dict.fromkeys(self.timings, 0.0)
        started = time.perf_counter()
        try:
            # The cache of check results (as `candour validate` keeps it): an edit under `mkdocs serve`
            # checks the edited case again, not every case.
            cache = casebook.checks_cache(self.settings, default_folder())
            self.vocabulary, book = casebook.open_casebook(self.settings, cache=cache)
            cache.save()
        except ConfigError as exc:
            raise PluginError(f"candour: {exc}") from None
        except VocabularyError as exc:
            for problem in exc.problems:
                log.error(problem.text())
            raise PluginError("candour: the vocabulary file has errors; nothing was built") from None
        # Under `mkdocs serve` a case with errors is left out and its problems are shown on every page, so
        # the writer sees them where they are looking; `mkdocs build` refuses to build at all.
        self.preview_problems = _report(book, serving=self.serve_nonce is not None)
        self.timings["checking"] = time.perf_counter() - started
        started = time.perf_counter()
        try:
            self.plan = plan(book, self.vocabulary, self.settings.plugin,
                             lambda path: File(path, "", "", config.use_directory_urls).url,
                             site_url=config.site_url or "", site_name=config.site_name,
                             existing={file.src_uri for file in files}, repo_url=config.repo_url)
        except PlanError as exc:
            raise PluginError(f"candour: {exc}") from None
        for path, markdown in self.plan.documents.items():
            document = File.generated(config, path, content=markdown)
            document.edit_uri = None  # the package's page, not a file of the casebook
            files.append(document)
        for page in self.plan.pages.values():
            # Not in the nav: listing thousands of pages there is what makes large sites slow. A case's
            # story never reaches MkDocs' Markdown: the core renders it (candour.core.body).
            file = File.generated(config, page.path, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            if page.source is not None:
                file.edit_uri = os.path.relpath(page.source, config.docs_dir).replace(os.sep, "/")
            files.append(file)
        for path, text in self.plan.files.items():
            files.append(File.generated(config, path, content=text))
        self.timings["planning"] = time.perf_counter() - started
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.plan is not None
        planned = self.plan.pages.get(page.file.src_uri)
        if planned is None:
            return self.plan.fill(markdown)
        # A planned page's settings are Candour's alone, never read from any text.
        page.meta = {"template": planned.template, "hide": list(planned.hide)}
        if planned.description:
            page.meta["description"] = planned.description
        page.title = escape(planned.title)  # untrusted: the theme prints page.title as HTML in places
        return markdown

    # Late, so what other plugins did to a case page is replaced by the core's rendering of its story.
    @event_priority(-100)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.plan is not None
        planned = self.plan.pages.get(page.file.src_uri)
        if planned is None or planned.source is None:  # only a case page has a story
            return html
        page.toc = TableOfContents(_toc(planned.toc))
        return planned.body

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        assert self.plan is not None and self.settings is not None
        data = cast(dict[str, Any], context)  # MkDocs types the context narrowly; templates take any key
        data.update(vocabulary=self.vocabulary, candour_search=self.settings.plugin.search)
        planned = self.plan.pages.get(page.file.src_uri)
        if planned is not None:
            data.update(planned.data)
        if page.is_homepage:
            data["home"] = self.plan.home
        return self._with_policy(context)

    def _with_policy(self, context: TemplateContext, policy: str | None = None) -> TemplateContext:
        if self.theme_scripts is None and policy is None:
            raise PluginError("candour: the theme has no 404.html, so the theme's own inline scripts are unknown "
                              "and the Content-Security-Policy cannot allow them")
        data = cast(dict[str, Any], context)
        data.update(candour_referrer=security.REFERRER_POLICY, candour_policy=policy or
                    security.content_security_policy(self.theme_scripts or [], self.serve_nonce),
                    candour_problems=self.preview_problems)
        return context

    # MkDocs renders the theme's static templates before any page. The 404 page holds no case content,
    # so its inline scripts, hashed once it is rendered, are exactly the theme's own: the only ones allowed.
    def on_template_context(self, context: TemplateContext, /, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext:
        if not template_name.endswith(".html"):  # sitemap.xml
            return context
        return self._with_policy(context, security.PENDING if template_name == "404.html" else None)

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "404.html":
            self.theme_scripts = security.inline_script_hashes(output_content)
            policy = security.content_security_policy(self.theme_scripts, self.serve_nonce)
            output_content = output_content.replace(security.PENDING, str(escape(policy)))
        return security.external_links(output_content, config.site_url or "") if template_name.endswith(".html") \
            else output_content

    # Last, so the check sees the final page.
    @event_priority(-100)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not security.has_policy(output):
            raise PluginError(f"candour: the page {page.file.src_uri} has no Content-Security-Policy: a template "
                              "of the casebook's own replaced the 'site_meta' block of Candour's main.html; keep "
                              "{{ super() }} in it")
        return security.external_links(output, config.site_url or "")

    # Last, so the index covers what every other plugin wrote.
    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.settings is not None
        if self.settings.plugin.search:
            started = time.perf_counter()
            index = FsPath(config.site_dir) / "pagefind"
            if self.serve_index is not None and self.serve_index.is_dir():
                # `mkdocs serve` rebuilds on every save: the index of its first build keeps search working
                # in the preview, and the writer does not wait for the whole site to be indexed again.
                shutil.copytree(self.serve_index, index, dirs_exist_ok=True)
                log.info("search: the preview keeps the first build's index (restart `make serve` to index edits)")
            else:
                try:
                    log.info(search.build_index(FsPath(config.site_dir)))
                except search.SearchIndexError as exc:
                    raise PluginError(f"candour: {exc}") from None
                if self.serve_nonce:  # serving: keep this index for the rebuilds
                    self.serve_index = FsPath(tempfile.mkdtemp(prefix="candour-index-")) / "pagefind"
                    shutil.copytree(index, self.serve_index)
            self.timings["Pagefind"] = time.perf_counter() - started
        log.info("timings: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.timings.items()))


def _report(book: casebook.Casebook, serving: bool) -> list[str]:
    """Log every problem; raise if there are errors, unless serving a preview (then return them)."""
    # Warnings are advice ('warning: ...' in the text, as `candour validate` prints them): logged as MkDocs
    # warnings they would stop `mkdocs build --strict`, refusing a case the check passes.
    for problem in book.warnings:
        log.info(problem.text())
    if book.errors:
        for problem in book.errors:
            log.error(problem.text())
        if not serving:
            raise PluginError(f"candour: {book.summary()['line']}; fix the errors above: nothing was built")
    for problem in book.waived:
        log.info(problem.text())
    for entry in book.drafts:
        log.info(f"draft, not published: {entry.file}")
    log.info(str(book.summary()["line"]))
    return [problem.text() for problem in book.errors]


def _toc(headings: tuple[Heading, ...] | list[Heading]) -> list[AnchorLink]:
    """Table-of-contents entries; the theme prints their titles as HTML, so they get escaped text."""
    links = []
    for heading in headings:
        link = AnchorLink(str(escape(heading.title)), heading.id, heading.level)
        link.children = _toc(heading.children)
        links.append(link)
    return links
