"""The site plan: every page, data file and Markdown page the site will have, decided without a site engine.

`plan()` takes the checked casebook, the vocabulary, the options and a way to turn a page's path
into its URL, and returns the pages (path, template, title, data for the template, and the body
of a case), the data files, the package's own Markdown pages and the home page's content. A site
engine's adapter only writes what the plan says. Every path the plan writes is reserved: a
hand-written page or file at one of them is an error, never silently replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, TypedDict

from ..core import casebook, codes
from ..core.body import Body, Heading, render
from ..core.casebook import Casebook, Entry
from ..core.model import Case, case_schema, lesson_text
from ..core.network import Network, PeerCase, network_json
from ..core.plain_text import search_facet
from ..core.settings import PluginOptions
from ..core.taxonomy import BY_KIND, TAXONOMIES
from ..core.vocabulary import Vocabulary
from ..tools import authoring
from . import export, present
from .present import CaseSummary

CASES = "cases"
#: Cases on one page of a listing: /cases/, a theme, a service or a region.
PAGE_SIZE = 50
HOME_CASES = 5
HOME_TERMS = 5
#: The taxonomies with a feed per term: a reader can follow their own field, or their own region.
FEEDS_FOR = ("themes", "services", "regions")
FILTER_INDEX = f"{CASES}/{casebook.FILTER_INDEX}.json"
#: Where an index lists every network's cases, and says how each peer is.
NETWORK = "network"
NETWORK_FILTER_INDEX = f"{NETWORK}/{casebook.FILTER_INDEX}.json"
#: The blank case, offered as a download on the Contribute page.
CASE_TEMPLATE = "case-template.txt"
#: The reader pages every casebook has, written in Markdown (the engine renders them); a casebook's own
#: docs/contribute.md or docs/open-data.md replaces the package's.
PACKAGE_PAGES_DIR = FsPath(__file__).parent / "pages"
PACKAGE_PAGES = ("contribute.md", "open-data.md", "maintainers.md", "accessibility.md", "privacy.md")
#: Where a Markdown page gets text made from the casebook's settings.
PRIVATE_ROUTE_MARKER = "<!-- candour:private-route -->"
CASE_TEMPLATE_MARKER = "<!-- candour:case-template -->"
CONTACT_MARKER = "<!-- candour:contact -->"
REPOSITORY_MARKER = "<!-- candour:repository -->"


@dataclass(frozen=True)
class Page:
    """One page the plan makes: the template that shows it, and what that template gets."""

    path: str  # the page's source path, 'cases/housing-first-pilot.md'
    template: str
    title: str  # plain text: untrusted for a case, escaped where it is written
    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""  # a case's story as HTML, made by the core (candour.core.body); empty for other pages
    toc: tuple[Heading, ...] = ()  # the page's table of contents
    description: str | None = None
    hide: tuple[str, ...] = ("navigation",)  # one-page sections: the tabs are the navigation
    source: FsPath | None = None  # the case file, for 'Suggest a change'


class Pagination(TypedDict):
    page: int
    pages: int
    total: int
    first_index: int
    last_index: int
    previous: str | None
    next: str | None


class TermCount(TypedDict):
    term: str
    label: str
    url: str
    count: int  # cases on the term
    setbacks: int  # setbacks about the term (themes only)
    lessons: int  # lessons about the term (themes only)


class Browse(TypedDict):
    """One way into the cases from the home page: a taxonomy and its busiest terms."""

    kind: str
    heading: str  # 'By theme'
    url: str
    all: str  # 'All themes'
    terms: list[TermCount]


class Home(TypedDict):
    newest: list[CaseSummary]
    count: int
    browse: list[Browse]
    network: NetworkCount | None


class NetworkCount(TypedDict):
    """What the home page says of the network, when the casebook indexes others."""

    url: str
    cases: int  # every network's, ours included
    networks: int  # ours included


@dataclass(frozen=True)
class SearchRecord:
    """A page of another site in the search index: another network's case, found here, read there."""

    url: str  # absolute
    title: str
    content: str
    filters: dict[str, list[str]]
    meta: dict[str, str]  # shown under a result, as a case page's are


@dataclass
class Plan:
    pages: dict[str, Page]
    files: dict[str, str]  # data files: path -> text
    documents: dict[str, str]  # the package's Markdown pages the casebook does not have: path -> Markdown
    home: Home
    case_template: str
    private_contact: str | None
    repo_url: str | None = None
    records: list[SearchRecord] = field(default_factory=list)  # other networks' cases, for the search index

    def fill(self, markdown: str) -> str:
        """A Markdown page with its markers replaced by text made from the casebook's settings."""
        return markdown.replace(PRIVATE_ROUTE_MARKER, present.private_route(self.private_contact)).replace(
            CASE_TEMPLATE_MARKER, present.case_template_block(self.case_template, CASE_TEMPLATE)).replace(
            CONTACT_MARKER, present.contact(self.private_contact, self.repo_url)).replace(
            REPOSITORY_MARKER, present.repository(self.repo_url))


