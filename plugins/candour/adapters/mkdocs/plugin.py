"""The MkDocs adapter: it connects MkDocs' events to the core and writes what the site plan says.

Every decision (which pages, where, with what data) is the site plan's (`candour.site.plan`); a
move to another site engine rewrites this file and keeps the templates.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import Any, cast

import jinja2
import jinja2.bccache
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
from ...core.body import Body, Heading
from ...core.cache import ResultCache, default_folder
from ...core.network import Network, load_network, mapping_problems, snapshot_path
from ...core.settings import ConfigError, Settings, read_config
from ...core.vocabulary import Vocabulary, VocabularyError
from ...site import search, security
from ...site.plan import Page as PlannedPage
from ...site.plan import Plan, PlanError, plan
from .config import CandourConfig

log = get_plugin_logger(__name__)
#: The package's templates and assets: between a casebook's own (custom_dir) and the theme's.
THEME_DIR = FsPath(security.__file__).parent / "theme"
STYLESHEET = "assets/candour.css"
#: Renders nothing: under `mkdocs serve`, the template of a page whose HTML is the last build's.
UNCHANGED_TEMPLATE = "candour-unchanged.html"


class CandourPlugin(BasePlugin[CandourConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.vocabulary = Vocabulary({})
        self.plan: Plan | None = None
        self.theme_scripts: list[str] | None = None
        self.preview: _Preview | None = None  # under `mkdocs serve` only
        self.indexer: search.Indexer | None = None  # while pages are written, when the site has search
        self.nav: Navigation | None = None
        # Pagefind's time is what the build waits for it after the last page: it indexes while pages are written.
        self.timings = {"checking": 0.0, "planning": 0.0, "Pagefind": 0.0}

    def load_config(self, options: dict[str, Any], config_file_path: str | None = None) -> tuple[Any, Any]:
        errors, warnings = super().load_config(options, config_file_path)
        # A name MkDocs does not know is left to the one schema, which refuses it in `on_config` and says what was
        # meant ("did you mean 'search_stories'?"); MkDocs' own warning would stop a strict build first.
        return errors, [(key, warning) for key, warning in warnings
                        if not str(warning).startswith("Unrecognised configuration name")]

    # MkDocs keeps one instance of a plugin with this event for every build in a process: a build after a
    # preview starts with no preview state.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.on_shutdown()
        self.preview = _Preview() if command == "serve" else None

    def on_shutdown(self) -> None:
        if self.preview is not None and self.preview.index is not None:
            shutil.rmtree(self.preview.index.parent, ignore_errors=True)

    @property
    def serve_nonce(self) -> str | None:
        return self.preview.nonce if self.preview is not None else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = FsPath(config.config_file_path).parent if config.config_file_path else FsPath.cwd()
        try:
            self.settings = Settings.from_options(root, dict(self.config), site_name=config.site_name,
                                                  site_url=config.site_url)
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
        if self.settings.plugin.peers and config.nav is not None and not _in_nav(config.nav, "network/index.md"):
            # An index's readers need a way to the other networks' cases: after 'Cases', or last.
            nav = config.nav
            at = next((i + 1 for i, item in enumerate(nav) if _in_nav(item, "cases/index.md")), len(nav))
            config.nav.insert(at, {"Network": "network/index.md"})
        return config

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        assert self.settings is not None
        server.watch(str(self.settings.cases_dir))  # outside docs_dir, so MkDocs would not watch it
        if self.settings.network_dir.is_dir():  # the peers' snapshots, which `candour federate` rewrites
            server.watch(str(self.settings.network_dir))
        if config.theme.custom_dir:  # the casebook's own templates: MkDocs watches themes only if asked
            server.watch(config.theme.custom_dir)
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
        preview = self.preview
        unchecked: list[str] = []
        try:
            # The cache of check results (as `candour validate` keeps it): an edit under `mkdocs serve`
            # checks the edited case again, not every case.
            cache = casebook.checks_cache(self.settings, default_folder())
            self.vocabulary, book = casebook.open_casebook(self.settings, cache=cache,
                                                           known=preview.known if preview else None)
            cache.save()
        except ConfigError as exc:
            raise PluginError(f"candour: {exc}") from None
        except VocabularyError as exc:
            for problem in exc.problems:
                log.error(problem.text())
            if preview is None:
                raise PluginError("candour: the vocabulary file has errors; nothing was built") from None
            # The preview stays up (a build that fails leaves `mkdocs serve` answering nothing): no case can
            # be checked without the vocabulary, so none is shown, and its errors are on every page.
            self.vocabulary, book = Vocabulary({}), casebook.Casebook()
            unchecked = [f"{problem.text()} (no case is shown until the vocabulary file is fixed)"
                         for problem in exc.problems]
        # Under `mkdocs serve` a case with errors is left out and its problems are shown on every page, so
        # the writer sees them where they are looking; `mkdocs build` refuses to build at all.
        problems = unchecked or _report(book, serving=preview is not None)
        folds = [] if unchecked else mapping_problems(self.settings, self.vocabulary)
        if folds and preview is None:
            raise PluginError("candour: " + "; ".join(folds))
        problems += folds  # under `mkdocs serve`, on every page, as a case's errors are
        # Other networks' cases, from the snapshots: each entry checked again (a pull request can change a
        # snapshot); what fails is reported and left out, and never stops the build.
        network = (preview.network_for(self.settings, self.vocabulary, config.site_name) if preview is not None else
                   load_network(self.settings, self.vocabulary, config.site_name)) \
            if self.settings.plugin.peers else Network()
        for line in network.problems():
            log.info(line)
        if network.peers:
            log.info(f"network: {len(network.cases)} cases from {len(network.peers)} peers")
        self.timings["checking"] = time.perf_counter() - started
        started = time.perf_counter()
        try:
            self.plan = plan(book, self.vocabulary, self.settings.plugin,
                             lambda path: File(path, "", "", config.use_directory_urls).url,
                             site_url=config.site_url or "", site_name=config.site_name,
                             existing={file.src_uri for file in files}, repo_url=config.repo_url,
                             bodies=preview.bodies if preview else None, network=network)
        except PlanError as exc:
            raise PluginError(f"candour: {exc}") from None
        if preview is not None:
            preview.start(book, self.plan, cache, problems)
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
            _Planned(escape(page.title), file, config)  # becomes file.page; the title is untrusted text
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
        page.present_anchor_ids = set(_anchors(planned.toc))  # so links to a case's headings are checked
        return planned.body

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        assert self.plan is not None and self.settings is not None
        data = cast(dict[str, Any], context)  # MkDocs types the context narrowly; templates take any key
        data.update(vocabulary=self.vocabulary, candour_search=self.settings.plugin.search,
                    candour_search_stories=self.settings.plugin.search_stories)
        planned = self.plan.pages.get(page.file.src_uri)
        if planned is not None:
            data.update(planned.data)
        if page.is_homepage:
            data["home"] = self.plan.home
        return self._with_policy(context)

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        assert self.settings is not None
        kept = self.preview.index if self.preview else None
        if self.settings.plugin.search and not (kept and kept.is_dir()):
            # Pages are about to be written: Pagefind indexes each as it comes, on another core.
            try:
                self.indexer = search.Indexer()
            except search.SearchIndexError as exc:
                raise PluginError(f"candour: {exc}") from None
        if self.indexer is not None and self.plan is not None:
            language = config.theme.get("language") or "en"
            for record in self.plan.records:
                self.indexer.add_record(record.url, record.title, record.content, record.filters, record.meta, language)
        if self.preview is not None and env.bytecode_cache is None:
            # MkDocs makes a new environment for every build: compiled templates are kept between rebuilds
            # (Jinja compares each template's source, so an edited template is compiled again).
            env.bytecode_cache = self.preview.compiled
        if self.preview is not None and self.plan is not None:
            # Every page has been read, so the navigation has its final titles (a page's own heading can
            # name it): what every page shares is known, and which planned pages are unchanged.
            self.preview.signature = _shared_signature(config, self.nav, self.preview.problems,
                                                       self.preview.checks, self.settings)
            for file in files.documentation_pages():
                planned = self.plan.pages.get(file.src_uri)
                if planned is not None and file.page is not None:
                    self.preview.reuse_if_unchanged(file.page, planned)
        return env

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def _with_policy(self, context: TemplateContext, policy: str | None = None) -> TemplateContext:
        if self.theme_scripts is None and policy is None:
            raise PluginError("candour: the theme has no 404.html, so the theme's own inline scripts are unknown "
                              "and the Content-Security-Policy cannot allow them")
        data = cast(dict[str, Any], context)
        data.update(candour_referrer=security.REFERRER_POLICY, candour_policy=policy or
                    security.content_security_policy(self.theme_scripts or [], self.serve_nonce),
                    candour_problems=self.preview.problems if self.preview else [])
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
        if self.preview is not None and page.file.src_uri in self.preview.reused:
            return self.preview.outputs[page.file.src_uri][1]
        if not security.has_policy(output):
            raise PluginError(f"candour: the page {page.file.src_uri} has no Content-Security-Policy: a template "
                              "of the casebook's own replaced the 'site_meta' block of Candour's main.html; keep "
                              "{{ super() }} in it")
        output = security.external_links(output, config.site_url or "")
        if self.preview is not None:
            self.preview.keep(page.file.src_uri, output)
        if self.indexer is not None:
            self.indexer.add(output, "/" + page.file.url)  # its address from the site's root, as Pagefind has it
        return output

    def on_build_error(self, *, error: Exception) -> None:
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None

    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.settings is not None
        if self.settings.plugin.search:
            started = time.perf_counter()
            index = FsPath(config.site_dir) / "pagefind"
            kept = self.preview.index if self.preview else None
            if kept is not None and kept.is_dir():
                # `mkdocs serve` rebuilds on every save: the index of its first build keeps search working
                # in the preview, and the writer does not wait for the whole site to be indexed again.
                shutil.copytree(kept, index, dirs_exist_ok=True, copy_function=_link_or_copy)
                log.info("search: the preview keeps the first build's index (restart `make serve` to index edits)")
            elif self.indexer is not None:
                indexer, self.indexer = self.indexer, None
                try:
                    log.info(indexer.write(FsPath(config.site_dir)))
                except search.SearchIndexError as exc:
                    raise PluginError(f"candour: {exc}") from None
                if self.preview is not None:  # keep this index for the rebuilds
                    self.preview.index = FsPath(tempfile.mkdtemp(prefix="candour-index-")) / "pagefind"
                    shutil.copytree(index, self.preview.index)
            self.timings["Pagefind"] = time.perf_counter() - started
        if self.preview is not None:
            reused = len(self.preview.reused)
            log.info(f"preview: {len(self.plan.pages if self.plan else ()) - reused} planned pages made, "
                     f"{reused} unchanged since the last build")
        log.info("timings: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.timings.items()))


def _in_nav(nav: Any, path: str) -> bool:
    """Whether MkDocs' `nav` setting lists the page at `path` anywhere."""
    if isinstance(nav, str):
        return nav == path
    if isinstance(nav, dict):
        return any(_in_nav(value, path) for value in nav.values())
    if isinstance(nav, list):
        return any(_in_nav(item, path) for item in nav)
    return False


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


