"""The MkDocs adapter: check every case, then publish the valid ones as generated pages.

Everything that decides anything lives in the core; this file maps MkDocs events onto it, so a
move to another site engine touches only this file (and the templates).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, cast

from markupsafe import escape
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

from . import authoring, body, casebook, codes, export, present, search, security
from .casebook import Casebook, Entry
from .model import case_schema
from .settings import DEFAULT_CASES_DIR, DEFAULT_VOCABULARY, ConfigError, Settings
from .vocabulary import Vocabulary, VocabularyError, load_vocabulary

log = get_plugin_logger(__name__)

CASES_URI = "cases"
FILTER_INDEX_URI = f"{CASES_URI}/{casebook.FILTER_INDEX}.json"
#: Cases on one page of a listing: /cases/, a theme, a service or a region.
PAGE_SIZE = 50
SEARCH_URI = "search/index.md"
REFERENCE_URI = "reference.md"
#: The package's own templates and assets, and the reader pages every casebook has (a casebook's own
#: docs/contribute.md or docs/open-data.md replaces the package's).
THEME_DIR = FsPath(__file__).parent / "theme"
PAGES_DIR = FsPath(__file__).parent / "pages"
PACKAGE_PAGES = ("contribute.md", "open-data.md", "maintainers.md")
STYLESHEET = "assets/candour.css"
#: Where the Contribute page says how to send a case privately: filled from the `private_contact` option.
PRIVATE_ROUTE = "<!-- candour:private-route -->"
#: Where the Contribute page shows the blank case template, also offered as a download.
CASE_TEMPLATE, CASE_TEMPLATE_URI = "<!-- candour:case-template -->", "case-template.txt"
RULES_URI = "rules.md"
HOME_CASES = 5
HOME_THEMES = 6


class CandourConfig(Config):
    cases_dir = c.Type(str, default=DEFAULT_CASES_DIR)
    vocabulary = c.Type(str, default=DEFAULT_VOCABULARY)
    min_words = c.Type(int, default=8)
    search = c.Type(bool, default=True)
    waivers = c.Type(bool, default=True)
    private_contact = c.Optional(c.Type(str))


@dataclass
class Generated:
    """A page this plugin made: which template shows it and the data that template gets."""

    template: str
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    entry: Entry | None = None
    hide: tuple[str, ...] = ("navigation",)  # one-page sections: the tabs are the navigation


class CandourPlugin(BasePlugin[CandourConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.book = Casebook()
        self.vocabulary = Vocabulary({})
        self.pages: dict[str, Generated] = {}
        self.home: dict[str, Any] = {}
        self.theme_scripts: list[str] | None = None
        self.case_template = ""
        #: Under `mkdocs serve` only: the nonce that lets its live-reload script, and nothing else, run.
        self.serve_nonce: str | None = None
        self.timings = {"checking": 0.0, "pages": 0.0, "Pagefind": 0.0}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serve_nonce = secrets.token_urlsafe(18) if command == "serve" else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = FsPath(config.config_file_path).parent if config.config_file_path else FsPath.cwd()
        try:
            self.settings = Settings.from_options(root, dict(self.config))
        except ConfigError as exc:
            raise PluginError(f"candour: {exc}") from None
        if not self.settings.cases_dir.is_dir():
            raise PluginError(f"candour: the cases folder {self.settings.cases_dir} does not exist "
                              "(set 'cases_dir' under the candour plugin in mkdocs.yml)")
        # The theme writes the site's name into HTML attributes unescaped (partials/nav.html): a pull
        # request could change it, so it is plain text without the characters that end an attribute.
        problem = security.site_name_problem(config.site_name)
        if problem:
            raise PluginError(f"candour: site_name in mkdocs.yml {problem}")
        # The package's templates sit between the casebook's own (custom_dir) and the theme's, so an
        # installed Candour needs no copy of them, and a casebook can still override any one of them.
        dirs = config.theme.dirs
        if str(THEME_DIR) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        # The theme keeps a reader's preferences (colour scheme) under `extra.scope`, and writes it into
        # its inline scripts: one value on every page lets the policy allow them by hash, and the site's
        # own path keeps its preferences apart from other sites on the same domain (GitHub Pages).
        scope = security.scope_of(config.site_url)
        if config.extra.get("scope") is None:
            config.extra["scope"] = scope
        elif config.extra["scope"] != scope:
            log.warning(f"extra.scope is {config.extra['scope']!r} but the site is served under {scope!r} "
                        "(site_url): remove extra.scope, and Candour sets it")
        if "search" in config.plugins or "material/search" in config.plugins:
            log.warning("the 'search' plugin builds a lunr index that is loaded whole on every search; "
                        "remove it from mkdocs.yml: candour indexes the site with Pagefind")
        return config

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        # cases/ is outside docs_dir, so MkDocs would not rebuild when a case is edited.
        assert self.settings is not None
        server.watch(str(self.settings.cases_dir))
        nonce = self.serve_nonce
        if nonce:
            # The live-reload script is added to each page as it is served, so the policy built into the
            # page cannot hash it; it carries this session's nonce instead (MkDocs 1.6's injection point).
            inject = server._inject_js_into_html
            server._inject_js_into_html = lambda content, epoch: security.with_nonce(inject(content, epoch), nonce)  # type: ignore[method-assign]
        return server

    # Runs after other plugins have added their files, so a clash with a hand-written page is seen.
    @event_priority(-50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.settings is not None
        settings = self.settings
        self.timings = dict.fromkeys(self.timings, 0.0)
        started = time.perf_counter()
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
        self.timings["checking"] = time.perf_counter() - started
        started = time.perf_counter()
        self.pages = {}
        docs_dir = FsPath(config.docs_dir)
        # The blank case: what `candour new --no-input` writes, never marked illustrative.
        self.case_template = authoring.render_case(authoring.Answers(), self.vocabulary)
        files.append(File.generated(config, CASE_TEMPLATE_URI, content=self.case_template))
        for name in PACKAGE_PAGES:
            if files.get_file_from_path(name) is None:
                own = File.generated(config, name, content=(PAGES_DIR / name).read_text(encoding="utf-8"))
                own.edit_uri = None  # it is the package's page, not a file in the casebook to edit
                files.append(own)

        urls: dict[str, str] = {}
        for entry in self.book.cases:
            uri = f"{CASES_URI}/{entry.slug}.md"  # never a listing page's: casebook.RESERVED_SLUGS
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"candour: {entry.file} would be published at {uri}, but docs/{uri} already "
                                  "exists; rename one of them")
            # Not in the nav: listing thousands of pages there is what makes large sites slow.
            # The body never reaches MkDocs' Markdown: the core renders it (candour.body).
            file = File.generated(config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            file.edit_uri = os.path.relpath(entry.path, docs_dir).replace(os.sep, "/")
            files.append(file)
            urls[entry.slug] = file.url
            assert entry.case is not None
            self.pages[uri] = Generated("case.html", entry.case.title, entry=entry)

        cases = [(e.case, urls[e.slug]) for e in self.book.cases if e.case is not None]
        listing = [present.listing_view(case, url, self.vocabulary) for case, url in cases]
        views = {e.slug: view for e, view in zip(self.book.cases, listing, strict=True)}
        related = casebook.related_cases(self.book.cases)
        for page in self.pages.values():
            assert page.entry is not None and page.entry.case is not None
            page.data = {
                "case": present.case_view(page.entry.case, self.vocabulary),
                "related": [views[r.slug] for r in related[page.entry.slug]],
            }
        self._add_pages(files, config, CASES_URI, Generated("cases.html", "Cases", {
            "facets": present.facets(listing, self.vocabulary), "total": len(listing),
            "filter_index": FILTER_INDEX_URI}), "cases", listing)
        files.append(File.generated(config, FILTER_INDEX_URI,
                                    content=present.filter_index(listing, self.vocabulary)))
        terms = self._add_taxonomies(files, config, cases, listing)
        if self.config.search:
            self._add(files, config, SEARCH_URI, Generated("search.html", "Search"))
        self._add(files, config, REFERENCE_URI, Generated("reference.html", "Field reference", {
            "fields": present.field_reference(case_schema(self.vocabulary))}, hide=("toc",)))
        self._add(files, config, RULES_URI, Generated("rules.html", "Rules and codes", {
            "rules": codes.reference(), "waivers_allowed": settings.plugin.waivers}, hide=("toc",)))
        self._add_data_files(files, config, [(e.slug, e.case, urls[e.slug]) for e in self.book.cases])
        themes = sorted((t for t in terms["themes"] if t["setbacks"]), key=lambda t: (-t["setbacks"], t["term"]))
        self.home = {
            "newest": listing[:HOME_CASES],
            "top_themes": [{**t, "count": t["setbacks"]} for t in themes[:HOME_THEMES]],
            "count": len(listing),
        }
        self.timings["pages"] += time.perf_counter() - started
        return files

    def _add(self, files: Files, config: MkDocsConfig, uri: str, page: Generated) -> None:
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
        self.pages[uri] = page

    def _add_pages(self, files: Files, config: MkDocsConfig, folder: str, first: Generated, key: str,
                   items: list[Any], expand: Any = None) -> None:
        """A listing split into pages of PAGE_SIZE: folder/index.md, then folder/page/2.md and so on.

        Pages keep every listing small whatever the size of the casebook; without JavaScript
        a reader follows the page links, and the filters on /cases/ work on every case at once.
        """
        count = max(1, -(-len(items) // PAGE_SIZE))
        uris = [f"{folder}/{casebook.LISTING_INDEX}.md" if n == 1 else f"{folder}/{casebook.LISTING_PAGES}/{n}.md"
                for n in range(1, count + 1)]
        for uri in uris:
            self._add(files, config, uri, Generated(first.template, first.title, dict(first.data), hide=first.hide))
        urls = [files.get_file_from_path(uri).url for uri in uris]  # type: ignore[union-attr]
        for n, uri in enumerate(uris, start=1):
            chunk = items[(n - 1) * PAGE_SIZE: n * PAGE_SIZE]
            data = self.pages[uri].data
            data[key] = chunk
            if expand is not None:
                data.update(expand(chunk))
            data["pagination"] = {
                "page": n, "pages": count, "total": len(items), "first_index": (n - 1) * PAGE_SIZE + 1,
                "last_index": (n - 1) * PAGE_SIZE + len(chunk),
                "previous": urls[n - 2] if n > 1 else None, "next": urls[n] if n < count else None,
            }
            if n > 1:
                self.pages[uri].title = f"{first.title} (page {n} of {count})"

    def _add_taxonomies(self, files: Files, config: MkDocsConfig, cases: list[tuple[Any, str]],
                        listing: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """Index and term pages for themes, services and regions; returns each folder's terms with counts."""
        by_folder: dict[str, list[dict[str, Any]]] = {}
        for folder, (kind, case_field, heading) in present.TAXONOMIES.items():
            terms = []
            for term in self.vocabulary.allowed(kind):
                label = self.vocabulary.label(kind, term)
                data: dict[str, Any] = {"kind": folder, "heading": heading, "term": term, "label": label}
                if folder == "themes":
                    on_theme = [(c, u) for c, u in cases if present.on_theme(c, term)]
                    totals = present.lessons_for_theme(on_theme, term)
                    data.update(setback_total=len(totals["setbacks"]), lesson_total=len(totals["lessons"]))
                    self._add_pages(files, config, f"{folder}/{term}", Generated("theme.html", label, data),
                                    "cases_on_page", on_theme,
                                    lambda page: present.lessons_for_theme(page, term))  # noqa: B023
                    count, setbacks = len(on_theme), data["setback_total"]
                else:
                    matching = [v for v in listing if _has(v, case_field, term)]
                    self._add_pages(files, config, f"{folder}/{term}", Generated("term.html", label, data),
                                    "cases", matching)
                    count, setbacks = len(matching), 0
                terms.append({"term": term, "label": label, "url": f"{folder}/{term}/", "count": count,
                              "setbacks": setbacks})
            self._add(files, config, f"{folder}/index.md",
                      Generated("taxonomy.html", heading, {"kind": folder, "heading": heading, "terms": terms}))
            by_folder[folder] = terms
        return by_folder

    def _add_data_files(self, files: Files, config: MkDocsConfig, cases: list[tuple[str, Any, str]]) -> None:
        site_url = config.site_url or ""
        if not site_url:
            log.warning("set 'site_url' in mkdocs.yml: the feed and open data need absolute links")
        base = site_url if site_url.endswith("/") else site_url + "/"
        items = [export.Published(slug, base + url, case) for slug, case, url in cases]
        outputs = {
            "cases.json": export.cases_json(items),
            "cases.csv": export.cases_csv(items),
            "feed.xml": export.atom_feed(items, base, config.site_name),
            "schema/case.schema.json": export.schema_json(self.vocabulary),
        }
        for uri, content in outputs.items():
            if files.get_file_from_path(uri) is not None:
                files.remove(files.get_file_from_path(uri))  # type: ignore[arg-type]
            files.append(File.generated(config, uri, content=content))

    def _report(self, book: Casebook) -> None:
        for problem in book.warnings:
            log.warning(problem.text())
        if book.errors:
            for problem in book.errors:
                log.error(problem.text())
            raise PluginError(f"candour: {book.summary()['line']}; fix the errors above: nothing was built")
        for problem in book.waived:
            log.info(problem.text())
        for entry in book.drafts:
            log.info(f"draft, not published: {entry.file}")
        log.info(str(book.summary()["line"]))

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        with self._timer("pages"):
            return self._page_markdown(markdown, page)

    def _page_markdown(self, markdown: str, page: Page) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            contact = self.settings.plugin.private_contact if self.settings else None
            return markdown.replace(PRIVATE_ROUTE, present.private_route(contact)).replace(
                CASE_TEMPLATE, present.case_template_block(self.case_template, CASE_TEMPLATE_URI))
        # A generated page's settings are Candour's alone, never read from any text.
        page.meta = {"template": generated.template, "hide": list(generated.hide)}
        if generated.entry is not None and generated.entry.case is not None:
            page.meta["description"] = generated.entry.case.summary
        # Untrusted text: the theme prints page.title as HTML in places, so it gets HTML-escaped text.
        page.title = escape(generated.title)
        return markdown

    # Late, so what other plugins did to a case page is replaced by the core's rendering of the case body.
    @event_priority(-100)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        with self._timer("pages"):
            return self._page_content(html, page)

    def _page_content(self, html: str, page: Page) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None and generated.entry is not None and generated.entry.case is not None:
            rendered = body.render(generated.entry.source.body)
            # The template puts these sections around the story: list them in the table of contents too.
            sections = present.case_sections(generated.entry.case)
            page.toc = TableOfContents([*(AnchorLink(title, anchor, 2) for anchor, title in sections["before"]),
                                        *_toc(rendered.headings),
                                        *(AnchorLink(title, anchor, 2) for anchor, title in sections["after"])])
            return rendered.html
        return html

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        with self._timer("pages"):
            data = cast(dict[str, Any], context)  # MkDocs types the context narrowly; templates take any key
            data["vocabulary"] = self.vocabulary
            data["candour_search"] = self.config.search
            generated = self.pages.get(page.file.src_uri)
            if generated is not None:
                data.update(generated.data)
            if page.is_homepage:
                data["home"] = self.home
        return context

    # MkDocs renders the theme's static templates before any page. The 404 page holds no case
    # content, so its inline scripts are exactly the theme's own: the only ones the policy allows.
    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "404.html":
            self.theme_scripts = security.inline_script_hashes(output_content)
        if template_name.endswith(".html"):
            return security.harden(output_content, self.theme_scripts or [], config.site_url or "", self.serve_nonce)
        return output_content

    # Last, so the policy sees the final page.
    @event_priority(-100)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.theme_scripts is None:
            raise PluginError("candour: the theme has no 404.html, so the theme's own inline scripts are unknown "
                              "and the Content-Security-Policy cannot allow them")
        with self._timer("pages"):
            return security.harden(output, self.theme_scripts, config.site_url or "", self.serve_nonce)

    # Last, so the index covers what every other plugin wrote.
    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.config.search:
            try:
                with self._timer("Pagefind"):
                    report = search.build_index(FsPath(config.site_dir))
            except search.SearchIndexError as exc:
                raise PluginError(f"candour: {exc}") from None
            log.info(report)
        log.info("timings: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.timings.items()))

    @contextmanager
    def _timer(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] += time.perf_counter() - started


def _toc(headings: list[body.Heading]) -> list[AnchorLink]:
    """Table-of-contents entries; the theme prints their titles as HTML, so they get escaped text."""
    links = []
    for heading in headings:
        link = AnchorLink(str(escape(heading.title)), heading.id, heading.level)
        link.children = _toc(heading.children)
        links.append(link)
    return links


def _has(view: dict[str, Any], case_field: str, term: str) -> bool:
    value = view[case_field]
    return value["term"] == term if isinstance(value, dict) else any(v["term"] == term for v in value)