class PlanError(Exception):
    """Hand-written pages or files stand where the plan writes; the message names each and what to do."""


def plan(book: Casebook, vocabulary: Vocabulary, options: PluginOptions, url_of: Callable[[str], str], *,
         site_url: str, site_name: str, existing: Collection[str] = (), page_size: int = PAGE_SIZE,
         today: dt.date | None = None, repo_url: str | None = None,
         bodies: MutableMapping[str, Body] | None = None, network: Network | None = None) -> Plan:
    """The whole site for a checked casebook. `existing` holds the paths of the casebook's own pages and files.
    `bodies` holds stories rendered by an earlier plan in this process, by their Markdown (a preview that
    plans again on every save keeps them): a story found there is not rendered again. `network` holds
    other networks' cases, from the peers' snapshots, when the casebook indexes others."""
    network = network or Network()
    peers = bool(network.peers)
    shown = network.vocabulary(vocabulary)  # with the peers' own labels for terms this casebook does not have
    builder = _Builder(url_of, page_size, bodies, network.cases if peers else [])
    for entry in book.cases:
        builder.add_case(entry, vocabulary)
    cases = [(entry.case, builder.urls[entry.slug]) for entry in book.cases if entry.case is not None]
    listing = [present.case_summary(case, url, vocabulary) for case, url in cases]
    builder.add_case_data(book, listing, vocabulary)
    builder.paginate(CASES, Page(f"{CASES}/index.md", "cases.html", "Cases", {
        "facets": present.facets(listing, vocabulary), "total": len(listing), "filter_index": FILTER_INDEX}),
        listing, key="cases")
    # An index's lessons library has a page for every theme of every network: a theme only a peer uses is under
    # that peer's label.
    counts = {t.kind: builder.add_taxonomy(t.kind, shown if t.kind == "themes" else vocabulary, cases, listing,
                                           set(vocabulary.allowed(t.kind)))
              for t in TAXONOMIES if t.pages}
    records: list[SearchRecord] = []
    network_count: NetworkCount | None = None
    if peers:
        names = [site_name, *dict.fromkeys(case.home.name for case in network.cases)]
        networks = len(names) - (0 if listing else 1)  # with a case here: an index of others may have none
        cards = [present.peer_summary(case, shown) for case in network.cases]
        everyone = sorted([*listing, *cards], key=lambda view: view["published"], reverse=True)
        builder.paginate(NETWORK, Page(f"{NETWORK}/index.md", "cases.html", "Cases across the network", {
            "facets": present.facets(everyone, shown, names), "total": len(everyone),
            "filter_index": NETWORK_FILTER_INDEX, "network_page": True,
            "networks": networks, "own": len(listing),
            "status_url": url_of(f"{NETWORK}/status.md")}), everyone, key="cases")
        builder.add(Page(f"{NETWORK}/status.md", "network-status.html", "Network status",
                         {"peers": network.peers, "own": site_name}, hide=("toc",)))
        records = [_search_record(case, card) for case, card in zip(network.cases, cards, strict=True)]
        network_count = {"url": url_of(f"{NETWORK}/index.md"), "cases": len(everyone), "networks": networks}
        for page in builder.pages.values():
            if page.source is not None:  # each of our own cases is filed under our network in the search
                page.data["network_name"] = search_facet(site_name)
    feeds = [t.kind for t in TAXONOMIES if t.kind in FEEDS_FOR]
    if options.search:
        orders = present.search_orders(shown)
        if peers:
            orders["network"] = [search_facet(name) for name in names]
        builder.add(Page("search/index.md", "search.html", "Search", {"orders": orders}))
    builder.add(Page("reference.md", "reference.html", "Field reference",
                     {"fields": present.field_reference(case_schema(vocabulary))}, hide=("toc",)))
    builder.add(Page("rules.md", "rules.html", "Rules and codes",
                     {"rules": codes.reference(), "waivers_allowed": options.waivers}, hide=("toc",)))

    case_template = authoring.render_case(authoring.Answers(), vocabulary, today)  # never marked illustrative
    base = site_url if site_url.endswith("/") else site_url + "/"
    published = [export.Published(e.slug, base + builder.urls[e.slug], e.case) for e in book.cases if e.case]
    files = {
        CASE_TEMPLATE: case_template,
        FILTER_INDEX: present.filter_index(listing, vocabulary),
        "cases.json": export.cases_json(published, vocabulary),
        "network.json": network_json(site_name, base, network, shown),
        "cases.csv": export.cases_csv(published),
        "feed.xml": export.atom_feed(published, base, site_name),
        "schema/case.schema.json": export.schema_json(vocabulary),
    }
    for kind in feeds:  # a feed per theme and per service, so a reader can follow their own field
        members = BY_KIND[kind].members([item.case for item in published])
        for term in counts[kind]:
            if term["term"] not in vocabulary.terms.get(kind, {}):  # a peer's term: no feed of this casebook's
                continue
            on_term = [published[position] for position in members.get(term["term"], [])]
            files[f"{kind}/{term['term']}/feed.xml"] = export.atom_feed(
                on_term, base, site_name, f"{kind}/{term['term']}/feed.xml", term["url"],
                title=f"{term['label']}: {site_name}")
    documents = {name: (PACKAGE_PAGES_DIR / name).read_text(encoding="utf-8")
                 for name in PACKAGE_PAGES if name not in existing}
    if peers:
        files[NETWORK_FILTER_INDEX] = present.filter_index(everyone, shown, names)
    clashes = sorted(set(existing) & (set(builder.pages) | set(files)))
    if clashes:
        raise PlanError("; ".join(f"docs/{path} stands where the site puts {_what(path, builder.pages)}: rename "
                                  "or remove one of them" for path in clashes))
    # An index's newest cases are every network's: an index of others may have none of its own.
    home: Home = {"newest": (everyone if peers else listing)[:HOME_CASES], "count": len(listing),
                  "browse": [{"kind": kind, "heading": f"By {BY_KIND[kind].label.lower()}",
                              "url": url_of(f"{kind}/index.md"), "all": f"All {BY_KIND[kind].heading.lower()}",
                              "terms": sorted((t for t in terms if t["count"]), key=lambda t: -t["count"])[:HOME_TERMS]}
                             for kind, terms in counts.items()], "network": network_count}
    return Plan(builder.pages, files, documents, home, case_template, options.private_contact, repo_url, records)