class _Preview:
    """What `mkdocs serve` keeps between rebuilds, so a save costs what it changed: the cases read, the stories
    rendered, compiled templates, the first build's search index, and each planned page's HTML with a signature
    of everything it was made from (its plan, and what every page shares)."""

    def __init__(self) -> None:
        self.nonce = secrets.token_urlsafe(18)  # lets the live-reload script run under the policy
        self.index: FsPath | None = None
        self.problems: list[str] = []  # the errors, shown on every page of the preview
        self.known: dict[str, Any] = {}
        self.bodies: dict[str, Body] = {}
        self.outputs: dict[str, tuple[str, str]] = {}  # a planned page's path -> (signature, HTML)
        self.compiled = _Compiled()
        self.checks = ""  # the context of the cache of checks: the vocabulary, options and checking code
        self.network: tuple[str, Network] | None = None  # the peers' cases, and what they were read from
        self.signature = ""  # of what every page shares: configuration, theme, navigation, banner, checks
        self.reused: set[str] = set()

    def start(self, book: casebook.Casebook, plan: Plan, cache: ResultCache, problems: list[str]) -> None:
        """A new build: forget what it no longer has."""
        stories = {entry.source.body for entry in book.cases if entry.source is not None}
        self.known = {key: read for key, read in self.known.items() if key in cache.results}
        self.bodies = {text: body for text, body in self.bodies.items() if text in stories}
        self.outputs = {path: made for path, made in self.outputs.items() if path in plan.pages}
        self.problems, self.checks, self.signature, self.reused = problems, cache.context, "", set()

    def network_for(self, settings: Settings, vocabulary: Vocabulary, site_name: str) -> Network:
        """The peers' cases, read again only when a snapshot, the peers, the rules or the vocabulary changed:
        a save of a case does not check every peer's entries again."""
        digest = hashlib.sha256(repr((settings, vocabulary.terms, site_name)).encode())
        for peer in settings.plugin.peers:
            try:
                stat = snapshot_path(settings, peer).lstat()
                digest.update(f"{peer.key}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
            except OSError:
                digest.update(f"{peer.key}\0missing\0".encode())
        if self.network is None or self.network[0] != digest.hexdigest():
            self.network = (digest.hexdigest(), load_network(settings, vocabulary, site_name))
        return self.network[1]

    def reuse_if_unchanged(self, page: Page, planned: PlannedPage) -> None:
        """A planned page made from exactly what made it in the last build is not rendered again: it gets a
        template that renders nothing, and its last HTML is written instead (`on_post_page`)."""
        signature = hashlib.sha256(self.signature.encode() + pickle.dumps(planned, protocol=5)).hexdigest()
        made = self.outputs.get(page.file.src_uri)
        if made is not None and made[0] == signature and made[1]:
            page.meta["template"] = UNCHANGED_TEMPLATE
            self.reused.add(page.file.src_uri)
        else:
            self.outputs[page.file.src_uri] = (signature, "")

    def keep(self, path: str, output: str) -> None:
        if path in self.outputs:
            self.outputs[path] = (self.outputs[path][0], output)


class _Planned(Page):
    """A page of the site plan. Its HTML is the core's (a case's story) or its template's alone, so MkDocs'
    Markdown, set up afresh for every page, never runs on it."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content, self.toc = "", TableOfContents([])
        self.present_anchor_ids, self.links_to_anchors = set(), {}


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows one (the index is never changed in place), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates, in memory, for the rebuilds of one `mkdocs serve`."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


def _shared_signature(config: MkDocsConfig, nav: Navigation | None, problems: list[str], checks: str,
                      settings: Settings | None) -> str:
    """A digest of what every page is made from besides its own plan: the configuration (as read, INHERIT
    merged), the theme's files (so its inline scripts, which the policy allows), the navigation, the preview's
    banner and the checking context. Templates are read (an edit may keep a file's size and time); the
    theme's other files (its icons are thousands) are known by their size and time."""
    digest = hashlib.sha256(repr((str(nav), problems, checks, settings)).encode())
    if config.config_file_path:
        try:
            digest.update(repr(read_config(FsPath(config.config_file_path))).encode())
        except ConfigError as exc:
            digest.update(str(exc).encode())
    for folder in config.theme.dirs:
        for dirpath, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                path = os.path.join(dirpath, name)
                if name.endswith(".html"):
                    with open(path, "rb") as template:
                        digest.update(f"{path}\0".encode() + hashlib.sha256(template.read()).digest())
                else:
                    stat = os.stat(path)
                    digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode())
    return digest.hexdigest()


def _anchors(headings: tuple[Heading, ...] | list[Heading]) -> Iterator[str]:
    for heading in headings:
        yield heading.id
        yield from _anchors(heading.children)


def _toc(headings: tuple[Heading, ...] | list[Heading]) -> list[AnchorLink]:
    """Table-of-contents entries; the theme prints their titles as HTML, so they get escaped text."""
    links = []
    for heading in headings:
        link = AnchorLink(str(escape(heading.title)), heading.id, heading.level)
        link.children = _toc(heading.children)
        links.append(link)
    return links