def _search_record(peer_case: PeerCase, view: CaseSummary) -> SearchRecord:
    """Another network's case in the search index: what its card (`view`) and its lessons say, filed under its
    network."""
    case = peer_case.case
    text = [case.summary, case.place, *(s.what for s in case.setbacks), *(lesson_text(i) for i in case.do_differently)]
    filters = {"network": [search_facet(peer_case.home.name)], "status": [view["status_label"]],
               "region": [view["region"]["facet"]], "service": [v["facet"] for v in view["services"]],
               "theme": [v["facet"] for v in view["themes"]], "partner": [v["facet"] for v in view["partners"]]}
    meta = {"region": view["region"]["facet"], "services": ", ".join(v["label"] for v in view["services"]),
            "status": view["status_label"]}
    return SearchRecord(peer_case.url, f"{case.title} ({peer_case.home.name})", "\n".join(text),
                        {key: values for key, values in filters.items() if values}, meta)


def _what(path: str, pages: dict[str, Page]) -> str:
    page = pages.get(path)
    if page is None:
        return "a data file it makes"
    return f"the page of the case {page.source.name}" if page.source else f"its page '{page.title}'"


class _Builder:
    def __init__(self, url_of: Callable[[str], str], page_size: int,
                 bodies: MutableMapping[str, Body] | None = None, peer_cases: list[PeerCase] | None = None) -> None:
        self.url_of = url_of
        self.peer_cases = peer_cases or []
        self.page_size = page_size
        self.bodies = bodies
        self.pages: dict[str, Page] = {}
        self.urls: dict[str, str] = {}  # a case's slug -> its page's URL

    def add(self, page: Page) -> None:
        self.pages[page.path] = page

    def add_case(self, entry: Entry, vocabulary: Vocabulary) -> None:
        case, source = entry.case, entry.source
        assert case is not None and source is not None  # the site is planned from a casebook checked in full
        path = f"{CASES}/{entry.slug}.md"  # never a listing page's: casebook.RESERVED_SLUGS
        self.urls[entry.slug] = self.url_of(path)
        rendered = self.bodies.get(source.body) if self.bodies is not None else None
        if rendered is None:
            rendered = render(source.body)
            if self.bodies is not None:
                self.bodies[source.body] = rendered
        sections = _sections(case)
        self.add(Page(path, "case.html", case.title, {}, body=rendered.html, description=case.summary,
                      toc=(*sections["before"], *rendered.headings, *sections["after"]), source=entry.path))

    def add_case_data(self, book: Casebook, listing: list[CaseSummary], vocabulary: Vocabulary) -> None:
        """Each case page's view of its case, and the cases related to it."""
        summaries = {entry.slug: view for entry, view in zip(book.cases, listing, strict=True)}
        related = casebook.related_cases(book.cases)
        for entry in book.cases:
            assert entry.case is not None
            page = self.pages[f"{CASES}/{entry.slug}.md"]
            page.data.update(case=present.case_view(entry.case, vocabulary),
                             related=[summaries[r.slug] for r in related[entry.slug]])

    def paginate(self, folder: str, first: Page, items: list[Any], key: str | None = None,
                 expand: Callable[[list[Any]], Mapping[str, Any]] | None = None) -> None:
        """A listing split into pages: folder/index.md, then folder/page/2.md and so on.

        Pages keep every listing small whatever the size of the casebook; without JavaScript
        a reader follows the page links, and the filters on /cases/ work on every case at once.
        """
        count = max(1, -(-len(items) // self.page_size))
        paths = [f"{folder}/{casebook.LISTING_INDEX}.md" if n == 1 else f"{folder}/{casebook.LISTING_PAGES}/{n}.md"
                 for n in range(1, count + 1)]
        urls = [self.url_of(path) for path in paths]
        for n, path in enumerate(paths, start=1):
            chunk = items[(n - 1) * self.page_size: n * self.page_size]
            pagination: Pagination = {
                "page": n, "pages": count, "total": len(items), "first_index": (n - 1) * self.page_size + 1,
                "last_index": (n - 1) * self.page_size + len(chunk),
                "previous": urls[n - 2] if n > 1 else None, "next": urls[n] if n < count else None,
            }
            data = {**first.data, **({key: chunk} if key else {}), **(expand(chunk) if expand else {}),
                    "pagination": pagination}
            title = first.title if n == 1 else f"{first.title} (page {n} of {count})"
            self.add(Page(path, first.template, title, data, hide=first.hide))

    def add_taxonomy(self, kind: str, vocabulary: Vocabulary, cases: list[tuple[Case, str]],
                     listing: list[CaseSummary], own: Collection[str] | None = None) -> list[TermCount]:
        """The index page and term pages of one taxonomy; returns its terms with their counts."""
        taxonomy = BY_KIND[kind]
        own = vocabulary.allowed(kind) if own is None else own
        terms: list[TermCount] = []
        members = taxonomy.members([case for case, _ in cases])
        peer_members = taxonomy.members([p.case for p in self.peer_cases]) if kind == "themes" else {}
        peers_on = {term: [self.peer_cases[i] for i in found] for term, found in peer_members.items()}
        for term in vocabulary.allowed(kind):
            label = vocabulary.label(kind, term)
            # A feed follows this casebook's own cases: a theme only a peer has gets none.
            data: dict[str, Any] = {"kind": kind, "heading": taxonomy.heading, "term": term, "label": label,
                                    "feed": f"{kind}/{term}/feed.xml" if kind in FEEDS_FOR and term in own else None}
            folder = f"{kind}/{term}"
            on_term = [(*cases[position], listing[position]) for position in members.get(term, [])]
            setbacks = lessons = 0
            count = len(on_term)
            if kind == "themes":
                # The lessons library spans the networks: our cases first, then the peers' on the same theme.
                entries: list[tuple[Case, str, str | None]] = [(c, u, None) for c, u, _ in on_term]
                entries += [(p.case, p.url, p.home.name) for p in peers_on.get(term, [])]
                library = present.lessons_for_theme(entries, term)
                setbacks, lessons = len(library["setbacks"]), len(library["lessons"])
                data.update(setback_total=setbacks, lesson_total=lessons, own_total=len(on_term))
                count = len(entries)  # a theme's lessons span the networks
                self.paginate(folder, Page(folder, "theme.html", label, data), entries,
                              expand=lambda chunk: present.lessons_for_theme(chunk, term))  # noqa: B023
            else:
                self.paginate(folder, Page(folder, "term.html", label, data), [v for *_, v in on_term], key="cases")
            terms.append({"term": term, "label": label, "url": self.url_of(f"{folder}/index.md"), "count": count,
                          "setbacks": setbacks, "lessons": lessons})
        self.add(Page(f"{kind}/index.md", "taxonomy.html", taxonomy.heading,
                      {"kind": kind, "heading": taxonomy.heading, "terms": terms}))
        return terms


def _sections(case: Case) -> dict[str, list[Heading]]:
    """The sections the case template adds before and after the story, for the table of contents."""
    return {where: [Heading(2, anchor, title) for anchor, title in sections]
            for where, sections in present.case_sections(case).items()}
